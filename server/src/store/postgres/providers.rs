//! Care homes' accounts in PostgreSQL (migration 18): `provider_services`,
//! the sharing columns on `submissions`, `provider_replies` and
//! `provider_actions`. Every read is by the provider's own services, so a
//! home never reaches another's observation, even by its id.

use app::domain::{providers::NewAction, register::CqcLocationId};
use chrono::{DateTime, Utc};
use sqlx::Row;
use uuid::Uuid;

use super::{
    accounts::timestamp,
    corrupt, database,
    submissions::{stored_from_row, COLUMNS},
    text, time, PostgresStore,
};
use crate::store::rows::{action_from_row, shared_item_from_row};
use crate::store::{ActionDone, DoneMarked, NewReply, ProviderStore, Reply, SharedItem, SharedObservation, StoreError};

const SHARED_COLUMNS: &str = "s.id, s.service_location_id, COALESCE(v.name || ', ' || v.town, s.service_location_id) AS service_name, \
    s.form_id, s.form_version, s.severity, s.received_at, s.shared_with_provider_at, s.compliment, s.reply_due_at, s.replied_at";

#[async_trait::async_trait]
impl ProviderStore for PostgresStore {
    async fn set_provider_services(&self, user: i64, services: &[CqcLocationId]) -> Result<(), StoreError> {
        let mut tx = self.pool.begin().await.map_err(database)?;
        // Two settings of one account take turns, so the later one is what
        // stays, not a mixture of both.
        sqlx::query("SELECT id FROM users WHERE id = $1 FOR UPDATE").bind(user).execute(&mut *tx).await.map_err(database)?;
        sqlx::query("DELETE FROM provider_services WHERE user_id = $1").bind(user).execute(&mut *tx).await.map_err(database)?;
        sqlx::query("INSERT INTO provider_services (user_id, service_location_id) SELECT $1, unnest($2::text[]) ON CONFLICT DO NOTHING")
            .bind(user)
            .bind(service_ids(services))
            .execute(&mut *tx)
            .await
            .map_err(database)?;
        tx.commit().await.map_err(database)
    }

    async fn provider_services(&self, user: i64) -> Result<Vec<CqcLocationId>, StoreError> {
        let ids: Vec<String> = sqlx::query_scalar(
            "SELECT service_location_id FROM provider_services WHERE user_id = $1 ORDER BY service_location_id COLLATE \"C\"",
        )
        .bind(user)
        .fetch_all(&self.pool)
        .await
        .map_err(database)?;
        ids.iter().map(|id| CqcLocationId::parse(id).map_err(|_| corrupt(format!("location {id}")))).collect()
    }

    async fn shared_with_homes(&self, services: &[CqcLocationId]) -> Result<Vec<SharedItem>, StoreError> {
        if services.is_empty() {
            return Ok(Vec::new());
        }
        sqlx::query(&format!(
            "SELECT {SHARED_COLUMNS} FROM submissions s LEFT JOIN services v ON v.location_id = s.service_location_id \
             WHERE s.shared_with_provider_at IS NOT NULL AND s.service_location_id = ANY($1) \
             ORDER BY s.shared_with_provider_at DESC LIMIT 500"
        ))
        .bind(service_ids(services))
        .fetch_all(&self.pool)
        .await
        .map_err(database)?
        .iter()
        .map(shared_item_from_row)
        .collect()
    }

