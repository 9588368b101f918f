//! What a phone hears back, from the audit trail in SQLite: the
//! `submissions_by_device` index finds one device's submissions, and
//! `triage_events_by_submission` their lines after the cursor (migration 17).

use std::collections::HashMap;

use app::domain::news::{NewsPage, SentNews, SentState, SharedNote};
use sqlx::{QueryBuilder, Row, Sqlite};
use uuid::Uuid;

use super::{corrupt, database, time, triage::parse_status, SqliteStore};
use crate::store::{NewsStore, StoreError};

#[async_trait::async_trait]
impl NewsStore for SqliteStore {
    async fn news_for_device(&self, device: Uuid, since: i64, limit: u32) -> Result<NewsPage, StoreError> {
        // SQLite gives audit lines rising ids in commit order (one writer at a
        // time, never deleted), so "after the cursor" misses no line.
        let changed = sqlx::query(
            "SELECT s.id, s.status, MAX(e.id) AS last FROM submissions s \
             JOIN triage_events e ON e.submission_id = s.id AND e.id > ? \
             WHERE s.device_id = ? GROUP BY s.id ORDER BY last LIMIT ?",
        )
        .bind(since)
        .bind(device.to_string())
        .bind(i64::from(limit) + 1)
        .fetch_all(&self.pool)
        .await
        .map_err(database)?;
        let more = changed.len() > limit as usize;
        let mut items = Vec::with_capacity(changed.len().min(limit as usize));
        let mut cursor = since;
        for row in changed.iter().take(limit as usize) {
            let id: String = row.try_get("id").map_err(database)?;
            let id = Uuid::parse_str(&id).map_err(corrupt)?;
            let status: String = row.try_get("status").map_err(database)?;
            cursor = cursor.max(row.try_get("last").map_err(database)?);
            items.push(SentNews { id, state: SentState::of(parse_status(&status)?), shared: Vec::new() });
        }
        let mut shared = self.shared_notes(items.iter().map(|item| item.id)).await?;
        for item in &mut items {
            item.shared = shared.remove(&item.id).unwrap_or_default();
        }
        Ok(NewsPage { items, cursor, more })
    }
}

impl SqliteStore {
    /// Every note shared with the visitor on these submissions, oldest first.
    async fn shared_notes(&self, ids: impl Iterator<Item = Uuid>) -> Result<HashMap<Uuid, Vec<SharedNote>>, StoreError> {
        let mut query: QueryBuilder<'_, Sqlite> = QueryBuilder::new(
            "SELECT submission_id, at, kind, detail, note FROM triage_events WHERE shared_with_visitor = 1 AND submission_id IN (",
        );
        let mut list = query.separated(", ");
        let mut any = false;
        for id in ids {
            list.push_bind(id.to_string());
            any = true;
        }
        if !any {
            return Ok(HashMap::new());
        }
        query.push(") ORDER BY id");
        let mut notes: HashMap<Uuid, Vec<SharedNote>> = HashMap::new();
        for row in query.build().fetch_all(&self.pool).await.map_err(database)? {
            let text = |column: &str| -> Result<String, StoreError> { row.try_get(column).map_err(database) };
            let id = Uuid::parse_str(&text("submission_id")?).map_err(corrupt)?;
            let outcome = (text("kind")? == "outcome").then(|| text("detail")).transpose()?;
            notes.entry(id).or_default().push(SharedNote { at: time(&row, "at")?, outcome, text: text("note")? });
        }
        Ok(notes)
    }
}
