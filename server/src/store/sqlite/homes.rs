//! All homes at a glance in SQLite: `service_stats` holds each service's
//! figures, worked out again when triggers mark it stale (migration 15) or
//! when the window moves on.

use app::domain::triage::{CHARTED_AREAS, CONCERN_RATINGS};
use sqlx::{QueryBuilder, Sqlite};

use super::{accounts::timestamp, corrupt, database, register::SERVICE_COLUMNS, triage::escape_like, SqliteStore};
use crate::store::rows::home_from_row;
use crate::store::{FigureWindows, HomesPage, HomesQuery, HomesSort, HomesStore, StoreError};

#[async_trait::async_trait]
impl HomesStore for SqliteStore {
    async fn refresh_home_figures(&self, windows: &FigureWindows, every_service: bool) -> Result<u64, StoreError> {
        let mut tx = self.pool.begin_with("BEGIN IMMEDIATE").await.map_err(database)?;
        if !every_service {
            let stale: Option<i64> =
                sqlx::query_scalar("SELECT 1 FROM service_stats_stale LIMIT 1").fetch_optional(&mut *tx).await.map_err(database)?;
            if stale.is_none() {
                return Ok(0);
            }
        }
        let which = if every_service { "" } else { " AND s.service_location_id IN (SELECT location_id FROM service_stats_stale)" };
        let services = if every_service { "" } else { " WHERE v.location_id IN (SELECT location_id FROM service_stats_stale)" };
        let worst = CHARTED_AREAS
            .iter()
            .map(|(area, _)| format!("MAX(CASE WHEN s.received_at >= ?1 THEN {} END) AS worst_{area}", rating_rank(area)))
            .collect::<Vec<_>>()
            .join(", ");
        let worst_columns = CHARTED_AREAS.iter().map(|(area, _)| format!("worst_{area}")).collect::<Vec<_>>().join(", ");
        let worst_values = CHARTED_AREAS.iter().map(|(area, _)| format!("w.worst_{area}")).collect::<Vec<_>>().join(", ");
        // Received times are stored as `to_rfc3339` writes them, so the windows are bound the same way.
        let refreshed = sqlx::query(&format!(
            "INSERT OR REPLACE INTO service_stats (location_id, red, amber, green, concerns_before, pattern, open_items, \
             last_observed_at, {worst_columns}, computed_at) \
             SELECT v.location_id, COALESCE(w.red, 0), COALESCE(w.amber, 0), COALESCE(w.green, 0), COALESCE(w.concerns_before, 0), \
             COALESCE(w.pattern, 0), \
             (SELECT COUNT(*) FROM submissions o WHERE o.service_location_id = v.location_id AND o.status <> 'closed'), \
             (SELECT MAX(l.received_at) FROM submissions l WHERE l.service_location_id = v.location_id), \
             {worst_values}, ?5 \
             FROM services v LEFT JOIN (\
             SELECT s.service_location_id AS location_id, \
             SUM(s.received_at >= ?1 AND s.severity_rank = 0) AS red, \
             SUM(s.received_at >= ?1 AND s.severity_rank = 1) AS amber, \
             SUM(s.received_at >= ?1 AND s.severity_rank = 2) AS green, \
             SUM(s.received_at < ?1 AND s.received_at >= ?2 AND s.severity_rank < 2) AS concerns_before, \
             SUM(s.received_at >= ?3 AND s.severity_rank < 2) AS pattern, \
             {worst} \
             FROM submissions s WHERE s.received_at >= ?4{which} GROUP BY s.service_location_id\
             ) w ON w.location_id = v.location_id{services}"
        ))
        .bind(windows.window_start.to_rfc3339())
        .bind(windows.before_start.to_rfc3339())
        .bind(windows.pattern_start.to_rfc3339())
        .bind(windows.before_start.min(windows.pattern_start).to_rfc3339())
        .bind(timestamp(windows.now))
        .execute(&mut *tx)
        .await
        .map_err(database)?
        .rows_affected();
        sqlx::query("DELETE FROM service_stats_stale").execute(&mut *tx).await.map_err(database)?;
        tx.commit().await.map_err(database)?;
        Ok(refreshed)
    }

