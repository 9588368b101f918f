//! Staff accounts and sessions in SQLite.

use app::domain::accounts::Email;
use chrono::{DateTime, Utc};
use sqlx::Row;

use super::{database, unique_or_database, SqliteStore};
pub(super) use crate::store::columns::timestamp;
pub(super) use crate::store::rows::user_from_row;
use crate::store::{AccountStore, NewSession, NewUser, StaffSession, StoreError, User};

#[async_trait::async_trait]
impl AccountStore for SqliteStore {
    async fn add_user(&self, user: &NewUser) -> Result<i64, StoreError> {
        sqlx::query_scalar("INSERT INTO users (email, name, role, password_hash) VALUES (?, ?, ?, ?) RETURNING id")
            .bind(user.email.as_str())
            .bind(user.name.as_str())
            .bind(user.role.code())
            .bind(&user.password_hash)
            .fetch_one(&self.pool)
            .await
            .map_err(|err| unique_or_database(err, "a user with this email already exists"))
    }

    async fn user_by_email(&self, email: &Email) -> Result<Option<(User, String)>, StoreError> {
        let row = sqlx::query("SELECT id, email, name, role, password_hash FROM users WHERE email = ?")
            .bind(email.as_str())
            .fetch_optional(&self.pool)
            .await
            .map_err(database)?;
        row.map(|row| Ok((user_from_row(&row)?, row.try_get("password_hash").map_err(database)?))).transpose()
    }

    async fn users(&self) -> Result<Vec<User>, StoreError> {
        sqlx::query("SELECT id, email, name, role FROM users WHERE role IN ('commissioner', 'admin') ORDER BY name COLLATE NOCASE, id")
            .fetch_all(&self.pool)
            .await
            .map_err(database)?
            .iter()
            .map(user_from_row)
            .collect()
    }

    async fn start_session(&self, session: &NewSession) -> Result<(), StoreError> {
        // Expired sessions are swept here, so the table never grows without bound.
        sqlx::query("DELETE FROM sessions WHERE expires_at < ?")
            .bind(timestamp(session.created_at))
            .execute(&self.pool)
            .await
            .map_err(database)?;
        sqlx::query("INSERT INTO sessions (token_hash, user_id, csrf_token, created_at, expires_at) VALUES (?, ?, ?, ?, ?)")
            .bind(&session.token_hash)
            .bind(session.user_id)
            .bind(&session.csrf_token)
            .bind(timestamp(session.created_at))
            .bind(timestamp(session.expires_at))
            .execute(&self.pool)
            .await
            .map_err(database)?;
        Ok(())
    }

    async fn session(&self, token_hash: &str, now: DateTime<Utc>) -> Result<Option<StaffSession>, StoreError> {
        let row = sqlx::query(
            "SELECT u.id, u.email, u.name, u.role, s.csrf_token FROM sessions s JOIN users u ON u.id = s.user_id \
             WHERE s.token_hash = ? AND s.expires_at > ?",
        )
        .bind(token_hash)
        .bind(timestamp(now))
        .fetch_optional(&self.pool)
        .await
        .map_err(database)?;
        row.map(|row| Ok(StaffSession { user: user_from_row(&row)?, csrf_token: row.try_get("csrf_token").map_err(database)? })).transpose()
    }

    async fn end_session(&self, token_hash: &str) -> Result<(), StoreError> {
        sqlx::query("DELETE FROM sessions WHERE token_hash = ?").bind(token_hash).execute(&self.pool).await.map_err(database)?;
        Ok(())
    }
}
