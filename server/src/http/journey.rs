//! The form posts of the server-rendered journey (`app/src/pages/feedback`).
//! Each saves what was typed in the device's draft and redirects (303) to
//! the next page, or back to the same page with its problems, so the journey
//! works without JavaScript and a reload never posts twice.

use app::{
    domain::{
        device::{EnrolmentRequest, ENROLLED_COOKIE},
        forms::{self, FormDefinition, PageOutcome, Step},
        submission::SubmissionRequest,
    },
    pages::feedback::{ssr::load_or_start_draft, FORM_ID},
    session::DEVICE_COOKIE,
    store::{Device, Draft},
};
use axum::{
    extract::{Path, Query, State},
    http::{header::SET_COOKIE, HeaderMap, HeaderValue},
    response::{AppendHeaders, IntoResponse, Redirect, Response},
    routing::post,
    Form, Router,
};
use chrono::Utc;
use serde::Deserialize;

use super::{attempts::ClientAddress, devices::enrol_device, error::AppError, extract::DeviceTokenLifetime, submissions::accept, AppState};
use crate::{intake::latest_date_on_earth, store::SharedStore};

pub fn router() -> Router<AppState> {
    Router::new().route("/enrol", post(enrol)).route("/feedback/discard", post(discard)).route("/feedback/{slug}", post(save_page))
}

#[derive(Deserialize)]
struct ReturnTo {
    #[serde(rename = "return")]
    to: Option<String>,
}

impl ReturnTo {
    fn check(&self) -> bool {
        self.to.as_deref() == Some("check")
    }
}

/// A year: a professional enrols a phone once.
const COOKIE_MAX_AGE: u32 = 365 * 24 * 60 * 60;

/// `?next=app`: the person came from the offline app and goes back to it.
#[derive(Deserialize)]
struct EnrolNext {
    next: Option<String>,
}

async fn enrol(
    State(state): State<AppState>,
    client: ClientAddress,
    Query(next): Query<EnrolNext>,
    Form(request): Form<EnrolmentRequest>,
) -> Result<Response, AppError> {
    let to_app = next.next.as_deref() == Some("app");
    match enrol_device(&state, client, &request).await {
        Ok(enrolment) => {
            let cookie = app::session::set_cookie(DEVICE_COOKIE, &enrolment.token, "Strict", COOKIE_MAX_AGE, state.secure_cookies);
            let cookie = HeaderValue::from_str(&cookie).map_err(|_| AppError::BadRequest("bad token".into()))?;
            let marker = app::session::set_readable_cookie(ENROLLED_COOKIE, "1", COOKIE_MAX_AGE, state.secure_cookies);
            let home = if to_app { "/app" } else { "/feedback" };
            Ok((
                AppendHeaders([(SET_COOKIE, cookie), (SET_COOKIE, HeaderValue::from_str(&marker).expect("a fixed cookie"))]),
                Redirect::to(home),
            )
                .into_response())
        }
        Err(AppError::Invalid(problems)) => {
            let fields: Vec<&str> = problems.iter().map(|p| p.field.as_str()).collect();
            // The name and role come back so they need not be typed again; never
            // the code, and not text too long to be a name or role at all, which
            // would only make the Location header enormous.
            let echo = |text: &str| if text.len() <= MAX_ECHOED_BYTES { text.to_owned() } else { String::new() };
            let query = serde_urlencoded::to_string([
                ("name", echo(&request.name).as_str()),
                ("role", echo(&request.role).as_str()),
                ("problems", &fields.join(",")),
                ("next", if to_app { "app" } else { "" }),
            ])
            .unwrap_or_default();
            Ok(Redirect::to(&format!("/enrol?{query}")).into_response())
        }
        Err(other) => Err(other),
    }
}

/// Longest name or role sent back to the enrolment page after a problem.
const MAX_ECHOED_BYTES: usize = 400;

/// The enrolled, unrevoked device and its draft, or where to send the person instead.
async fn device_and_draft(
    store: &SharedStore,
    lifetime: DeviceTokenLifetime,
    headers: &HeaderMap,
) -> Result<Result<(Device, Draft), Redirect>, AppError> {
    match app::session::device(store, headers).await? {
        Some(device) if !device.revoked => {
            lifetime.renew_if_due(store, &device).await?;
            let draft = load_or_start_draft(store, &device).await?;
            Ok(Ok((device, draft)))
        }
        _ => Ok(Err(Redirect::to("/enrol"))),
    }
}

fn form_of(draft: &Draft) -> Result<&'static FormDefinition, AppError> {
    forms::find(&draft.form_id, draft.form_version)
        .ok_or_else(|| AppError::Conflict("This form has been replaced. Start a new one.".into()))
}

async fn save_page(
    State(state): State<AppState>,
    Path(slug): Path<String>,
    Query(return_to): Query<ReturnTo>,
    headers: HeaderMap,
    Form(posted): Form<Vec<(String, String)>>,
) -> Result<Redirect, AppError> {
    let (store, lifetime) = (&state.store, state.device_token_lifetime);
    // `/feedback/check` shares the page route with the questions, for GET and POST alike.
    if slug == "check" {
        return send(&state, &headers).await;
    }
    let (device, mut draft) = match device_and_draft(store, lifetime, &headers).await? {
        Ok(found) => found,
        Err(elsewhere) => return Ok(elsewhere),
    };
    let form = form_of(&draft)?;
    let Some(page) = form.page(&slug) else { return Ok(Redirect::to("/feedback")) };
    page.apply(&mut draft.answers, &posted);
    let next = match form.continue_from(page, &draft.answers, latest_date_on_earth(), return_to.check()) {
        PageOutcome::Problems(problems) => {
            draft.problems.insert(slug.clone(), problems);
            format!("/feedback/{slug}{}", if return_to.check() { "?return=check" } else { "" })
        }
        PageOutcome::Next(step) => {
            draft.problems.remove(&slug);
            match step {
                Step::Page(next) => format!("/feedback/{}", next.slug),
                Step::CheckAnswers => "/feedback/check".to_owned(),
            }
        }
    };
    store.save_draft(device.id, &draft).await?;
    Ok(Redirect::to(&next))
}

async fn send(state: &AppState, headers: &HeaderMap) -> Result<Redirect, AppError> {
    let store = &state.store;
    let (device, mut draft) = match device_and_draft(store, state.device_token_lifetime, headers).await? {
        Ok(found) => found,
        Err(elsewhere) => return Ok(elsewhere),
    };
    let form = form_of(&draft)?;
    if let Some((page, problems)) = form.first_incomplete_page(&draft.answers, latest_date_on_earth()) {
        let slug = page.slug.clone();
        draft.problems.insert(slug.clone(), problems);
        store.save_draft(device.id, &draft).await?;
        return Ok(Redirect::to(&format!("/feedback/{slug}?return=check")));
    }
    let request = SubmissionRequest {
        id: draft.id,
        form_id: draft.form_id.clone(),
        form_version: draft.form_version,
        answers: draft.answers.clone(),
        submitted_at: Utc::now().fixed_offset(),
    };
    accept(store, &state.arrivals, &state.alert_channels, &device, &request).await?;
    store.delete_draft(device.id, FORM_ID).await?;
    Ok(Redirect::to(&format!("/feedback/sent/{}", draft.id)))
}

async fn discard(State(store): State<SharedStore>, headers: HeaderMap) -> Result<Redirect, AppError> {
    if let Some(device) = app::session::device(&store, &headers).await? {
        store.delete_draft(device.id, FORM_ID).await?;
    }
    Ok(Redirect::to("/feedback"))
}
