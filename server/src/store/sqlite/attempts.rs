//! Throttled attempts in SQLite. Taking an attempt is one write transaction:
//! its first statement writes, so SQLite takes the write lock before the
//! counts are read, and concurrent attempts are counted one after another.

use chrono::{DateTime, Utc};

use super::{database, SqliteStore};
use crate::store::{Attempt, AttemptLimit, StoreError, ThrottleStore};

#[async_trait::async_trait]
impl ThrottleStore for SqliteStore {
    async fn take_attempt(&self, limits: &[AttemptLimit], now: DateTime<Utc>) -> Result<Attempt, StoreError> {
        let now_ms = now.timestamp_millis();
        let longest = limits.iter().map(|limit| limit.window).max().unwrap_or_default();
        let mut tx = self.pool.begin_with("BEGIN IMMEDIATE").await.map_err(database)?;
        sqlx::query("DELETE FROM attempts WHERE at_ms <= ?")
            .bind(now_ms - longest.num_milliseconds())
            .execute(&mut *tx)
            .await
            .map_err(database)?;
        for (index, limit) in limits.iter().enumerate() {
            let recent: i64 = sqlx::query_scalar("SELECT count(*) FROM attempts WHERE key = ? AND at_ms > ?")
                .bind(&limit.key)
                .bind(now_ms - limit.window.num_milliseconds())
                .fetch_one(&mut *tx)
                .await
                .map_err(database)?;
            if recent >= i64::from(limit.max) {
                tx.commit().await.map_err(database)?;
                return Ok(Attempt::Refused(index));
            }
        }
        let mut ids = Vec::with_capacity(limits.len());
        for limit in limits {
            let id: i64 = sqlx::query_scalar("INSERT INTO attempts (key, at_ms) VALUES (?, ?) RETURNING id")
                .bind(&limit.key)
                .bind(now_ms)
                .fetch_one(&mut *tx)
                .await
                .map_err(database)?;
            ids.push(id);
        }
        tx.commit().await.map_err(database)?;
        Ok(Attempt::Taken(ids))
    }

    async fn forget_attempts(&self, attempt: &[i64], keys: &[String]) -> Result<(), StoreError> {
        let mut tx = self.pool.begin_with("BEGIN IMMEDIATE").await.map_err(database)?;
        for id in attempt {
            sqlx::query("DELETE FROM attempts WHERE id = ?").bind(id).execute(&mut *tx).await.map_err(database)?;
        }
        for key in keys {
            sqlx::query("DELETE FROM attempts WHERE key = ?").bind(key).execute(&mut *tx).await.map_err(database)?;
        }
        tx.commit().await.map_err(database)
    }
}
