//! Which enrolled device a request comes from: its token, from the
//! `chf_device` cookie (set at enrolment; HttpOnly, SameSite=Strict) or an
//! `Authorization: Bearer` header. Only the token's SHA-256 is ever stored.

use http::{header, HeaderMap};
use sha2::{Digest, Sha256};

use crate::store::{Device, SharedStore, StoreError};

pub const DEVICE_COOKIE: &str = "chf_device";

/// The token a request carries, if any.
pub fn device_token(headers: &HeaderMap) -> Option<&str> {
    let bearer = headers.get(header::AUTHORIZATION).and_then(|value| value.to_str().ok()).and_then(|value| value.strip_prefix("Bearer "));
    bearer
        .map(str::trim)
        .filter(|token| !token.is_empty())
        // Phones enrolled before the server ran behind TLS keep their plain cookie.
        .or_else(|| cookie(headers, &cookie_name(DEVICE_COOKIE, true)))
        .or_else(|| cookie(headers, DEVICE_COOKIE))
}

/// The name one of our cookies goes by: behind TLS, `__Host-` prefixed.
pub fn cookie_name(name: &str, secure: bool) -> String {
    if secure {
        format!("__Host-{name}")
    } else {
        name.to_owned()
    }
}

/// A `Set-Cookie` value for one of our cookies. Behind TLS it is `__Host-`
/// prefixed and `Secure`, which browsers accept only from this host and for
/// the whole site, so a sibling subdomain cannot plant or shadow it.
pub fn set_cookie(name: &str, value: &str, same_site: &str, max_age: u32, secure: bool) -> String {
    let name = cookie_name(name, secure);
    let secure = if secure { "; Secure" } else { "" };
    format!("{name}={value}; HttpOnly; SameSite={same_site}; Path=/; Max-Age={max_age}{secure}")
}

/// A `Set-Cookie` value like `set_cookie`'s, but readable by the page's
/// script: for markers that hold nothing secret.
pub fn set_readable_cookie(name: &str, value: &str, max_age: u32, secure: bool) -> String {
    set_cookie(name, value, "Strict", max_age, secure).replace("; HttpOnly", "")
}

/// The non-empty value of the cookie called `name`, if the request has one.
pub fn cookie<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|cookies| cookies.split(';'))
        .find_map(|cookie| cookie.trim().strip_prefix(name)?.strip_prefix('='))
        .map(str::trim)
        .filter(|value| !value.is_empty())
}

/// Lower-case hex SHA-256 of a secret.
pub fn hash_secret(secret: &str) -> String {
    Sha256::digest(secret.as_bytes()).iter().map(|byte| format!("{byte:02x}")).collect()
}

/// The device behind the request's token; revoked devices are returned too,
/// so callers can say so.
pub async fn device(store: &SharedStore, headers: &HeaderMap) -> Result<Option<Device>, StoreError> {
    match device_token(headers) {
        Some(token) => store.device_by_token(&hash_secret(token)).await,
        None => Ok(None),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(pairs: &[(&'static str, &'static str)]) -> HeaderMap {
        pairs.iter().map(|(k, v)| (header::HeaderName::from_static(k), v.parse().unwrap())).collect()
    }

    #[test]
    fn the_token_comes_from_the_bearer_header_or_the_cookie() {
        assert_eq!(device_token(&headers(&[("authorization", "Bearer abc")])), Some("abc"));
        assert_eq!(device_token(&headers(&[("cookie", "a=1; chf_device=xyz; b=2")])), Some("xyz"));
        assert_eq!(device_token(&headers(&[("cookie", "chf_device_old=1")])), None);
        assert_eq!(device_token(&headers(&[])), None);
    }
}
