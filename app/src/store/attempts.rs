//! Attempts at guessing a secret, counted so the limits hold across restarts and servers.

use chrono::{DateTime, Utc};

use super::StoreError;

/// Attempts at guessing a secret (a password, an access code), counted in
/// the database so the limits hold across restarts and across servers.
#[async_trait::async_trait]
pub trait ThrottleStore: Send + Sync + 'static {
    /// Takes one attempt under every limit at once, atomically: either each
    /// limit still has room and one attempt is recorded against each key, or
    /// nothing is recorded and the first limit that is full is returned.
    /// Attempts older than the longest window are forgotten as it goes.
    async fn take_attempt(&self, limits: &[AttemptLimit], now: DateTime<Utc>) -> Result<Attempt, StoreError>;

    /// Forgets attempts: this one (it succeeded) and every earlier one under `keys`.
    async fn forget_attempts(&self, attempt: &[i64], keys: &[String]) -> Result<(), StoreError>;
}

/// At most `max` attempts under `key` in any `window`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AttemptLimit {
    pub key: String,
    pub max: u32,
    pub window: chrono::Duration,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Attempt {
    /// Recorded; the ids let a successful attempt be forgotten.
    Taken(Vec<i64>),
    /// Refused by the limit at this index of the list given.
    Refused(usize),
}
