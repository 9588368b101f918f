//! Published versions of form definitions.

use chrono::{DateTime, Utc};

use super::StoreError;

#[async_trait::async_trait]
pub trait FormStore: Send + Sync + 'static {
    /// Stores a version of a form definition (`json` is the definition as
    /// published, `content_hash` its hash). The same content again is
    /// `AlreadyPublished`; other content under a stored version is `Taken`.
    async fn publish_definition(&self, definition: &NewDefinition) -> Result<Published, StoreError>;

    /// Every stored definition as published, by form id then version.
    async fn published_definitions(&self) -> Result<Vec<PublishedDefinition>, StoreError>;
}

#[derive(Clone, Debug)]
pub struct NewDefinition {
    pub form_id: String,
    pub version: u32,
    pub json: String,
    pub content_hash: String,
    /// `None` for the definitions built into the release.
    pub published_by: Option<i64>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Published {
    New,
    AlreadyPublished,
    Taken,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PublishedDefinition {
    pub form_id: String,
    pub version: u32,
    pub json: String,
    pub published_at: DateTime<Utc>,
    /// The admin's name, or `None` when built into the release.
    pub published_by: Option<String>,
}
