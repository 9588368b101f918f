//! Concerns in SQLite: `concerns`, the observations in each, and their trail
//! (migration 16).

use std::collections::HashMap;

use app::domain::{
    concerns::{ConcernStatus, ConcernTitle},
    register::CqcLocationId,
};
use chrono::{DateTime, Utc};
use sqlx::{QueryBuilder, Row, Sqlite, SqliteConnection};
use uuid::Uuid;

use super::{
    accounts::timestamp,
    corrupt, database,
    triage::{event_from_row, item_from_row, ITEM_COLUMNS, ITEM_JOINS},
    SqliteStore,
};
use crate::store::rows::concern_summary_from_row;
use crate::store::{
    Concern, ConcernChange, ConcernEventDraft, ConcernStore, ConcernSummary, Grouped, GroupingHint, StepApplied, StoreError, User,
};

const SUMMARY_COLUMNS: &str = "c.id, c.service_location_id, COALESCE(v.name || ', ' || v.town, c.service_location_id) AS service_name, \
    c.title, c.status, u.name AS assignee, c.created_at, \
    (SELECT COUNT(*) FROM concern_observations co WHERE co.concern_id = c.id) AS observations";

const SUMMARY_FROM: &str =
    " FROM concerns c LEFT JOIN services v ON v.location_id = c.service_location_id LEFT JOIN users u ON u.id = c.assignee_id";

#[async_trait::async_trait]
impl ConcernStore for SqliteStore {
    async fn start_concern(&self, observation: Uuid, title: &ConcernTitle, event: &ConcernEventDraft) -> Result<Grouped, StoreError> {
        let mut tx = self.pool.begin_with("BEGIN IMMEDIATE").await.map_err(database)?;
        let Some(service) = service_of(&mut tx, observation).await? else { return Ok(Grouped::NotFound) };
        if let Some(existing) = concern_holding(&mut tx, observation).await? {
            return Ok(Grouped::AlreadyInConcern(existing));
        }
        let id: i64 = sqlx::query_scalar("INSERT INTO concerns (service_location_id, title, created_at) VALUES (?, ?, ?) RETURNING id")
            .bind(&service)
            .bind(title.as_str())
            .bind(timestamp(event.at))
            .fetch_one(&mut *tx)
            .await
            .map_err(database)?;
        write_event(&mut tx, id, event, "started", title.as_str()).await?;
        include(&mut tx, id, observation, event).await?;
        tx.commit().await.map_err(database)?;
        Ok(Grouped::Done(id))
    }

    async fn add_to_concern(&self, concern: i64, observation: Uuid, event: &ConcernEventDraft) -> Result<Grouped, StoreError> {
        let mut tx = self.pool.begin_with("BEGIN IMMEDIATE").await.map_err(database)?;
        let found: Option<(String, String)> = sqlx::query_as("SELECT service_location_id, status FROM concerns WHERE id = ?")
            .bind(concern)
            .fetch_optional(&mut *tx)
            .await
            .map_err(database)?;
        let (Some((concern_service, status)), Some(service)) = (found, service_of(&mut tx, observation).await?) else {
            return Ok(Grouped::NotFound);
        };
        if let Some(existing) = concern_holding(&mut tx, observation).await? {
            return Ok(Grouped::AlreadyInConcern(existing));
        }
        if service != concern_service {
            return Ok(Grouped::OtherService);
        }
        if status != ConcernStatus::Open.code() {
            return Ok(Grouped::Closed);
        }
        include(&mut tx, concern, observation, event).await?;
        sqlx::query("UPDATE concerns SET version = version + 1 WHERE id = ?").bind(concern).execute(&mut *tx).await.map_err(database)?;
        tx.commit().await.map_err(database)?;
        Ok(Grouped::Done(concern))
    }

