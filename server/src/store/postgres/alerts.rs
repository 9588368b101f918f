//! Alerts in PostgreSQL: queued with their observation, taken by the sender
//! when due, and settled with a line in the observation's trail.

use chrono::{DateTime, NaiveDate, Utc};
use sqlx::Row;
use uuid::Uuid;

use super::{accounts::timestamp, corrupt, database, PostgresStore};
use crate::store::{AlertChannel, AlertStore, DueAlert, StoreError};

#[async_trait::async_trait]
impl AlertStore for PostgresStore {
    async fn take_due_alerts(&self, now: DateTime<Utc>, held_until: DateTime<Utc>, limit: u32) -> Result<Vec<DueAlert>, StoreError> {
        // One statement. `SKIP LOCKED` passes over alerts another sender is
        // taking this instant, so two senders never take one alert and neither waits.
        let rows = sqlx::query(
            "WITH due AS (SELECT submission_id, channel, next_attempt_at FROM alerts \
             WHERE delivered_at IS NULL AND next_attempt_at <= $2 ORDER BY next_attempt_at LIMIT $3 FOR UPDATE SKIP LOCKED), \
             taken AS (UPDATE alerts a SET next_attempt_at = $1 FROM due \
             WHERE a.submission_id = due.submission_id AND a.channel = due.channel \
             RETURNING a.submission_id, a.channel, a.attempts, due.next_attempt_at AS was_due) \
             SELECT submission_id, channel, attempts FROM taken ORDER BY was_due, submission_id, channel",
        )
        .bind(timestamp(held_until))
        .bind(timestamp(now))
        .bind(i64::from(limit))
        .fetch_all(&self.pool)
        .await
        .map_err(database)?;
        rows.iter()
            .map(|row| {
                let channel: String = row.try_get("channel").map_err(database)?;
                let attempts: i64 = row.try_get("attempts").map_err(database)?;
                Ok(DueAlert {
                    submission_id: Uuid::parse_str(&row.try_get::<String, _>("submission_id").map_err(database)?).map_err(corrupt)?,
                    channel: AlertChannel::parse(&channel).ok_or_else(|| corrupt(format!("alert channel {channel}")))?,
                    attempts: u32::try_from(attempts).map_err(corrupt)?,
                })
            })
            .collect()
    }

    async fn alert_delivered(&self, alert: &DueAlert, at: DateTime<Utc>, detail: &str) -> Result<(), StoreError> {
        self.settle(alert, "delivered_at", at, Logged { at, delivered: true, detail }).await
    }

    async fn alert_failed(&self, alert: &DueAlert, at: DateTime<Utc>, retry_at: DateTime<Utc>, detail: &str) -> Result<(), StoreError> {
        self.settle(alert, "next_attempt_at", retry_at, Logged { at, delivered: false, detail }).await
    }

    async fn take_digest(&self, day: NaiveDate, at: DateTime<Utc>) -> Result<bool, StoreError> {
        let taken = sqlx::query("INSERT INTO digests (day, sent_at) VALUES ($1, $2) ON CONFLICT (day) DO NOTHING")
            .bind(day.to_string())
            .bind(timestamp(at))
            .execute(&self.pool)
            .await
            .map_err(database)?;
        Ok(taken.rows_affected() == 1)
    }

    async fn give_back_digest(&self, day: NaiveDate) -> Result<(), StoreError> {
        sqlx::query("DELETE FROM digests WHERE day = $1").bind(day.to_string()).execute(&self.pool).await.map_err(database)?;
        Ok(())
    }
}

/// A line of the observation's trail about one attempt.
struct Logged<'a> {
    at: DateTime<Utc>,
    delivered: bool,
    detail: &'a str,
}

impl PostgresStore {
    /// Counts an attempt, sets `column` (`delivered_at` or `next_attempt_at`,
    /// never text from outside) to `value`, and writes the trail's line, together.
    async fn settle(&self, alert: &DueAlert, column: &'static str, value: DateTime<Utc>, line: Logged<'_>) -> Result<(), StoreError> {
        let mut tx = self.pool.begin().await.map_err(database)?;
        sqlx::query(&format!("UPDATE alerts SET {column} = $1, attempts = attempts + 1 WHERE submission_id = $2 AND channel = $3"))
            .bind(timestamp(value))
            .bind(alert.submission_id.to_string())
            .bind(alert.channel.code())
            .execute(&mut *tx)
            .await
            .map_err(database)?;
        sqlx::query("INSERT INTO alert_log (submission_id, channel, at, delivered, detail) VALUES ($1, $2, $3, $4, $5)")
            .bind(alert.submission_id.to_string())
            .bind(alert.channel.code())
            .bind(timestamp(line.at))
            .bind(line.delivered)
            .bind(line.detail)
            .execute(&mut *tx)
            .await
            .map_err(database)?;
        tx.commit().await.map_err(database)
    }
}
