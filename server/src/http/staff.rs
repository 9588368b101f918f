//! Staff log in with an email and password and get a server-side session:
//! the `chf_session` cookie holds a random token (HttpOnly, SameSite=Lax,
//! Secure behind TLS) and the database keeps only its hash. Every form a
//! session posts carries the session's CSRF token, and its origin is checked.
//! Care homes' own accounts (providers) log in the same way, and reach only
//! their own pages (`/provider`); the unit's pages and API refuse them.

use app::domain::{
    accounts::{Email, Role},
    register::CqcLocationId,
};
use axum::{
    extract::{FromRequestParts, Query, State},
    http::{header, request::Parts, HeaderMap, HeaderValue, StatusCode},
    response::{Html, IntoResponse, Redirect, Response},
    routing::{get, post},
    Form, Router,
};
use chrono::Utc;
use serde::Deserialize;

use super::{attempts::ClientAddress, error::AppError, pages, AppState};
use crate::{
    credentials::{hash_secret, new_device_token},
    store::{NewSession, StaffSession},
};

pub const SESSION_COOKIE: &str = "chf_session";
/// The header that carries the session's CSRF token on a JSON API post.
pub const CSRF_HEADER: &str = "x-csrf-token";

pub fn router() -> Router<AppState> {
    Router::new().route("/login", get(login_page).post(log_in)).route("/logout", post(log_out))
}

/// Anyone logged in: the unit's staff or a provider. Anyone else is sent to
/// the login page (or, for the JSON API, answered 401).
pub struct Account(pub StaffSession);

impl FromRequestParts<AppState> for Account {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        let token = session_token(&parts.headers, state.secure_cookies);
        let session = match token {
            Some(token) => state.store.session(&hash_secret(token), Utc::now()).await.map_err(|e| AppError::from(e).into_response())?,
            None => None,
        };
        match session {
            Some(session) => Ok(Self(session)),
            None if parts.uri.path().starts_with("/api/") => Err(AppError::NotLoggedIn.into_response()),
            None => {
                let next = parts.uri.path_and_query().map_or("/triage", |p| p.as_str());
                let query = serde_urlencoded::to_string([("next", next)]).unwrap_or_default();
                Err(Redirect::to(&format!("/login?{query}")).into_response())
            }
        }
    }
}

/// A logged-in commissioner or admin; a provider is refused (403).
pub struct Staff(pub StaffSession);

impl FromRequestParts<AppState> for Staff {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        let Account(session) = Account::from_request_parts(parts, state).await?;
        if session.user.role == Role::Provider {
            return Err(refused(parts, &session, AppError::StaffOnly));
        }
        Ok(Self(session))
    }
}

/// A logged-in provider, with the services it answers for; the unit's staff
/// are refused (403): they read observations on their own pages.
pub struct ProviderAccount {
    pub session: StaffSession,
    pub services: Vec<CqcLocationId>,
}

impl FromRequestParts<AppState> for ProviderAccount {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        let Account(session) = Account::from_request_parts(parts, state).await?;
        if session.user.role != Role::Provider {
            return Err(refused(parts, &session, AppError::ProvidersOnly));
        }
        let services = state.store.provider_services(session.user.id).await.map_err(|e| AppError::from(e).into_response())?;
        Ok(Self { session, services })
    }
}

/// A 403 for an account on the other side's pages: JSON for the API, else a
/// page that says so and links to the account's own start.
fn refused(parts: &Parts, session: &StaffSession, error: AppError) -> Response {
    if parts.uri.path().starts_with("/api/") {
        return error.into_response();
    }
    (StatusCode::FORBIDDEN, pages::not_for_this_account(session, &error.to_string())).into_response()
}

impl Staff {
    /// Refuses a post whose CSRF token is not this session's, or that comes from another site.
    pub fn check_post(&self, headers: &HeaderMap, csrf: &str) -> Result<(), AppError> {
        check_post(&self.0, headers, csrf)
    }
}

impl ProviderAccount {
    pub fn check_post(&self, headers: &HeaderMap, csrf: &str) -> Result<(), AppError> {
        check_post(&self.session, headers, csrf)
    }
}

