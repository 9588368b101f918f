//! Submissions in PostgreSQL: one row per device-generated id, written once.
//! SQLite writes them through its group-commit writer; here each call is one
//! transaction of its own, and several can commit at once.

use std::collections::{HashMap, HashSet};

use app::domain::{register::CqcLocationId, submission::Receipt};
use chrono::{DateTime, Utc};
use sqlx::{PgConnection, Postgres, QueryBuilder};
use uuid::Uuid;

use super::{accounts::timestamp, corrupt, database, text, PostgresStore};
pub(super) use crate::store::rows::{receipt_from_row, stored_from_row};
use crate::store::{FormVersion, NewSubmission, ReceivedRange, Recorded, StoreError, StoredSubmission, SubmissionStore};

pub(super) const COLUMNS: &str = "id, device_id, form_id, form_version, service_location_id, answers, content_hash, \
    severity, severity_reason, submitted_at, received_at";

#[async_trait::async_trait]
impl SubmissionStore for PostgresStore {
    async fn record_submissions(&self, submissions: Vec<NewSubmission>) -> Result<Vec<Recorded>, StoreError> {
        if submissions.is_empty() {
            return Ok(Vec::new());
        }
        let rows: Vec<&NewSubmission> = submissions.iter().collect();
        let mut attempt = 1;
        loop {
            match self.record_once(&rows).await {
                Err(err) if attempt < MOST_ATTEMPTS && is_deadlock(&err) => attempt += 1,
                outcome => return outcome,
            }
        }
    }

    async fn submission(&self, id: Uuid) -> Result<Option<StoredSubmission>, StoreError> {
        sqlx::query(&format!("SELECT {COLUMNS} FROM submissions WHERE id = $1"))
            .bind(id.to_string())
            .fetch_optional(&self.pool)
            .await
            .map_err(database)?
            .as_ref()
            .map(stored_from_row)
            .transpose()
    }

    async fn submissions_of_form(
        &self,
        form: &FormVersion,
        range: &ReceivedRange,
        after: Option<(DateTime<Utc>, Uuid)>,
        limit: u32,
    ) -> Result<Vec<StoredSubmission>, StoreError> {
        let mut query = QueryBuilder::<Postgres>::new(format!("SELECT {COLUMNS} FROM submissions WHERE form_id = "));
        query.push_bind(form.id.clone()).push(" AND form_version = ").push_bind(i64::from(form.version));
        if let Some(from) = range.from {
            query.push(" AND received_at >= ").push_bind(from.to_string());
        }
        if let Some(to) = range.to {
            query.push(" AND received_at < ").push_bind((to + chrono::Duration::days(1)).to_string());
        }
        if let Some((received_at, id)) = after {
            // Stored as `to_rfc3339()` writes it, so the same call gives the same text.
            query.push(" AND (received_at, id) > (").push_bind(received_at.to_rfc3339()).push(", ").push_bind(id.to_string()).push(")");
        }
        query.push(" ORDER BY received_at, id LIMIT ").push_bind(i64::from(limit));
        let rows = query.build().fetch_all(&self.pool).await.map_err(database)?;
        rows.iter().map(stored_from_row).collect()
    }

    async fn latest_submission(&self, service: &CqcLocationId, form_id: &str) -> Result<Option<StoredSubmission>, StoreError> {
        sqlx::query(&format!(
            "SELECT {COLUMNS} FROM submissions WHERE service_location_id = $1 AND form_id = $2 ORDER BY received_at DESC LIMIT 1"
        ))
        .bind(service.as_str())
        .bind(form_id)
        .fetch_optional(&self.pool)
        .await
        .map_err(database)?
        .as_ref()
        .map(stored_from_row)
        .transpose()
    }
}

/// Tries before a deadlock is passed on as an error.
const MOST_ATTEMPTS: u32 = 3;

impl PostgresStore {
    async fn record_once(&self, rows: &[&NewSubmission]) -> Result<Vec<Recorded>, StoreError> {
        let mut tx = self.pool.begin().await.map_err(database)?;
        let outcomes = record_all(&mut tx, rows).await?;
        tx.commit().await.map_err(database)?;
        Ok(outcomes)
    }
}

/// Whether PostgreSQL broke a deadlock by failing this transaction, which
/// can then simply run again. Rows are inserted in one order (see `insert`),
/// so two batches deadlock only in ways that order cannot prevent.
fn is_deadlock(err: &StoreError) -> bool {
    let StoreError::Database(err) = err else { return false };
    match err.downcast_ref::<sqlx::Error>() {
        Some(sqlx::Error::Database(db)) => db.code().as_deref() == Some("40P01"),
        _ => false,
    }
}

