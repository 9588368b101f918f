//! Alerts in SQLite: queued by the writer with their observation, taken by
//! the sender when due, and settled with a line in the observation's trail.

use chrono::{DateTime, NaiveDate, Utc};
use sqlx::Row;
use uuid::Uuid;

use super::{accounts::timestamp, corrupt, database, SqliteStore};
use crate::store::{AlertChannel, AlertStore, DueAlert, StoreError};

#[async_trait::async_trait]
impl AlertStore for SqliteStore {
    async fn take_due_alerts(&self, now: DateTime<Utc>, held_until: DateTime<Utc>, limit: u32) -> Result<Vec<DueAlert>, StoreError> {
        // Most polls find nothing due: a read answers them without taking the write lock.
        let any_due: bool = sqlx::query_scalar("SELECT EXISTS (SELECT 1 FROM alerts WHERE delivered_at IS NULL AND next_attempt_at <= ?)")
            .bind(timestamp(now))
            .fetch_one(&self.pool)
            .await
            .map_err(database)?;
        if !any_due {
            return Ok(Vec::new());
        }
        // One statement: the rows it returns are already held, so two senders never take one alert.
        let rows = sqlx::query(
            "UPDATE alerts SET next_attempt_at = ? WHERE rowid IN (SELECT rowid FROM alerts \
             WHERE delivered_at IS NULL AND next_attempt_at <= ? ORDER BY next_attempt_at LIMIT ?) \
             RETURNING submission_id, channel, attempts",
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
        let taken = sqlx::query("INSERT INTO digests (day, sent_at) VALUES (?, ?) ON CONFLICT (day) DO NOTHING")
            .bind(day.to_string())
            .bind(timestamp(at))
            .execute(&self.pool)
            .await
            .map_err(database)?;
        Ok(taken.rows_affected() == 1)
    }

    async fn give_back_digest(&self, day: NaiveDate) -> Result<(), StoreError> {
        sqlx::query("DELETE FROM digests WHERE day = ?").bind(day.to_string()).execute(&self.pool).await.map_err(database)?;
        Ok(())
    }
}

/// A line of the observation's trail about one attempt.
struct Logged<'a> {
    at: DateTime<Utc>,
    delivered: bool,
    detail: &'a str,
}

impl SqliteStore {
    /// Counts an attempt, sets `column` (`delivered_at` or `next_attempt_at`,
    /// never text from outside) to `value`, and writes the trail's line, together.
    async fn settle(&self, alert: &DueAlert, column: &'static str, value: DateTime<Utc>, line: Logged<'_>) -> Result<(), StoreError> {
        let mut tx = self.pool.begin().await.map_err(database)?;
        sqlx::query(&format!("UPDATE alerts SET {column} = ?, attempts = attempts + 1 WHERE submission_id = ? AND channel = ?"))
            .bind(timestamp(value))
            .bind(alert.submission_id.to_string())
            .bind(alert.channel.code())
            .execute(&mut *tx)
            .await
            .map_err(database)?;
        sqlx::query("INSERT INTO alert_log (submission_id, channel, at, delivered, detail) VALUES (?, ?, ?, ?, ?)")
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
