//! Extractors: JSON bodies whose rejections speak our error format, and the
//! enrolled device behind a bearer token.

use axum::{
    extract::{FromRef, FromRequest, FromRequestParts},
    http::{header::AUTHORIZATION, request::Parts},
};

use super::error::AppError;
use crate::{
    credentials::hash_secret,
    store::{Device, SharedStore},
};

/// `axum::Json`, but a bad body becomes an [`AppError`].
#[derive(FromRequest)]
#[from_request(via(axum::Json), rejection(AppError))]
pub struct ApiJson<T>(pub T);

/// The device making the request, from `Authorization: Bearer <token>`.
pub struct EnrolledDevice(pub Device);

impl<S> FromRequestParts<S> for EnrolledDevice
where
    SharedStore: FromRef<S>,
    S: Send + Sync,
{
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let token = parts
            .headers
            .get(AUTHORIZATION)
            .and_then(|value| value.to_str().ok())
            .and_then(|value| value.strip_prefix("Bearer "))
            .ok_or(AppError::NotEnrolled)?;
        let store = SharedStore::from_ref(state);
        match store.device_by_token(&hash_secret(token.trim())).await? {
            None => Err(AppError::NotEnrolled),
            Some(device) if device.revoked => Err(AppError::Revoked),
            Some(device) => Ok(Self(device)),
        }
    }
}
