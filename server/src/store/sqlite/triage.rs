//! The inbox, observations and the audit trail in SQLite.

use app::domain::{
    register::CqcLocationId,
    submission::looks_like_reference,
    triage::{Outcome, CONCERN_RATINGS},
};
use chrono::{DateTime, Duration, Utc};
use sqlx::{QueryBuilder, Row, Sqlite};
use uuid::Uuid;

use super::{
    accounts::timestamp,
    corrupt, database,
    submissions::{stored_from_row, COLUMNS},
    SqliteStore,
};
pub(super) use crate::store::columns::{escape_like, parse_status, severity_rank};
pub(super) use crate::store::rows::{event_from_row, item_from_row};
use crate::store::rows::{export_row_from_row, sharing_from_row};
use crate::store::{
    AreaMonth, Device, ExportRow, InboxCounts, InboxFilter, InboxItem, InboxPage, Observation, OverdueCutoffs, StepApplied, StoreError,
    TriageChange, TriageStore, User,
};

pub(super) const ITEM_COLUMNS: &str = "s.id, s.service_location_id, COALESCE(v.name, s.service_location_id) AS service_name, \
    COALESCE(v.town, '') AS town, s.form_id, s.form_version, json_extract(s.answers, '$.visit_date.value') AS visit_date, \
    d.role AS visitor_role, s.severity, s.risk_of_harm, s.severity_reason, s.status, u.name AS assignee, s.received_at, \
    (s.reply_due_at IS NOT NULL AND s.replied_at IS NULL AND s.reply_due_at < strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) AS reply_overdue";

pub(super) const ITEM_JOINS: &str = " FROM submissions s LEFT JOIN services v ON v.location_id = s.service_location_id \
    LEFT JOIN users u ON u.id = s.assignee_id JOIN devices d ON d.id = s.device_id";

#[async_trait::async_trait]
impl TriageStore for SqliteStore {
    async fn inbox(&self, filter: &InboxFilter, page: u32, per_page: u32) -> Result<InboxPage, StoreError> {
        let mut count = QueryBuilder::<Sqlite>::new("SELECT COUNT(*) FROM submissions s");
        push_filter(&mut count, filter);
        let total: i64 = count.build_query_scalar().fetch_one(&self.pool).await.map_err(database)?;

        let mut select = QueryBuilder::<Sqlite>::new(format!("SELECT {ITEM_COLUMNS}{ITEM_JOINS}"));
        push_filter(&mut select, filter);
        push_inbox_page(&mut select, page, per_page);
        let rows = select.build().fetch_all(&self.pool).await.map_err(database)?;
        Ok(InboxPage { items: rows.iter().map(item_from_row).collect::<Result<_, _>>()?, total: u64::try_from(total).map_err(corrupt)? })
    }

    async fn export_rows(&self, filter: &InboxFilter, page: u32, per_page: u32) -> Result<Vec<ExportRow>, StoreError> {
        let mut select = QueryBuilder::<Sqlite>::new(format!(
            "SELECT {ITEM_COLUMNS}, o.name AS visitor_organisation, s.outcome, \
             CASE WHEN s.status = 'closed' THEN (SELECT MAX(e.at) FROM triage_events e WHERE e.submission_id = s.id AND e.kind = 'closed') END \
             AS closed_at{ITEM_JOINS} JOIN organisations o ON o.id = d.organisation_id"
        ));
        push_filter(&mut select, filter);
        push_inbox_page(&mut select, page, per_page);
        let rows = select.build().fetch_all(&self.pool).await.map_err(database)?;
        rows.iter().map(export_row_from_row).collect()
    }