    async fn shared_observation(&self, id: Uuid, services: &[CqcLocationId]) -> Result<Option<SharedObservation>, StoreError> {
        if services.is_empty() {
            return Ok(None);
        }
        let columns = COLUMNS.split(", ").map(|c| format!("s.{c}")).collect::<Vec<_>>().join(", ");
        let row = sqlx::query(&format!(
            "SELECT {columns}, {SHARED_COLUMNS}, d.role AS visitor_role, \
             (SELECT e.note FROM triage_events e WHERE e.submission_id = s.id \
              AND e.kind IN ('shared_with_provider', 'compliment_sent') ORDER BY e.id LIMIT 1) AS message \
             FROM submissions s JOIN devices d ON d.id = s.device_id LEFT JOIN services v ON v.location_id = s.service_location_id \
             WHERE s.id = $1 AND s.shared_with_provider_at IS NOT NULL AND s.service_location_id = ANY($2)"
        ))
        .bind(id.to_string())
        .bind(service_ids(services))
        .fetch_optional(&self.pool)
        .await
        .map_err(database)?;
        let Some(row) = row else { return Ok(None) };
        let replies = sqlx::query("SELECT at, user_name, text FROM provider_replies WHERE submission_id = $1 ORDER BY id")
            .bind(id.to_string())
            .fetch_all(&self.pool)
            .await
            .map_err(database)?
            .iter()
            .map(|row| Ok(Reply { at: time(row, "at")?, by: text(row, "user_name")?, text: text(row, "text")? }))
            .collect::<Result<_, StoreError>>()?;
        let actions = sqlx::query(
            "SELECT id, what, who, due_on, created_by, created_at, done_on, done_by FROM provider_actions WHERE submission_id = $1 ORDER BY id",
        )
        .bind(id.to_string())
        .fetch_all(&self.pool)
        .await
        .map_err(database)?
        .iter()
        .map(action_from_row)
        .collect::<Result<_, _>>()?;
        Ok(Some(SharedObservation {
            item: shared_item_from_row(&row)?,
            submission: stored_from_row(&row)?,
            visitor_role: text(&row, "visitor_role")?,
            message: row.try_get::<Option<String>, _>("message").map_err(database)?.unwrap_or_default(),
            replies,
            actions,
        }))
    }

    async fn add_reply(&self, id: Uuid, reply: &NewReply) -> Result<(), StoreError> {
        let mut tx = self.pool.begin().await.map_err(database)?;
        sqlx::query("INSERT INTO provider_replies (submission_id, user_id, user_name, at, text) VALUES ($1, $2, $3, $4, $5)")
            .bind(id.to_string())
            .bind(reply.user_id)
            .bind(&reply.user_name)
            .bind(timestamp(reply.at))
            .bind(&reply.text)
            .execute(&mut *tx)
            .await
            .map_err(database)?;
        sqlx::query("UPDATE submissions SET replied_at = COALESCE(replied_at, $1) WHERE id = $2")
            .bind(timestamp(reply.at))
            .bind(id.to_string())
            .execute(&mut *tx)
            .await
            .map_err(database)?;
        tx.commit().await.map_err(database)
    }

    async fn add_action(&self, id: Uuid, action: &NewAction, by: &str, at: DateTime<Utc>) -> Result<i64, StoreError> {
        sqlx::query_scalar(
            "INSERT INTO provider_actions (submission_id, what, who, due_on, created_by, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
        )
        .bind(id.to_string())
        .bind(&action.what)
        .bind(&action.who)
        .bind(action.due_on.to_string())
        .bind(by)
        .bind(timestamp(at))
        .fetch_one(&self.pool)
        .await
        .map_err(database)
    }

    async fn mark_action_done(&self, id: Uuid, action: i64, done: &ActionDone) -> Result<DoneMarked, StoreError> {
        let mut tx = self.pool.begin().await.map_err(database)?;
        // Locked as read: of two marks at once, the second waits and finds it done.
        let done_on: Option<Option<String>> =
            sqlx::query_scalar("SELECT done_on FROM provider_actions WHERE id = $1 AND submission_id = $2 FOR UPDATE")
                .bind(action)
                .bind(id.to_string())
                .fetch_optional(&mut *tx)
                .await
                .map_err(database)?;
        let marked = match done_on {
            None => DoneMarked::NotFound,
            Some(Some(_)) => DoneMarked::AlreadyDone,
            Some(None) => {
                sqlx::query("UPDATE provider_actions SET done_on = $1, done_by = $2, done_at = $3 WHERE id = $4")
                    .bind(done.done_on.to_string())
                    .bind(&done.by)
                    .bind(timestamp(done.at))
                    .bind(action)
                    .execute(&mut *tx)
                    .await
                    .map_err(database)?;
                DoneMarked::Done
            }
        };
        tx.commit().await.map_err(database)?;
        Ok(marked)
    }
}

/// A provider's services as one bound array, for `= ANY($n)`.
pub(super) fn service_ids(services: &[CqcLocationId]) -> Vec<String> {
    services.iter().map(|service| service.as_str().to_owned()).collect()
}
