//! Group commit for submissions. One task owns one connection and writes
//! every submission: it takes everything queued from all requests, stores it
//! in one transaction and answers each request once that commit is durable
//! (`synchronous = FULL`). Under load a single fsync covers many requests;
//! with one request at a time it is no slower than an insert of its own.
//! The task keeps running when a request gives up, so a commit is never
//! cut short by a client going away.

use std::collections::{HashMap, HashSet};

use sqlx::{sqlite::SqliteConnectOptions, Connection, QueryBuilder, Row, Sqlite, SqliteConnection};
use tokio::sync::{mpsc, oneshot};

use super::{
    accounts::timestamp,
    corrupt, database,
    submissions::{receipt_from_row, COLUMNS},
};
use crate::store::{NewSubmission, Recorded, StoreError};
use app::domain::submission::Receipt;

/// Most submissions in one transaction, so a backlog is committed in steps.
const MOST_ROWS_PER_COMMIT: usize = 2_000;
/// Rows per INSERT statement: 12 values each, well under SQLite's 32,766 variables.
const ROWS_PER_STATEMENT: usize = 500;

struct Job {
    rows: Vec<NewSubmission>,
    reply: oneshot::Sender<Result<Vec<Recorded>, StoreError>>,
}

/// The way to the writer task. Dropping every handle ends the task.
#[derive(Clone)]
pub struct Writer(mpsc::UnboundedSender<Job>);

impl Writer {
    /// Opens the writer's own connection and starts its task.
    pub async fn start(options: &SqliteConnectOptions) -> Result<Self, sqlx::Error> {
        let connection = SqliteConnection::connect_with(options).await?;
        let (sender, receiver) = mpsc::unbounded_channel();
        tokio::spawn(run(connection, receiver));
        Ok(Self(sender))
    }

    /// Stores `rows` in the next group commit and returns once it is durable.
    pub async fn write(&self, rows: Vec<NewSubmission>) -> Result<Vec<Recorded>, StoreError> {
        let (reply, answer) = oneshot::channel();
        self.0.send(Job { rows, reply }).map_err(|_| stopped())?;
        answer.await.map_err(|_| stopped())?
    }
}

fn stopped() -> StoreError {
    StoreError::Corrupt("the submission writer has stopped".to_owned())
}

async fn run(mut connection: SqliteConnection, mut receiver: mpsc::UnboundedReceiver<Job>) {
    while let Some(first) = receiver.recv().await {
        let mut jobs = vec![first];
        let mut rows = jobs[0].rows.len();
        while rows < MOST_ROWS_PER_COMMIT {
            let Ok(job) = receiver.try_recv() else { break };
            rows += job.rows.len();
            jobs.push(job);
        }
        commit_jobs(&mut connection, jobs).await;
    }
    let _ = connection.close().await;
}

/// Commits the jobs together; if that fails, each on its own, so one job's
/// problem is never another's.
async fn commit_jobs(connection: &mut SqliteConnection, jobs: Vec<Job>) {
    let all: Vec<&NewSubmission> = jobs.iter().flat_map(|job| &job.rows).collect();
    match in_one_transaction(connection, &all).await {
        Ok(mut outcomes) => {
            for job in jobs {
                let rest = outcomes.split_off(job.rows.len());
                let _ = job.reply.send(Ok(outcomes));
                outcomes = rest;
            }
        }
        Err(err) if jobs.len() == 1 => {
            let _ = jobs.into_iter().next().map(|job| job.reply.send(Err(err)));
        }
        Err(err) => {
            tracing::warn!(error = %err, jobs = jobs.len(), "group commit failed; committing each request alone");
            for job in jobs {
                let rows: Vec<&NewSubmission> = job.rows.iter().collect();
                let _ = job.reply.send(in_one_transaction(connection, &rows).await);
            }
        }
    }
}

async fn in_one_transaction(connection: &mut SqliteConnection, rows: &[&NewSubmission]) -> Result<Vec<Recorded>, StoreError> {
    sqlx::query("BEGIN IMMEDIATE").execute(&mut *connection).await.map_err(database)?;
    match record_all(connection, rows).await {
        Ok(outcomes) => {
            sqlx::query("COMMIT").execute(&mut *connection).await.map_err(database)?;
            Ok(outcomes)
        }
        Err(err) => {
            let _ = sqlx::query("ROLLBACK").execute(&mut *connection).await;
            Err(err)
        }
    }
}