    async fn observation(&self, id: Uuid) -> Result<Option<Observation>, StoreError> {
        let columns = COLUMNS.split(", ").map(|c| format!("s.{c}")).collect::<Vec<_>>().join(", ");
        let row = sqlx::query(&format!(
            "SELECT {columns}, s.status, s.outcome, s.triage_version, \
             s.shared_with_provider_at, s.compliment, s.reply_due_at, s.replied_at, \
             u.id AS assignee_id, u.email AS assignee_email, u.name AS assignee_name, u.role AS assignee_role, \
             d.name AS device_name, d.role AS device_role, o.name AS organisation, d.revoked_at IS NOT NULL AS revoked \
             FROM submissions s JOIN devices d ON d.id = s.device_id JOIN organisations o ON o.id = d.organisation_id \
             LEFT JOIN users u ON u.id = s.assignee_id WHERE s.id = ?"
        ))
        .bind(id.to_string())
        .fetch_optional(&self.pool)
        .await
        .map_err(database)?;
        let Some(row) = row else { return Ok(None) };
        let submission = stored_from_row(&row)?;
        // The staff's steps, the alerts' deliveries and the home's replies and
        // actions, as one trail in time order.
        let events = sqlx::query(
            "SELECT at, user_name, kind, detail, note, shared_with_visitor FROM (\
             SELECT at, user_name, kind, detail, note, shared_with_visitor, 0 AS source, id FROM triage_events WHERE submission_id = ?1 \
             UNION ALL SELECT at, 'Care Home Feedback' AS user_name, \
             CASE delivered WHEN 1 THEN 'alert_sent' ELSE 'alert_failed' END AS kind, detail, '' AS note, 0, 1 AS source, id \
             FROM alert_log WHERE submission_id = ?1 \
             UNION ALL SELECT at, user_name, 'provider_reply', '', text, 0, 2, id FROM provider_replies WHERE submission_id = ?1 \
             UNION ALL SELECT created_at, created_by, 'action_added', what || ' (' || who || ', by ' || due_on || ')', '', 0, 3, id \
             FROM provider_actions WHERE submission_id = ?1 \
             UNION ALL SELECT done_at, done_by, 'action_done', what || ' (done ' || done_on || ')', '', 0, 4, id \
             FROM provider_actions WHERE submission_id = ?1 AND done_at IS NOT NULL) ORDER BY at, source, id",
        )
        .bind(id.to_string())
        .fetch_all(&self.pool)
        .await
        .map_err(database)?
        .iter()
        .map(event_from_row)
        .collect::<Result<_, _>>()?;
        let text = |column: &str| -> Result<String, StoreError> { row.try_get(column).map_err(database) };
        let assignee = match row.try_get::<Option<i64>, _>("assignee_id").map_err(database)? {
            Some(id) => Some(User {
                id,
                email: text("assignee_email")?,
                name: text("assignee_name")?,
                role: app::domain::accounts::Role::parse(&text("assignee_role")?).ok_or_else(|| corrupt("role"))?,
            }),
            None => None,
        };
        let outcome = row.try_get::<Option<String>, _>("outcome").map_err(database)?;
        Ok(Some(Observation {
            visitor: Device {
                id: submission.device_id,
                name: text("device_name")?,
                organisation: text("organisation")?,
                role: text("device_role")?,
                revoked: row.try_get("revoked").map_err(database)?,
                // Triage shows who sent it, not whether their phone may still send.
                token_expires_at: None,
            },
            submission,
            status: parse_status(&text("status")?)?,
            assignee,
            outcome: outcome.map(|code| Outcome::parse(&code).ok_or_else(|| corrupt(format!("outcome {code}")))).transpose()?,
            version: row.try_get("triage_version").map_err(database)?,
            sharing: sharing_from_row(&row)?,
            events,
        }))
    }

    async fn service_observations(&self, service: &CqcLocationId, limit: u32) -> Result<Vec<InboxItem>, StoreError> {
        sqlx::query(&format!("SELECT {ITEM_COLUMNS}{ITEM_JOINS} WHERE s.service_location_id = ? ORDER BY s.received_at DESC LIMIT ?"))
            .bind(service.as_str())
            .bind(i64::from(limit))
            .fetch_all(&self.pool)
            .await
            .map_err(database)?
            .iter()
            .map(item_from_row)
            .collect()
    }

