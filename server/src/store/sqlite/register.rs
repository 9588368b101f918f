//! The register of services in SQLite.

use app::domain::register::{CqcLocationId, RegisterPage, RegisterQuery, Service};

use super::{database, SqliteStore};
use crate::store::columns::{like_pattern, rating_code};
pub(super) use crate::store::rows::service_from_row;
use crate::store::{RegisterStore, StoreError, UpsertSummary};

pub(super) const SERVICE_COLUMNS: &str = "location_id, name, kind, town, rating_overall, rating_safe, \
    rating_effective, rating_caring, rating_responsive, rating_well_led, rated_on";

#[async_trait::async_trait]
impl RegisterStore for SqliteStore {
    async fn ping(&self) -> Result<(), StoreError> {
        sqlx::query("SELECT 1").execute(&self.pool).await.map_err(database)?;
        Ok(())
    }

    async fn register_size(&self) -> Result<u32, StoreError> {
        let count: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM services").fetch_one(&self.pool).await.map_err(database)?;
        Ok(u32::try_from(count).unwrap_or(u32::MAX))
    }

    async fn upsert_services(&self, services: &[Service]) -> Result<UpsertSummary, StoreError> {
        let mut tx = self.pool.begin_with("BEGIN IMMEDIATE").await.map_err(database)?;
        let mut summary = UpsertSummary::default();
        for service in services {
            let existing = sqlx::query(&format!("SELECT {SERVICE_COLUMNS} FROM services WHERE location_id = ?"))
                .bind(service.location_id.as_str())
                .fetch_optional(&mut *tx)
                .await
                .map_err(database)?;
            let sql = match existing.as_ref().map(service_from_row).transpose()? {
                Some(stored) if stored == *service => {
                    summary.unchanged += 1;
                    continue;
                }
                Some(_) => {
                    summary.updated += 1;
                    "UPDATE services SET name = ?2, kind = ?3, town = ?4, rating_overall = ?5, \
                     rating_safe = ?6, rating_effective = ?7, rating_caring = ?8, rating_responsive = ?9, \
                     rating_well_led = ?10, rated_on = ?11, \
                     updated_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now') WHERE location_id = ?1"
                }
                None => {
                    summary.added += 1;
                    "INSERT INTO services (location_id, name, kind, town, rating_overall, rating_safe, \
                     rating_effective, rating_caring, rating_responsive, rating_well_led, rated_on) \
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)"
                }
            };
            let ratings = &service.ratings;
            sqlx::query(sql)
                .bind(service.location_id.as_str())
                .bind(service.name.as_str())
                .bind(service.kind.code())
                .bind(service.town.as_str())
                .bind(rating_code(ratings.overall))
                .bind(rating_code(ratings.safe))
                .bind(rating_code(ratings.effective))
                .bind(rating_code(ratings.caring))
                .bind(rating_code(ratings.responsive))
                .bind(rating_code(ratings.well_led))
                .bind(ratings.rated_on.map(|date| date.format("%Y-%m-%d").to_string()))
                .execute(&mut *tx)
                .await
                .map_err(database)?;
        }
        tx.commit().await.map_err(database)?;
        Ok(summary)
    }

    async fn service(&self, location_id: &CqcLocationId) -> Result<Option<Service>, StoreError> {
        sqlx::query(&format!("SELECT {SERVICE_COLUMNS} FROM services WHERE location_id = ?"))
            .bind(location_id.as_str())
            .fetch_optional(&self.pool)
            .await
            .map_err(database)?
            .as_ref()
            .map(service_from_row)
            .transpose()
    }

    async fn search_register(&self, query: &RegisterQuery, limit: u32) -> Result<RegisterPage, StoreError> {
        let pattern = like_pattern(query.text());
        let filter = "name LIKE ?1 ESCAPE '\\' OR town LIKE ?1 ESCAPE '\\' OR location_id LIKE ?1 ESCAPE '\\'";
        let rows = sqlx::query(&format!(
            "SELECT {SERVICE_COLUMNS} FROM services WHERE {filter} \
             ORDER BY name COLLATE NOCASE, location_id LIMIT ?2"
        ))
        .bind(&pattern)
        .bind(i64::from(limit))
        .fetch_all(&self.pool)
        .await
        .map_err(database)?;
        let (matching, total): (i64, i64) =
            sqlx::query_as(&format!("SELECT (SELECT COUNT(*) FROM services WHERE {filter}), (SELECT COUNT(*) FROM services)"))
                .bind(&pattern)
                .fetch_one(&self.pool)
                .await
                .map_err(database)?;
        Ok(RegisterPage {
            query: query.text().to_owned(),
            services: rows.iter().map(service_from_row).collect::<Result<_, _>>()?,
            total_matching: u32::try_from(matching).unwrap_or(u32::MAX),
            total_in_register: u32::try_from(total).unwrap_or(u32::MAX),
        })
    }
}
