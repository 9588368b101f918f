//! Drafts of the no-JavaScript journey, kept on the server per device.

use uuid::Uuid;

use super::StoreError;

/// Drafts of devices that fill forms in without JavaScript (server-rendered
/// pages); with JavaScript, drafts stay on the device.
#[async_trait::async_trait]
pub trait DraftStore: Send + Sync + 'static {
    async fn draft(&self, device_id: Uuid, form_id: &str) -> Result<Option<Draft>, StoreError>;

    async fn save_draft(&self, device_id: Uuid, draft: &Draft) -> Result<(), StoreError>;

    async fn delete_draft(&self, device_id: Uuid, form_id: &str) -> Result<(), StoreError>;
}

/// A form being filled in: its future submission id, the raw answers as
/// typed (valid or not) and the problems found on each page's last post.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Draft {
    pub id: Uuid,
    pub form_id: String,
    pub form_version: u32,
    pub answers: crate::domain::forms::RawAnswers,
    #[serde(default)]
    pub problems: std::collections::BTreeMap<String, Vec<crate::domain::FieldError>>,
}
