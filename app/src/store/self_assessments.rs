//! A care home's own My Home Life self-assessments: completed online by its
//! provider account on the same form definition the unit's staff use, kept
//! for the home, and shown to the unit only once the home shares one.

use chrono::{DateTime, Utc};
use uuid::Uuid;

use crate::domain::{forms::Answers, register::CqcLocationId};

use super::StoreError;

#[async_trait::async_trait]
pub trait SelfAssessmentStore: Send + Sync + 'static {
    async fn add_self_assessment(&self, assessment: &NewSelfAssessment) -> Result<(), StoreError>;

    /// The self-assessments of these homes, newest first; only those shared
    /// with the unit when `shared_only`.
    async fn self_assessments(&self, services: &[CqcLocationId], shared_only: bool) -> Result<Vec<SelfAssessment>, StoreError>;

    /// One, only if it is about one of these homes.
    async fn self_assessment(&self, id: Uuid, services: &[CqcLocationId]) -> Result<Option<SelfAssessment>, StoreError>;

    /// Shares one of these homes' self-assessments with the unit (once; later
    /// calls keep the first time). False when it is not theirs.
    async fn share_self_assessment(&self, id: Uuid, services: &[CqcLocationId], at: DateTime<Utc>) -> Result<bool, StoreError>;
}

#[derive(Clone, Debug, PartialEq)]
pub struct NewSelfAssessment {
    pub id: Uuid,
    pub service: CqcLocationId,
    pub user_id: i64,
    pub user_name: String,
    pub form_id: String,
    pub form_version: u32,
    pub answers: Answers,
    pub created_at: DateTime<Utc>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct SelfAssessment {
    pub id: Uuid,
    pub service: CqcLocationId,
    /// Name and town; the location ID for a service no longer in the register.
    pub service_name: String,
    pub user_name: String,
    pub form_id: String,
    pub form_version: u32,
    pub answers: Answers,
    pub created_at: DateTime<Utc>,
    pub shared_at: Option<DateTime<Utc>>,
}
