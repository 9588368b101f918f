//! Throttled attempts in PostgreSQL. SQLite counts and records an attempt
//! under its one write lock; here each limit key is locked instead (an
//! advisory lock on its hash, until the transaction ends), so concurrent
//! attempts at one key are counted one after another, on any server.

use chrono::{DateTime, Utc};

use super::{database, PostgresStore};
use crate::store::{Attempt, AttemptLimit, StoreError, ThrottleStore};

#[async_trait::async_trait]
impl ThrottleStore for PostgresStore {
    async fn take_attempt(&self, limits: &[AttemptLimit], now: DateTime<Utc>) -> Result<Attempt, StoreError> {
        let now_ms = now.timestamp_millis();
        let longest = limits.iter().map(|limit| limit.window).max().unwrap_or_default();
        let mut tx = self.pool.begin().await.map_err(database)?;
        // In one order (sorted, once each), so two attempts never wait on each other's keys.
        let mut keys: Vec<&str> = limits.iter().map(|limit| limit.key.as_str()).collect();
        keys.sort_unstable();
        keys.dedup();
        for key in keys {
            // Two keys with one hash only share a lock, which is harmless.
            sqlx::query("SELECT pg_advisory_xact_lock(hashtextextended($1, 0))").bind(key).execute(&mut *tx).await.map_err(database)?;
        }
        sqlx::query("DELETE FROM attempts WHERE at_ms <= $1")
            .bind(now_ms - longest.num_milliseconds())
            .execute(&mut *tx)
            .await
            .map_err(database)?;
        for (index, limit) in limits.iter().enumerate() {
            let recent: i64 = sqlx::query_scalar("SELECT count(*) FROM attempts WHERE key = $1 AND at_ms > $2")
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
            let id: i64 = sqlx::query_scalar("INSERT INTO attempts (key, at_ms) VALUES ($1, $2) RETURNING id")
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
        let mut tx = self.pool.begin().await.map_err(database)?;
        sqlx::query("DELETE FROM attempts WHERE id = ANY($1)").bind(attempt).execute(&mut *tx).await.map_err(database)?;
        sqlx::query("DELETE FROM attempts WHERE key = ANY($1)").bind(keys).execute(&mut *tx).await.map_err(database)?;
        tx.commit().await.map_err(database)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// SQLite's single writer makes this hold; here the key's lock must.
    #[tokio::test]
    async fn attempts_at_once_are_counted_one_after_another() {
        let Some((store, _scratch)) = crate::store::postgres::scratch::store().await else { return };
        let limits = [AttemptLimit { key: "login:jo".to_owned(), max: 3, window: chrono::Duration::minutes(15) }];
        let now = Utc::now();
        let attempts = futures::future::join_all((0..12).map(|_| store.take_attempt(&limits, now))).await;
        let taken = attempts.iter().filter(|attempt| matches!(attempt, Ok(Attempt::Taken(_)))).count();
        let refused = attempts.iter().filter(|attempt| matches!(attempt, Ok(Attempt::Refused(0)))).count();
        assert_eq!((taken, refused), (3, 9), "{attempts:?}");
    }
}