fn check_post(session: &StaffSession, headers: &HeaderMap, csrf: &str) -> Result<(), AppError> {
    use subtle::ConstantTimeEq;
    let matches: bool = csrf.as_bytes().ct_eq(session.csrf_token.as_bytes()).into();
    if csrf.is_empty() || !matches || !same_origin(headers) {
        return Err(AppError::Forbidden);
    }
    Ok(())
}

/// The session token a request carries in its cookie: behind TLS only the
/// `__Host-` cookie counts, since a sibling subdomain can set the plain one.
fn session_token(headers: &HeaderMap, secure: bool) -> Option<&str> {
    app::session::cookie(headers, &app::session::cookie_name(SESSION_COOKIE, secure))
}

/// Refuses posts another site makes a browser send. Browsers mark each
/// request with `Sec-Fetch-Site`; older ones send at least `Origin`, which
/// under our `no-referrer` policy may be `null` (then the CSRF token decides).
fn same_origin(headers: &HeaderMap) -> bool {
    let text = |name| headers.get(name).and_then(|v: &HeaderValue| v.to_str().ok());
    if let Some(site) = text("sec-fetch-site") {
        return matches!(site, "same-origin" | "none");
    }
    match text("origin") {
        None | Some("null") => true,
        Some(origin) => origin.split_once("://").is_some_and(|(_, rest)| Some(rest) == text("host")),
    }
}

#[derive(Deserialize, Default)]
struct LoginQuery {
    next: Option<String>,
    logged_out: Option<String>,
}

async fn login_page(Query(query): Query<LoginQuery>) -> Html<String> {
    let notice = query.logged_out.is_some().then_some("You have logged out.");
    pages::login(&pages::LoginForm { next: safe_next(query.next.as_deref()), notice, ..Default::default() })
}

#[derive(Deserialize)]
struct LoginPost {
    #[serde(default)]
    email: String,
    #[serde(default)]
    password: String,
    #[serde(default)]
    next: String,
}

async fn log_in(
    State(state): State<AppState>,
    client: ClientAddress,
    headers: HeaderMap,
    Form(post): Form<LoginPost>,
) -> Result<Response, AppError> {
    if !same_origin(&headers) {
        return Err(AppError::Forbidden);
    }
    let next = safe_next(Some(&post.next));
    let refuse = |status: StatusCode, field: &'static str, message: &str| {
        let form =
            pages::LoginForm { email: post.email.clone(), next: next.clone(), problem: Some((field, message.to_owned())), notice: None };
        (status, pages::login(&form)).into_response()
    };
    let email = match Email::parse(&post.email) {
        Ok(email) => email,
        Err(problem) => return Ok(refuse(StatusCode::UNPROCESSABLE_ENTITY, "email", &problem.message)),
    };
    if post.password.is_empty() {
        return Ok(refuse(StatusCode::UNPROCESSABLE_ENTITY, "password", "Enter your password"));
    }
    // The attempt is counted before the password is checked, in one
    // transaction, so concurrent guesses cannot all slip under the limit.
    let attempt = match state.attempts.take_login(&state.store, client, email.as_str()).await? {
        Ok(attempt) => attempt,
        Err(refusal) => {
            tracing::info!("login refused by the guess limits");
            return Ok(refuse(StatusCode::TOO_MANY_REQUESTS, "email", &refusal.message()));
        }
    };
    let found = state.store.user_by_email(&email).await?;
    let stored_hash = found.as_ref().map(|(_, hash)| hash.clone());
    let Some(matched) = state.attempts.check_password(post.password.clone(), stored_hash).await else {
        let message = "The server is busy. Wait a few seconds, then try again.";
        return Ok(refuse(StatusCode::SERVICE_UNAVAILABLE, "email", message));
    };
    let (true, Some((user, _))) = (matched, found) else {
        tracing::info!("failed login");
        return Ok(refuse(StatusCode::UNAUTHORIZED, "email", "The email address or password is not right"));
    };
    state.attempts.succeeded(&state.store, attempt).await?;
    let token = new_device_token();
    let now = Utc::now();
    let session = NewSession {
        token_hash: hash_secret(&token),
        user_id: user.id,
        csrf_token: new_device_token(),
        created_at: now,
        expires_at: now + chrono::Duration::hours(i64::from(state.session_hours)),
    };
    state.store.start_session(&session).await?;
    tracing::info!(user = user.id, "logged in");
    let cookie = app::session::set_cookie(SESSION_COOKIE, &token, "Lax", state.session_hours * 3600, state.secure_cookies);
    let cookie = HeaderValue::from_str(&cookie).map_err(|_| AppError::BadRequest("bad token".into()))?;
    // A provider starts at its own homes, whatever page the link was for.
    let next = if user.role == Role::Provider && !next.starts_with("/provider") { "/provider".to_owned() } else { next };
    Ok(([(header::SET_COOKIE, cookie)], Redirect::to(&next)).into_response())
}

