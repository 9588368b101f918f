//! Staff accounts and their server-side sessions.

use chrono::{DateTime, Utc};

use crate::domain::accounts::{Email, Role, StaffName};

use super::StoreError;

/// Staff accounts and their server-side sessions.
#[async_trait::async_trait]
pub trait AccountStore: Send + Sync + 'static {
    /// Fails with [`StoreError::Conflict`] when the email is taken.
    async fn add_user(&self, user: &NewUser) -> Result<i64, StoreError>;

    /// The user with this email and their password hash.
    async fn user_by_email(&self, email: &Email) -> Result<Option<(User, String)>, StoreError>;

    /// The unit's staff, who can be assigned an observation, by name (not providers).
    async fn users(&self) -> Result<Vec<User>, StoreError>;

    async fn start_session(&self, session: &NewSession) -> Result<(), StoreError>;

    /// The live session with this token hash, if it has not expired at `now`.
    async fn session(&self, token_hash: &str, now: DateTime<Utc>) -> Result<Option<StaffSession>, StoreError>;

    async fn end_session(&self, token_hash: &str) -> Result<(), StoreError>;
}

#[derive(Clone, Debug)]
pub struct NewUser {
    pub email: Email,
    pub name: StaffName,
    pub role: Role,
    pub password_hash: String,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct User {
    pub id: i64,
    pub email: String,
    pub name: String,
    pub role: Role,
}

#[derive(Clone, Debug)]
pub struct NewSession {
    pub token_hash: String,
    pub user_id: i64,
    pub csrf_token: String,
    pub created_at: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
}

/// A logged-in member of staff, with the token their forms must echo.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StaffSession {
    pub user: User,
    pub csrf_token: String,
}
