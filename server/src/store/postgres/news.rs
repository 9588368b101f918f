//! What a phone hears back, from the audit trail in PostgreSQL: the
//! `submissions_by_device` index finds one device's submissions, and
//! `triage_events_by_submission` their lines after the cursor (migration 17).

use std::collections::HashMap;

use app::domain::news::{NewsPage, SentNews, SentState, SharedNote};
use sqlx::Row;
use uuid::Uuid;

use super::{corrupt, database, text, time, triage::parse_status, PostgresStore};
use crate::store::{NewsStore, StoreError};

#[async_trait::async_trait]
impl NewsStore for PostgresStore {
    async fn news_for_device(&self, device: Uuid, since: i64, limit: u32) -> Result<NewsPage, StoreError> {
        // A sequence gives ids as rows are inserted, not as they commit; every
        // step appends to the trail under one advisory lock held to its
        // commit (`Lock::TriageTrail`), so here too ids rise in commit order
        // and "after the cursor" misses no line.
        let changed = sqlx::query(
            "SELECT s.id, s.status, MAX(e.id) AS last FROM submissions s \
             JOIN triage_events e ON e.submission_id = s.id AND e.id > $1 \
             WHERE s.device_id = $2 GROUP BY s.id ORDER BY last LIMIT $3",
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
            let id = Uuid::parse_str(&text(row, "id")?).map_err(corrupt)?;
            cursor = cursor.max(row.try_get("last").map_err(database)?);
            items.push(SentNews { id, state: SentState::of(parse_status(&text(row, "status")?)?), shared: Vec::new() });
        }
        let mut shared = self.shared_notes(items.iter().map(|item| item.id)).await?;
        for item in &mut items {
            item.shared = shared.remove(&item.id).unwrap_or_default();
        }
        Ok(NewsPage { items, cursor, more })
    }
}

impl PostgresStore {
    /// Every note shared with the visitor on these submissions, oldest first.
    async fn shared_notes(&self, ids: impl Iterator<Item = Uuid>) -> Result<HashMap<Uuid, Vec<SharedNote>>, StoreError> {
        let ids: Vec<String> = ids.map(|id| id.to_string()).collect();
        if ids.is_empty() {
            return Ok(HashMap::new());
        }
        let rows = sqlx::query(
            "SELECT submission_id, at, kind, detail, note FROM triage_events WHERE shared_with_visitor AND submission_id = ANY($1) \
             ORDER BY id",
        )
        .bind(ids)
        .fetch_all(&self.pool)
        .await
        .map_err(database)?;
        let mut notes: HashMap<Uuid, Vec<SharedNote>> = HashMap::new();
        for row in rows {
            let id = Uuid::parse_str(&text(&row, "submission_id")?).map_err(corrupt)?;
            let outcome = (text(&row, "kind")? == "outcome").then(|| text(&row, "detail")).transpose()?;
            notes.entry(id).or_default().push(SharedNote { at: time(&row, "at")?, outcome, text: text(&row, "note")? });
        }
        Ok(notes)
    }
}
