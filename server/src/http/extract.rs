//! Extractors: JSON bodies whose rejections speak our error format, and the
//! enrolled device behind a bearer token.

use axum::{
    extract::{FromRef, FromRequest, FromRequestParts},
    http::request::Parts,
};

use super::error::AppError;
use crate::store::{Device, SharedStore};

/// `axum::Json`, but a bad body becomes an [`AppError`].
#[derive(FromRequest)]
#[from_request(via(axum::Json), rejection(AppError))]
pub struct ApiJson<T>(pub T);

/// The device making the request, from its bearer token or device cookie.
pub struct EnrolledDevice(pub Device);

impl<S> FromRequestParts<S> for EnrolledDevice
where
    SharedStore: FromRef<S>,
    S: Send + Sync,
{
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let store = SharedStore::from_ref(state);
        match app::session::device(&store, &parts.headers).await? {
            None => Err(AppError::NotEnrolled),
            Some(device) if device.revoked => Err(AppError::Revoked),
            Some(device) => Ok(Self(device)),
        }
    }
}