/// Three statements however many rows: the services they name, the insert,
/// and a look at any ids already taken. Another server inserting one of these
/// ids at the same moment makes the insert wait for its commit and then skip
/// the row, which the look-up then finds.
async fn record_all(tx: &mut PgConnection, rows: &[&NewSubmission]) -> Result<Vec<Recorded>, StoreError> {
    let known = known_services(tx, rows).await?;
    let mut storable: Vec<&NewSubmission> = rows.iter().copied().filter(|row| known.contains(row.service.as_str())).collect();
    // Each insert locks its id and marks its service stale (a row of
    // `service_stats_stale`, by trigger); in one order in every batch, two
    // batches (a phone's retry beside its first try) wait for each other
    // instead of deadlocking.
    storable.sort_by(|a, b| (a.service.as_str(), a.id).cmp(&(b.service.as_str(), b.id)));
    let mut inserted = insert(tx, &storable).await?;
    queue_alerts(tx, rows.iter().copied().filter(|row| inserted.contains(&row.id.to_string()))).await?;
    let mut outcomes: Vec<Option<Recorded>> = vec![None; rows.len()];
    let mut to_look_up = Vec::new();
    for (index, row) in rows.iter().enumerate() {
        if !known.contains(row.service.as_str()) {
            outcomes[index] = Some(Recorded::UnknownService);
        } else if inserted.remove(&row.id.to_string()) {
            outcomes[index] = Some(Recorded::New(Receipt {
                id: row.id,
                severity: row.assessment.severity,
                severity_reason: row.assessment.reason.clone(),
                received_at: row.received_at,
            }));
        } else {
            to_look_up.push(index);
        }
    }
    let ids: Vec<String> = to_look_up.iter().map(|&index| rows[index].id.to_string()).collect();
    let stored = stored_receipts(tx, &ids).await?;
    for index in to_look_up {
        let row = rows[index];
        outcomes[index] = Some(match stored.get(&row.id.to_string()) {
            Some((device, hash, receipt)) if *device == row.device_id.to_string() && *hash == row.content_hash => {
                Recorded::AlreadyReceived(receipt.clone())
            }
            Some(_) => Recorded::Conflict,
            None => return Err(corrupt(format!("submission {} was neither stored nor found", row.id))),
        });
    }
    Ok(outcomes.into_iter().map(|outcome| outcome.unwrap_or(Recorded::Conflict)).collect())
}

async fn known_services(tx: &mut PgConnection, rows: &[&NewSubmission]) -> Result<HashSet<String>, StoreError> {
    let wanted: HashSet<&str> = rows.iter().map(|row| row.service.as_str()).collect();
    let wanted: Vec<String> = wanted.into_iter().map(str::to_owned).collect();
    let found: Vec<String> = sqlx::query_scalar("SELECT location_id FROM services WHERE location_id = ANY($1)")
        .bind(wanted)
        .fetch_all(&mut *tx)
        .await
        .map_err(database)?;
    Ok(found.into_iter().collect())
}

/// Inserts the rows whose id is free, every row in one statement (one array
/// per column, so no limit on bound values); returns the ids it inserted.
async fn insert(tx: &mut PgConnection, rows: &[&NewSubmission]) -> Result<HashSet<String>, StoreError> {
    if rows.is_empty() {
        return Ok(HashSet::new());
    }
    let answers = rows.iter().map(|row| serde_json::to_string(&row.answers).map_err(corrupt)).collect::<Result<Vec<_>, _>>()?;
    let column = |value: fn(&NewSubmission) -> String| rows.iter().map(|row| value(row)).collect::<Vec<String>>();
    let inserted: Vec<String> = sqlx::query_scalar(&format!(
        "INSERT INTO submissions ({COLUMNS}, risk_of_harm) \
         SELECT * FROM UNNEST($1::text[], $2::text[], $3::text[], $4::bigint[], $5::text[], $6::text[], $7::text[], \
         $8::text[], $9::text[], $10::text[], $11::text[], $12::boolean[]) \
         ON CONFLICT (id) DO NOTHING RETURNING id"
    ))
    .bind(column(|row| row.id.to_string()))
    .bind(column(|row| row.device_id.to_string()))
    .bind(column(|row| row.form_id.clone()))
    .bind(rows.iter().map(|row| i64::from(row.form_version)).collect::<Vec<_>>())
    .bind(column(|row| row.service.as_str().to_owned()))
    .bind(answers)
    .bind(column(|row| row.content_hash.clone()))
    .bind(column(|row| row.assessment.severity.code().to_owned()))
    .bind(column(|row| row.assessment.reason.clone()))
    .bind(column(|row| row.submitted_at.to_rfc3339()))
    .bind(column(|row| row.received_at.to_rfc3339()))
    .bind(rows.iter().map(|row| row.assessment.risk_of_harm).collect::<Vec<_>>())
    .fetch_all(&mut *tx)
    .await
    .map_err(database)?;
    Ok(inserted.into_iter().collect())
}

