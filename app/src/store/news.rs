//! What a phone hears back about the forms it sent (see `domain::news`).

use uuid::Uuid;

use crate::domain::news::NewsPage;

use super::StoreError;

#[async_trait::async_trait]
pub trait NewsStore: Send + Sync + 'static {
    /// The device's submissions with an audit line after `since`, those whose
    /// latest line is oldest first, at most `limit`: each with its status now
    /// and every note shared with the visitor. The cursor is the latest line
    /// returned, so a submission left out for `limit` comes next time.
    async fn news_for_device(&self, device: Uuid, since: i64, limit: u32) -> Result<NewsPage, StoreError>;
}
