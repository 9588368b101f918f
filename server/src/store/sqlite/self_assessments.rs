//! Care homes' self-assessments in SQLite (`self_assessments`, migration 18).
//! Every read is by the asking home's services, as for shared observations.

use app::domain::register::CqcLocationId;
use chrono::{DateTime, Utc};
use sqlx::{QueryBuilder, Sqlite};
use uuid::Uuid;

use super::{accounts::timestamp, corrupt, database, providers::push_services, SqliteStore};
use crate::store::rows::self_assessment_from_row;
use crate::store::{NewSelfAssessment, SelfAssessment, SelfAssessmentStore, StoreError};

const COLUMNS: &str = "a.id, a.service_location_id, COALESCE(v.name || ', ' || v.town, a.service_location_id) AS service_name, \
    a.user_name, a.form_id, a.form_version, a.answers, a.created_at, a.shared_at \
    FROM self_assessments a LEFT JOIN services v ON v.location_id = a.service_location_id";

#[async_trait::async_trait]
impl SelfAssessmentStore for SqliteStore {
    async fn add_self_assessment(&self, assessment: &NewSelfAssessment) -> Result<(), StoreError> {
        let answers = serde_json::to_string(&assessment.answers).map_err(corrupt)?;
        sqlx::query(
            "INSERT INTO self_assessments (id, service_location_id, user_id, user_name, form_id, form_version, answers, created_at) \
             VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        )
        .bind(assessment.id.to_string())
        .bind(assessment.service.as_str())
        .bind(assessment.user_id)
        .bind(&assessment.user_name)
        .bind(&assessment.form_id)
        .bind(i64::from(assessment.form_version))
        .bind(answers)
        .bind(timestamp(assessment.created_at))
        .execute(&self.pool)
        .await
        .map_err(database)?;
        Ok(())
    }

    async fn self_assessments(&self, services: &[CqcLocationId], shared_only: bool) -> Result<Vec<SelfAssessment>, StoreError> {
        if services.is_empty() {
            return Ok(Vec::new());
        }
        let mut query: QueryBuilder<'_, Sqlite> = QueryBuilder::new(format!("SELECT {COLUMNS} WHERE a.service_location_id IN ("));
        push_services(&mut query, services);
        if shared_only {
            query.push(" AND a.shared_at IS NOT NULL");
        }
        query.push(" ORDER BY a.created_at DESC LIMIT 200");
        query.build().fetch_all(&self.pool).await.map_err(database)?.iter().map(self_assessment_from_row).collect()
    }

    async fn self_assessment(&self, id: Uuid, services: &[CqcLocationId]) -> Result<Option<SelfAssessment>, StoreError> {
        if services.is_empty() {
            return Ok(None);
        }
        let mut query: QueryBuilder<'_, Sqlite> = QueryBuilder::new(format!("SELECT {COLUMNS} WHERE a.id = "));
        query.push_bind(id.to_string()).push(" AND a.service_location_id IN (");
        push_services(&mut query, services);
        query.build().fetch_optional(&self.pool).await.map_err(database)?.as_ref().map(self_assessment_from_row).transpose()
    }

    async fn share_self_assessment(&self, id: Uuid, services: &[CqcLocationId], at: DateTime<Utc>) -> Result<bool, StoreError> {
        if services.is_empty() {
            return Ok(false);
        }
        let mut query: QueryBuilder<'_, Sqlite> = QueryBuilder::new("UPDATE self_assessments SET shared_at = COALESCE(shared_at, ");
        query.push_bind(timestamp(at)).push(") WHERE id = ").push_bind(id.to_string()).push(" AND service_location_id IN (");
        push_services(&mut query, services);
        Ok(query.build().execute(&self.pool).await.map_err(database)?.rows_affected() == 1)
    }
}