    async fn area_ratings(&self, service: &CqcLocationId, areas: &[&str]) -> Result<Vec<AreaMonth>, StoreError> {
        let mut months = Vec::new();
        for area in areas {
            // A rating answer is stored as {"type": "rating", "value": {"value": "good", ...}}.
            let rows = sqlx::query(
                "SELECT substr(received_at, 1, 7) AS month, json_extract(answers, '$.' || ? || '.value.value') AS rating, \
                 COUNT(*) AS count FROM submissions WHERE service_location_id = ? AND rating IS NOT NULL \
                 GROUP BY month, rating ORDER BY month",
            )
            .bind(area)
            .bind(service.as_str())
            .fetch_all(&self.pool)
            .await
            .map_err(database)?;
            for row in rows {
                months.push(AreaMonth {
                    area: (*area).to_owned(),
                    month: row.try_get("month").map_err(database)?,
                    rating: row.try_get("rating").map_err(database)?,
                    count: u32::try_from(row.try_get::<i64, _>("count").map_err(database)?).map_err(corrupt)?,
                });
            }
        }
        Ok(months)
    }

    async fn flagged_services(&self, since: DateTime<Utc>, threshold: u32) -> Result<Vec<(CqcLocationId, String, u32)>, StoreError> {
        let rows = sqlx::query(
            "SELECT s.service_location_id, COALESCE(v.name || ', ' || v.town, s.service_location_id) AS name, COUNT(*) AS count \
             FROM submissions s LEFT JOIN services v ON v.location_id = s.service_location_id \
             WHERE s.severity IN ('amber', 'red') AND s.received_at >= ? \
             GROUP BY s.service_location_id HAVING COUNT(*) >= ? ORDER BY count DESC, name",
        )
        .bind(since.to_rfc3339())
        .bind(i64::from(threshold))
        .fetch_all(&self.pool)
        .await
        .map_err(database)?;
        rows.iter()
            .map(|row| {
                let id: String = row.try_get("service_location_id").map_err(database)?;
                let count: i64 = row.try_get("count").map_err(database)?;
                Ok((
                    CqcLocationId::parse(&id).map_err(corrupt)?,
                    row.try_get("name").map_err(database)?,
                    u32::try_from(count).map_err(corrupt)?,
                ))
            })
            .collect()
    }

    async fn inbox_seen_at(&self, user_id: i64) -> Result<Option<DateTime<Utc>>, StoreError> {
        let seen: Option<Option<String>> = sqlx::query_scalar("SELECT inbox_seen_at FROM users WHERE id = ?")
            .bind(user_id)
            .fetch_optional(&self.pool)
            .await
            .map_err(database)?;
        seen.flatten().map(|at| DateTime::parse_from_rfc3339(&at).map(|at| at.with_timezone(&Utc)).map_err(corrupt)).transpose()
    }

    async fn record_inbox_seen(&self, user_id: i64, at: DateTime<Utc>) -> Result<(), StoreError> {
        sqlx::query("UPDATE users SET inbox_seen_at = ? WHERE id = ?")
            .bind(timestamp(at))
            .bind(user_id)
            .execute(&self.pool)
            .await
            .map_err(database)?;
        Ok(())
    }