/// Three statements per 500 rows however many requests they came from: the
/// services they name, the insert, and a look at any ids already taken.
async fn record_all(connection: &mut SqliteConnection, rows: &[&NewSubmission]) -> Result<Vec<Recorded>, StoreError> {
    let known = known_services(connection, rows).await?;
    let mut inserted = HashSet::new();
    let storable: Vec<&NewSubmission> = rows.iter().copied().filter(|row| known.contains(row.service.as_str())).collect();
    for chunk in storable.chunks(ROWS_PER_STATEMENT) {
        inserted.extend(insert(connection, chunk).await?);
    }
    queue_alerts(connection, rows.iter().copied().filter(|row| inserted.contains(&row.id.to_string()))).await?;
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
    let stored = stored_receipts(connection, &ids).await?;
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

async fn known_services(connection: &mut SqliteConnection, rows: &[&NewSubmission]) -> Result<HashSet<String>, StoreError> {
    let wanted: HashSet<&str> = rows.iter().map(|row| row.service.as_str()).collect();
    let mut found = HashSet::new();
    let wanted: Vec<&str> = wanted.into_iter().collect();
    for chunk in wanted.chunks(ROWS_PER_STATEMENT) {
        let mut query = QueryBuilder::<Sqlite>::new("SELECT location_id FROM services WHERE location_id IN (");
        let mut list = query.separated(", ");
        for id in chunk {
            list.push_bind(*id);
        }
        query.push(")");
        for row in query.build().fetch_all(&mut *connection).await.map_err(database)? {
            found.insert(row.try_get::<String, _>(0).map_err(database)?);
        }
    }
    Ok(found)
}

/// Inserts the rows whose id is free; returns the ids it inserted.
async fn insert(connection: &mut SqliteConnection, rows: &[&NewSubmission]) -> Result<Vec<String>, StoreError> {
    let mut query = QueryBuilder::<Sqlite>::new(format!("INSERT INTO submissions ({COLUMNS}, risk_of_harm) "));
    let mut problem = None;
    query.push_values(rows, |mut values, row| {
        let answers = serde_json::to_string(&row.answers).unwrap_or_else(|err| {
            problem = Some(err.to_string());
            String::new()
        });
        values
            .push_bind(row.id.to_string())
            .push_bind(row.device_id.to_string())
            .push_bind(row.form_id.clone())
            .push_bind(i64::from(row.form_version))
            .push_bind(row.service.as_str().to_owned())
            .push_bind(answers)
            .push_bind(row.content_hash.clone())
            .push_bind(row.assessment.severity.code())
            .push_bind(row.assessment.reason.clone())
            .push_bind(row.submitted_at.to_rfc3339())
            .push_bind(row.received_at.to_rfc3339())
            .push_bind(row.assessment.risk_of_harm);
    });
    if let Some(problem) = problem {
        return Err(corrupt(problem));
    }
    query.push(" ON CONFLICT (id) DO NOTHING RETURNING id");
    let inserted = query.build().fetch_all(&mut *connection).await.map_err(database)?;
    inserted.iter().map(|row| row.try_get::<String, _>(0).map_err(database)).collect()
}

/// Queues the alerts of the rows stored now, in their transaction: a retry
/// of an observation already received queues nothing.
async fn queue_alerts<'a>(connection: &mut SqliteConnection, stored: impl Iterator<Item = &'a NewSubmission>) -> Result<(), StoreError> {
    for row in stored {
        for channel in &row.alerts {
            let now = timestamp(row.received_at);
            sqlx::query("INSERT INTO alerts (submission_id, channel, created_at, next_attempt_at) VALUES (?, ?, ?, ?)")
                .bind(row.id.to_string())
                .bind(channel.code())
                .bind(&now)
                .bind(&now)
                .execute(&mut *connection)
                .await
                .map_err(database)?;
        }
    }
    Ok(())
}

/// What a later comparison needs of rows already stored: device, content hash, receipt.
async fn stored_receipts(
    connection: &mut SqliteConnection,
    ids: &[String],
) -> Result<HashMap<String, (String, String, Receipt)>, StoreError> {
    let mut found = HashMap::new();
    for chunk in ids.chunks(ROWS_PER_STATEMENT) {
        let mut query = QueryBuilder::<Sqlite>::new(
            "SELECT id, device_id, content_hash, severity, severity_reason, received_at FROM submissions WHERE id IN (",
        );
        let mut list = query.separated(", ");
        for id in chunk {
            list.push_bind(id.as_str());
        }
        query.push(")");
        for row in query.build().fetch_all(&mut *connection).await.map_err(database)? {
            let text = |column: &str| -> Result<String, StoreError> { row.try_get(column).map_err(database) };
            found.insert(text("id")?, (text("device_id")?, text("content_hash")?, receipt_from_row(&row)?));
        }
    }
    Ok(found)
}