#[derive(Deserialize)]
struct LogoutPost {
    #[serde(default)]
    csrf: String,
}

async fn log_out(
    account: Account,
    headers: HeaderMap,
    State(state): State<AppState>,
    Form(post): Form<LogoutPost>,
) -> Result<Response, AppError> {
    check_post(&account.0, &headers, &post.csrf)?;
    if let Some(token) = session_token(&headers, state.secure_cookies) {
        state.store.end_session(&hash_secret(token)).await?;
    }
    let ended = app::session::set_cookie(SESSION_COOKIE, "", "Lax", 0, state.secure_cookies);
    let cookie = HeaderValue::from_str(&ended).map_err(|_| AppError::Forbidden)?;
    Ok(([(header::SET_COOKIE, cookie)], Redirect::to("/login?logged_out=1")).into_response())
}

/// Longest `next` followed after login; longer ones go to the inbox.
const MAX_NEXT_BYTES: usize = 2048;

/// Only our own triage pages are followed after login, never another site,
/// and only addresses that are valid in a `Location` header as they stand.
fn safe_next(next: Option<&str>) -> String {
    let plain = |path: &str| path.len() <= MAX_NEXT_BYTES && path.bytes().all(|b| b.is_ascii_graphic() && b != b'\\');
    match next {
        Some(path) if path.starts_with("/triage") && !path.contains("//") && plain(path) => path.to_owned(),
        _ => "/triage".to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn after_login_only_triage_pages_are_followed() {
        assert_eq!(safe_next(Some("/triage/observations/abc?x=1")), "/triage/observations/abc?x=1");
        assert_eq!(safe_next(Some("https://evil.example/triage")), "/triage");
        assert_eq!(safe_next(Some("/triage//evil.example")), "/triage");
        assert_eq!(safe_next(Some("/feedback")), "/triage");
        assert_eq!(safe_next(None), "/triage");
        assert_eq!(safe_next(Some("/triage\u{1}")), "/triage", "a control character would make the redirect fail");
        assert_eq!(safe_next(Some("/triage é")), "/triage");
        assert_eq!(safe_next(Some(&format!("/triage?q={}", "a".repeat(5000)))), "/triage");
    }

    #[test]
    fn posts_from_other_sites_are_refused() {
        let headers = |origin: &'static str| -> HeaderMap {
            let mut headers = HeaderMap::new();
            headers.insert(header::HOST, HeaderValue::from_static("chf.example:3000"));
            headers.insert(header::ORIGIN, HeaderValue::from_static(origin));
            headers
        };
        assert!(same_origin(&headers("http://chf.example:3000")));
        assert!(!same_origin(&headers("https://evil.example")));
        assert!(same_origin(&HeaderMap::new()), "no Origin header: the CSRF token decides");
        let fetch_site = |site: &'static str| -> HeaderMap {
            let mut headers = headers("null");
            headers.insert("sec-fetch-site", HeaderValue::from_static(site));
            headers
        };
        assert!(same_origin(&fetch_site("same-origin")));
        assert!(!same_origin(&fetch_site("cross-site")));
        assert!(!same_origin(&fetch_site("same-site")), "a sibling subdomain is another site to us");
    }
}