    async fn inbox_counts(&self, since: DateTime<Utc>, overdue: &OverdueCutoffs) -> Result<InboxCounts, StoreError> {
        // `harm_rank IN (0, 1)` is always true: it lets SQLite seek the inbox
        // indexes (which start with it) by severity instead of reading them whole.
        let row = sqlx::query(
            "SELECT \
             (SELECT COUNT(*) FROM submissions s WHERE s.status <> 'closed' AND s.harm_rank IN (0, 1) AND s.severity_rank = 0 \
              AND s.received_at >= ?1) AS red, \
             (SELECT COUNT(*) FROM submissions s WHERE s.status <> 'closed' AND s.harm_rank IN (0, 1) AND s.severity_rank = 0 \
              AND s.risk_of_harm = 1 AND s.received_at >= ?1) AS risk_of_harm, \
             (SELECT COUNT(*) FROM submissions s WHERE s.status = 'new' AND s.harm_rank IN (0, 1) AND s.severity_rank IN (0, 1) \
              AND ((s.severity_rank = 0 AND s.received_at < ?2) OR (s.severity_rank = 1 AND s.received_at < ?3))) AS overdue",
        )
        // As received times are stored (`to_rfc3339`), so they compare as text.
        .bind(since.to_rfc3339())
        .bind(overdue.red.map(|at| at.to_rfc3339()))
        .bind(overdue.amber.map(|at| at.to_rfc3339()))
        .fetch_one(&self.pool)
        .await
        .map_err(database)?;
        let count =
            |column: &str| -> Result<u64, StoreError> { u64::try_from(row.try_get::<i64, _>(column).map_err(database)?).map_err(corrupt) };
        Ok(InboxCounts { red: count("red")?, risk_of_harm: count("risk_of_harm")?, overdue: count("overdue")? })
    }