/// Queues the alerts of the rows stored now, in their transaction: a retry
/// of an observation already received queues nothing.
async fn queue_alerts<'a>(tx: &mut PgConnection, stored: impl Iterator<Item = &'a NewSubmission>) -> Result<(), StoreError> {
    for row in stored {
        for channel in &row.alerts {
            let now = timestamp(row.received_at);
            // A batch that names one new id twice queues its alerts once.
            sqlx::query(
                "INSERT INTO alerts (submission_id, channel, created_at, next_attempt_at) VALUES ($1, $2, $3, $4) \
                 ON CONFLICT (submission_id, channel) DO NOTHING",
            )
            .bind(row.id.to_string())
            .bind(channel.code())
            .bind(&now)
            .bind(&now)
            .execute(&mut *tx)
            .await
            .map_err(database)?;
        }
    }
    Ok(())
}

/// What a later comparison needs of rows already stored: device, content hash, receipt.
async fn stored_receipts(tx: &mut PgConnection, ids: &[String]) -> Result<HashMap<String, (String, String, Receipt)>, StoreError> {
    if ids.is_empty() {
        return Ok(HashMap::new());
    }
    let rows =
        sqlx::query("SELECT id, device_id, content_hash, severity, severity_reason, received_at FROM submissions WHERE id = ANY($1)")
            .bind(ids)
            .fetch_all(&mut *tx)
            .await
            .map_err(database)?;
    let mut found = HashMap::new();
    for row in rows {
        found.insert(text(&row, "id")?, (text(&row, "device_id")?, text(&row, "content_hash")?, receipt_from_row(&row)?));
    }
    Ok(found)
}

#[cfg(test)]
mod tests {
    use app::domain::{
        device::{OrganisationName, ProfessionalName, ProfessionalRole},
        forms::{Assessment, Severity},
    };

    use super::*;
    use crate::store::{DeviceStore, NewDevice};

    /// Two servers receiving one phone's retry at once: one stores it, the
    /// other answers with the same receipt; other content under the id is a conflict.
    #[tokio::test]
    async fn one_submission_sent_twice_at_once_is_stored_once() {
        let Some((store, _scratch)) = crate::store::postgres::scratch::store().await else { return };
        crate::register::demo::load_if_empty(&store).await.unwrap();
        let organisation = store.add_organisation(&OrganisationName::parse("Puddlecombe Surgery").unwrap(), "hash").await.unwrap();
        let device = NewDevice {
            id: Uuid::new_v4(),
            organisation_id: organisation,
            token_hash: "token".to_owned(),
            name: ProfessionalName::parse("Dr A Example").unwrap(),
            role: ProfessionalRole::parse("gp").unwrap(),
            token_expires_at: Utc::now() + chrono::Duration::days(1),
        };
        store.enrol_device(&device).await.unwrap();
        let submission = NewSubmission {
            id: Uuid::new_v4(),
            device_id: device.id,
            form_id: "professional-feedback".to_owned(),
            form_version: 1,
            service: CqcLocationId::parse("1-000000001").unwrap(),
            answers: Default::default(),
            content_hash: "first".to_owned(),
            assessment: Assessment { severity: Severity::Amber, reason: "test".to_owned(), risk_of_harm: false },
            submitted_at: Utc::now().into(),
            received_at: Utc::now(),
            alerts: Vec::new(),
        };
        let (a, b) = tokio::join!(store.record_submission(&submission), store.record_submission(&submission));
        let (a, b) = (a.unwrap(), b.unwrap());
        let receipt = match (&a, &b) {
            (Recorded::New(new), Recorded::AlreadyReceived(again)) | (Recorded::AlreadyReceived(again), Recorded::New(new)) => {
                assert_eq!(new, again);
                new.clone()
            }
            other => panic!("{other:?}"),
        };
        assert_eq!(store.submission(submission.id).await.unwrap().unwrap().receipt, receipt);
        let clash = NewSubmission { content_hash: "other".to_owned(), ..submission };
        assert_eq!(store.record_submission(&clash).await.unwrap(), Recorded::Conflict);
    }
}