    async fn concern(&self, id: i64) -> Result<Option<Concern>, StoreError> {
        let row = sqlx::query(&format!(
            "SELECT {SUMMARY_COLUMNS}, c.version, u.id AS assignee_id, u.email AS assignee_email, u.role AS assignee_role{SUMMARY_FROM} \
             WHERE c.id = ?"
        ))
        .bind(id)
        .fetch_optional(&self.pool)
        .await
        .map_err(database)?;
        let Some(row) = row else { return Ok(None) };
        let summary = concern_summary_from_row(&row)?;
        let assignee = match row.try_get::<Option<i64>, _>("assignee_id").map_err(database)? {
            Some(id) => Some(User {
                id,
                email: row.try_get("assignee_email").map_err(database)?,
                name: summary.assignee.clone().unwrap_or_default(),
                role: app::domain::accounts::Role::parse(&row.try_get::<String, _>("assignee_role").map_err(database)?)
                    .ok_or_else(|| corrupt("role"))?,
            }),
            None => None,
        };
        let observations = sqlx::query(&format!(
            "SELECT {ITEM_COLUMNS}{ITEM_JOINS} JOIN concern_observations co ON co.submission_id = s.id \
             WHERE co.concern_id = ? ORDER BY s.received_at"
        ))
        .bind(id)
        .fetch_all(&self.pool)
        .await
        .map_err(database)?
        .iter()
        .map(item_from_row)
        .collect::<Result<_, _>>()?;
        let events = sqlx::query(
            "SELECT at, user_name, kind, detail, note, 0 AS shared_with_visitor FROM concern_events WHERE concern_id = ? ORDER BY id",
        )
        .bind(id)
        .fetch_all(&self.pool)
        .await
        .map_err(database)?
        .iter()
        .map(event_from_row)
        .collect::<Result<_, _>>()?;
        Ok(Some(Concern { summary, assignee, version: row.try_get("version").map_err(database)?, observations, events }))
    }

    async fn concerns(&self, service: Option<&CqcLocationId>, open_only: bool) -> Result<Vec<ConcernSummary>, StoreError> {
        let mut query = QueryBuilder::<Sqlite>::new(format!("SELECT {SUMMARY_COLUMNS}{SUMMARY_FROM} WHERE 1 = 1"));
        if let Some(service) = service {
            query.push(" AND c.service_location_id = ").push_bind(service.as_str().to_owned());
        }
        if open_only {
            query.push(" AND c.status = 'open'");
        }
        query.push(" ORDER BY c.status = 'closed', c.created_at DESC LIMIT 500");
        query.build().fetch_all(&self.pool).await.map_err(database)?.iter().map(concern_summary_from_row).collect()
    }

    async fn concern_of(&self, observation: Uuid) -> Result<Option<ConcernSummary>, StoreError> {
        sqlx::query(&format!(
            "SELECT {SUMMARY_COLUMNS}{SUMMARY_FROM} JOIN concern_observations o ON o.concern_id = c.id WHERE o.submission_id = ?"
        ))
        .bind(observation.to_string())
        .fetch_optional(&self.pool)
        .await
        .map_err(database)?
        .as_ref()
        .map(concern_summary_from_row)
        .transpose()
    }

    async fn apply_concern_step(&self, id: i64, expected_version: i64, change: &ConcernChange) -> Result<StepApplied, StoreError> {
        let mut tx = self.pool.begin_with("BEGIN IMMEDIATE").await.map_err(database)?;
        let updated = sqlx::query(
            "UPDATE concerns SET status = ?, assignee_id = COALESCE(?, assignee_id), version = version + 1 WHERE id = ? AND version = ?",
        )
        .bind(change.status.code())
        .bind(change.assignee)
        .bind(id)
        .bind(expected_version)
        .execute(&mut *tx)
        .await
        .map_err(database)?
        .rows_affected();
        if updated == 0 {
            let exists: Option<i64> =
                sqlx::query_scalar("SELECT 1 FROM concerns WHERE id = ?").bind(id).fetch_optional(&mut *tx).await.map_err(database)?;
            return Ok(if exists.is_some() { StepApplied::Stale } else { StepApplied::NotFound });
        }
        let event = &change.event;
        let draft =
            ConcernEventDraft { at: event.at, user_id: change.user_id, user_name: event.user_name.clone(), note: event.note.clone() };
        write_event(&mut tx, id, &draft, &event.kind, &event.detail).await?;
        tx.commit().await.map_err(database)?;
        Ok(StepApplied::Done(expected_version + 1))
    }