    async fn apply_step(&self, id: Uuid, expected_version: i64, change: &TriageChange) -> Result<StepApplied, StoreError> {
        let mut tx = self.pool.begin_with("BEGIN IMMEDIATE").await.map_err(database)?;
        let updated = sqlx::query(
            "UPDATE submissions SET status = ?, assignee_id = COALESCE(?, assignee_id), outcome = COALESCE(?, outcome), \
             acknowledged_at = COALESCE(acknowledged_at, ?), triage_version = triage_version + 1 \
             WHERE id = ? AND triage_version = ?",
        )
        .bind(change.status.code())
        .bind(change.assignee)
        .bind(change.outcome.map(Outcome::code))
        .bind(change.acknowledged_at.map(timestamp))
        .bind(id.to_string())
        .bind(expected_version)
        .execute(&mut *tx)
        .await
        .map_err(database)?
        .rows_affected();
        if updated == 0 {
            let exists: Option<i64> = sqlx::query_scalar("SELECT 1 FROM submissions WHERE id = ?")
                .bind(id.to_string())
                .fetch_optional(&mut *tx)
                .await
                .map_err(database)?;
            return Ok(if exists.is_some() { StepApplied::Stale } else { StepApplied::NotFound });
        }
        let event = &change.event;
        sqlx::query(
            "INSERT INTO triage_events (submission_id, at, user_id, user_name, kind, detail, note, shared_with_visitor) \
             VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        )
        .bind(id.to_string())
        .bind(timestamp(event.at))
        .bind(change.user_id)
        .bind(&event.user_name)
        .bind(&event.kind)
        .bind(&event.detail)
        .bind(&event.note)
        .bind(event.shared_with_visitor)
        .execute(&mut *tx)
        .await
        .map_err(database)?;
        if let Some(share) = &change.share {
            sqlx::query("UPDATE submissions SET shared_with_provider_at = ?, compliment = ?, reply_due_at = ? WHERE id = ?")
                .bind(timestamp(share.at))
                .bind(share.compliment)
                .bind(share.reply_due_at.map(timestamp))
                .bind(id.to_string())
                .execute(&mut *tx)
                .await
                .map_err(database)?;
        }
        tx.commit().await.map_err(database)?;
        Ok(StepApplied::Done(expected_version + 1))
    }
}

/// The inbox's order (risk of harm not yet acknowledged, then most severe,
/// then unacknowledged, then oldest; the `submissions_inbox` index's own) and
/// one page of it.
fn push_inbox_page(select: &mut QueryBuilder<'_, Sqlite>, page: u32, per_page: u32) {
    select
        .push(" ORDER BY s.harm_rank, s.severity_rank, s.acknowledged_at IS NOT NULL, s.received_at LIMIT ")
        .push_bind(i64::from(per_page))
        .push(" OFFSET ")
        .push_bind(i64::from(page.saturating_sub(1)) * i64::from(per_page));
}

fn push_filter(query: &mut QueryBuilder<'_, Sqlite>, filter: &InboxFilter) {
    query.push(" WHERE 1 = 1");
    if !filter.severities.is_empty() {
        // By rank, not name: the inbox indexes hold the rank, so a count never
        // has to visit the rows themselves.
        query.push(" AND s.severity_rank IN (");
        let mut list = query.separated(", ");
        for severity in &filter.severities {
            list.push_bind(severity_rank(*severity));
        }
        query.push(")");
    }
    if filter.statuses.is_empty() {
        query.push(" AND s.status <> 'closed'");
    } else {
        query.push(" AND s.status IN (");
        let mut list = query.separated(", ");
        for status in &filter.statuses {
            list.push_bind(status.code());
        }
        query.push(")");
    }
    if let Some(service) = &filter.service {
        query.push(" AND s.service_location_id = ").push_bind(service.as_str().to_owned());
    }
    if let Some(assignee) = filter.assignee {
        query.push(" AND s.assignee_id = ").push_bind(assignee);
    }
    if let Some(role) = &filter.role {
        query.push(" AND json_extract(s.answers, '$.role.value') = ").push_bind(role.clone());
    }
    if let Some(area) = filter.area_with_concerns {
        query.push(area_with_concerns(area));
    }
    for word in filter.text.iter().flat_map(|text| text.split_whitespace()) {
        query.push(" AND (s.answers LIKE ").push_bind(format!("%{}%", escape_like(word))).push(" ESCAPE '\\'");
        // The reference a phone shows is the start of the id: it finds its observation.
        if looks_like_reference(word) {
            query.push(" OR s.id LIKE ").push_bind(format!("{}%", word.to_lowercase()));
        }
        query.push(")");
    }
    if let Some(from) = filter.received_from {
        query.push(" AND s.received_at >= ").push_bind(from.to_string());
    }
    if let Some(to) = filter.received_to {
        query.push(" AND s.received_at < ").push_bind((to + Duration::days(1)).to_string());
    }
}

/// The filter's SQL, written out rather than bound so that SQLite matches it to
/// the area's partial index (migration 8), which must say the same words. A
/// rating answer is stored as {"type": "rating", "value": {"value": "some_concerns", ...}}.
/// Only the charted areas reach here (`InboxFilter::area_with_concerns` is
/// one of `CHARTED_AREAS`), so nothing a person typed is written into SQL.
fn area_with_concerns(area: &'static str) -> String {
    let ratings = CONCERN_RATINGS.map(|rating| format!("'{rating}'")).join(", ");
    format!(" AND json_extract(s.answers, '$.{area}.value.value') IN ({ratings})")
}

#[cfg(test)]
mod tests {
    use app::domain::triage::CHARTED_AREAS;

    use super::*;

    /// The filter's words and migration 8's must agree, or the filter reads every row.
    #[tokio::test]
    async fn each_area_filter_counts_from_its_own_partial_index() {
        let dir = tempfile::tempdir().unwrap();
        let store = SqliteStore::open(&format!("sqlite://{}", dir.path().join("chf.db").display())).await.unwrap();
        for (area, _) in CHARTED_AREAS {
            let filter = InboxFilter { area_with_concerns: Some(area), ..InboxFilter::default() };
            let mut count = QueryBuilder::<Sqlite>::new("EXPLAIN QUERY PLAN SELECT COUNT(*) FROM submissions s");
            push_filter(&mut count, &filter);
            let plan: Vec<String> = count.build().fetch_all(&store.pool).await.unwrap().iter().map(|row| row.get("detail")).collect();
            let index = format!("submissions_open_{area}_concerns");
            assert!(plan.iter().any(|step| step.contains(&index)), "{area}: {plan:?}");
        }
    }
}