    async fn homes(&self, query: &HomesQuery) -> Result<HomesPage, StoreError> {
        let mut count =
            QueryBuilder::<Sqlite>::new("SELECT COUNT(*) FROM services v LEFT JOIN service_stats t ON t.location_id = v.location_id");
        push_filter(&mut count, query);
        let total: i64 = count.build_query_scalar().fetch_one(&self.pool).await.map_err(database)?;

        let service_columns = SERVICE_COLUMNS.split(", ").map(|c| format!("v.{c}")).collect::<Vec<_>>().join(", ");
        let worst = CHARTED_AREAS.iter().map(|(area, _)| format!("t.worst_{area}")).collect::<Vec<_>>().join(", ");
        let mut select = QueryBuilder::<Sqlite>::new(format!(
            "SELECT {service_columns}, COALESCE(t.red, 0) AS red, COALESCE(t.amber, 0) AS amber, COALESCE(t.green, 0) AS green, \
             COALESCE(t.concerns_before, 0) AS concerns_before, COALESCE(t.pattern, 0) AS pattern, \
             COALESCE(t.open_items, 0) AS open_items, t.last_observed_at, {worst} \
             FROM services v LEFT JOIN service_stats t ON t.location_id = v.location_id"
        ));
        push_filter(&mut select, query);
        push_order(&mut select, query);
        select
            .push(" LIMIT ")
            .push_bind(i64::from(query.per_page))
            .push(" OFFSET ")
            .push_bind(i64::from(query.page.saturating_sub(1)) * i64::from(query.per_page));
        let rows = select.build().fetch_all(&self.pool).await.map_err(database)?;
        Ok(HomesPage { rows: rows.iter().map(home_from_row).collect::<Result<_, _>>()?, total: u64::try_from(total).map_err(corrupt)? })
    }
}

/// A rating answer's rank, worst highest: 1 good, 2 some concerns, 3 serious
/// concerns (not observed and unanswered are NULL). `area` is one of the
/// charted areas, never anything typed.
fn rating_rank(area: &str) -> String {
    let [some, serious] = CONCERN_RATINGS;
    format!("CASE json_extract(s.answers, '$.{area}.value.value') WHEN 'good' THEN 1 WHEN '{some}' THEN 2 WHEN '{serious}' THEN 3 END")
}

fn push_filter(query: &mut QueryBuilder<'_, Sqlite>, homes: &HomesQuery) {
    query.push(" WHERE 1 = 1");
    if let Some(kind) = homes.kind {
        query.push(" AND v.kind = ").push_bind(kind.code());
    }
    if let Some(town) = &homes.town {
        query.push(" AND v.town LIKE ").push_bind(format!("{}%", escape_like(town))).push(" ESCAPE '\\'");
    }
    if homes.flagged_only {
        query.push(" AND t.pattern >= ").push_bind(i64::from(homes.pattern_threshold));
    }
}

fn push_order(query: &mut QueryBuilder<'_, Sqlite>, homes: &HomesQuery) {
    let threshold = i64::from(homes.pattern_threshold);
    match homes.sort {
        HomesSort::Risk => {
            query
                .push(" ORDER BY COALESCE(t.pattern, 0) >= ")
                .push_bind(threshold)
                .push(" DESC, COALESCE(t.red, 0) DESC, COALESCE(t.amber, 0) DESC, COALESCE(t.open_items, 0) DESC, v.name COLLATE NOCASE");
        }
        HomesSort::Name => {
            query.push(" ORDER BY v.name COLLATE NOCASE, v.town COLLATE NOCASE");
        }
        HomesSort::Town => {
            query.push(" ORDER BY v.town COLLATE NOCASE, v.name COLLATE NOCASE");
        }
        HomesSort::Red => {
            query.push(" ORDER BY COALESCE(t.red, 0) DESC, COALESCE(t.amber, 0) DESC, v.name COLLATE NOCASE");
        }
        HomesSort::Open => {
            query.push(" ORDER BY COALESCE(t.open_items, 0) DESC, COALESCE(t.red, 0) DESC, v.name COLLATE NOCASE");
        }
        HomesSort::LastObserved => {
            // Never observed first: nobody has looked there at all.
            query.push(" ORDER BY t.last_observed_at IS NOT NULL, t.last_observed_at, v.name COLLATE NOCASE");
        }
        HomesSort::Trend => {
            query.push(
                " ORDER BY COALESCE(t.red, 0) + COALESCE(t.amber, 0) - COALESCE(t.concerns_before, 0) DESC, \
                 COALESCE(t.red, 0) DESC, v.name COLLATE NOCASE",
            );
        }
    }
}
