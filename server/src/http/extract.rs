//! Extractors: JSON bodies whose rejections speak our error format, and the
//! enrolled device behind a bearer token.

use axum::{
    extract::{FromRef, FromRequest, FromRequestParts},
    http::request::Parts,
};

use chrono::{DateTime, Utc};

use super::error::AppError;
use crate::store::{Device, SharedStore};

/// `axum::Json`, but a bad body becomes an [`AppError`].
#[derive(FromRequest)]
#[from_request(via(axum::Json), rejection(AppError))]
pub struct ApiJson<T>(pub T);

/// The device making the request, from its bearer token or device cookie.
/// An expired token reads as unknown; a token used in the second half of its
/// lifetime is renewed for a whole one.
pub struct EnrolledDevice(pub Device);

impl<S> FromRequestParts<S> for EnrolledDevice
where
    SharedStore: FromRef<S>,
    DeviceTokenLifetime: FromRef<S>,
    S: Send + Sync,
{
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let store = SharedStore::from_ref(state);
        match app::session::device(&store, &parts.headers).await? {
            None => Err(AppError::NotEnrolled),
            Some(device) if device.revoked => Err(AppError::Revoked),
            Some(device) => {
                DeviceTokenLifetime::from_ref(state).renew_if_due(&store, &device).await?;
                Ok(Self(device))
            }
        }
    }
}

/// How long a device token lasts unused.
#[derive(Clone, Copy, Debug)]
pub struct DeviceTokenLifetime(pub chrono::Duration);

impl DeviceTokenLifetime {
    /// When a token issued now expires.
    pub fn from_now(self) -> DateTime<Utc> {
        Utc::now() + self.0
    }

    /// Renews the token once less than half its lifetime is left: one write
    /// every few months per phone, not one per request.
    pub async fn renew_if_due(self, store: &SharedStore, device: &Device) -> Result<(), AppError> {
        let due = device.token_expires_at.is_none_or(|at| at - Utc::now() < self.0 / 2);
        if due {
            store.renew_device_token(device.id, self.from_now()).await?;
        }
        Ok(())
    }
}