    async fn grouping_hints(&self, observations: &[Uuid], since: DateTime<Utc>) -> Result<HashMap<Uuid, GroupingHint>, StoreError> {
        if observations.is_empty() {
            return Ok(HashMap::new());
        }
        // Each amber or red observation in no concern, with its home's newest
        // open concern and how many other such observations its home had lately.
        let mut query = QueryBuilder::<Sqlite>::new(
            "SELECT s.id, \
             (SELECT c.id FROM concerns c WHERE c.service_location_id = s.service_location_id AND c.status = 'open' \
              ORDER BY c.created_at DESC LIMIT 1) AS concern_id, \
             (SELECT c.title FROM concerns c WHERE c.service_location_id = s.service_location_id AND c.status = 'open' \
              ORDER BY c.created_at DESC LIMIT 1) AS concern_title, \
             (SELECT COUNT(*) FROM submissions r WHERE r.service_location_id = s.service_location_id AND r.id <> s.id \
              AND r.severity_rank < 2 AND r.received_at >= ",
        );
        query.push_bind(since.to_rfc3339()).push(
            " AND NOT EXISTS (SELECT 1 FROM concern_observations x WHERE x.submission_id = r.id)) AS related \
                 FROM submissions s WHERE s.severity_rank < 2 \
                 AND NOT EXISTS (SELECT 1 FROM concern_observations o WHERE o.submission_id = s.id) AND s.id IN (",
        );
        let mut list = query.separated(", ");
        for id in observations {
            list.push_bind(id.to_string());
        }
        query.push(")");
        let mut hints = HashMap::new();
        for row in query.build().fetch_all(&self.pool).await.map_err(database)? {
            let id = Uuid::parse_str(&row.try_get::<String, _>("id").map_err(database)?).map_err(corrupt)?;
            let related: i64 = row.try_get("related").map_err(database)?;
            let hint = match row.try_get::<Option<i64>, _>("concern_id").map_err(database)? {
                Some(concern) => Some(GroupingHint::OpenConcern { id: concern, title: row.try_get("concern_title").map_err(database)? }),
                None if related > 0 => Some(GroupingHint::Related(u32::try_from(related).map_err(corrupt)?)),
                None => None,
            };
            hints.extend(hint.map(|hint| (id, hint)));
        }
        Ok(hints)
    }
}

async fn service_of(tx: &mut SqliteConnection, observation: Uuid) -> Result<Option<String>, StoreError> {
    sqlx::query_scalar("SELECT service_location_id FROM submissions WHERE id = ?")
        .bind(observation.to_string())
        .fetch_optional(&mut *tx)
        .await
        .map_err(database)
}

async fn concern_holding(tx: &mut SqliteConnection, observation: Uuid) -> Result<Option<i64>, StoreError> {
    sqlx::query_scalar("SELECT concern_id FROM concern_observations WHERE submission_id = ?")
        .bind(observation.to_string())
        .fetch_optional(&mut *tx)
        .await
        .map_err(database)
}

/// Puts the observation in the concern and says so in the concern's trail.
async fn include(tx: &mut SqliteConnection, concern: i64, observation: Uuid, event: &ConcernEventDraft) -> Result<(), StoreError> {
    sqlx::query("INSERT INTO concern_observations (submission_id, concern_id, added_at) VALUES (?, ?, ?)")
        .bind(observation.to_string())
        .bind(concern)
        .bind(timestamp(event.at))
        .execute(&mut *tx)
        .await
        .map_err(database)?;
    let reference = app::domain::submission::reference(observation);
    write_event(tx, concern, event, "added", &format!("Observation {reference} added")).await
}

async fn write_event(
    tx: &mut SqliteConnection,
    concern: i64,
    event: &ConcernEventDraft,
    kind: &str,
    detail: &str,
) -> Result<(), StoreError> {
    sqlx::query("INSERT INTO concern_events (concern_id, at, user_id, user_name, kind, detail, note) VALUES (?, ?, ?, ?, ?, ?, ?)")
        .bind(concern)
        .bind(timestamp(event.at))
        .bind(event.user_id)
        .bind(&event.user_name)
        .bind(kind)
        .bind(detail)
        .bind(&event.note)
        .execute(&mut *tx)
        .await
        .map_err(database)?;
    Ok(())
}
