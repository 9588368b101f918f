//! A home's My Home Life self-assessment, online: its provider fills it in on
//! the same form definition (and the same validation) the unit's checklists
//! use, reads its earlier ones, and shares one with the unit when it chooses.

use app::domain::{
    forms::{self, RawAnswers},
    register::CqcLocationId,
};
use axum::{
    extract::{Path, Query, State},
    http::{HeaderMap, StatusCode},
    response::{IntoResponse, Redirect, Response},
    routing::{get, post},
    Form, Router,
};
use chrono::Utc;
use serde::Deserialize;
use uuid::Uuid;

use super::{
    home_name, home_names, not_found,
    pages::{self, SelfAssessmentForm},
};
use crate::{
    http::{error::AppError, staff::ProviderAccount, AppState},
    store::NewSelfAssessment,
};

/// The form a home assesses itself on.
pub const SELF_ASSESSMENT_FORM: &str = "my-home-life";

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/provider/self-assessments", get(list).post(create))
        .route("/provider/self-assessments/new", get(new_form))
        .route("/provider/self-assessments/{id}", get(show))
        .route("/provider/self-assessments/{id}/share", post(share))
}

async fn list(account: ProviderAccount, State(state): State<AppState>) -> Result<Response, AppError> {
    let earlier = state.store.self_assessments(&account.services, false).await?;
    let homes = home_names(&state, &account.services).await?;
    Ok(pages::self_assessments(&account.session, homes, earlier).into_response())
}

#[derive(Deserialize)]
struct ForService {
    #[serde(default)]
    service: String,
}

/// The home named, if it is one of this account's.
fn own_service(account: &ProviderAccount, raw: &str) -> Option<CqcLocationId> {
    CqcLocationId::parse(raw).ok().filter(|id| account.services.contains(id))
}

async fn new_form(account: ProviderAccount, State(state): State<AppState>, Query(query): Query<ForService>) -> Result<Response, AppError> {
    let Some(service) = own_service(&account, &query.service) else { return not_found(&account) };
    let home = home_name(&state, &service).await?;
    let form = SelfAssessmentForm { service, home, values: RawAnswers::default(), problems: Vec::new() };
    Ok(render_form(&account, form, StatusCode::OK))
}

async fn create(
    account: ProviderAccount,
    State(state): State<AppState>,
    headers: HeaderMap,
    Form(posted): Form<Vec<(String, String)>>,
) -> Result<Response, AppError> {
    let value = |name: &str| posted.iter().find(|(key, _)| key == name).map(|(_, value)| value.clone()).unwrap_or_default();
    account.check_post(&headers, &value("csrf"))?;
    if CqcLocationId::parse(&value("service")).is_err() {
        return Err(AppError::invalid("service", "Choose the home this self-assessment is about"));
    }
    let Some(service) = own_service(&account, &value("service")) else { return not_found(&account) };
    let Some(definition) = forms::latest(SELF_ASSESSMENT_FORM) else { return not_found(&account) };
    let mut raw = RawAnswers::default();
    for page in &definition.pages {
        page.apply(&mut raw, &posted);
    }
    let now = Utc::now();
    match definition.validate(&raw, now.date_naive()) {
        Ok(answers) => {
            let id = Uuid::new_v4();
            let assessment = NewSelfAssessment {
                id,
                service,
                user_id: account.session.user.id,
                user_name: account.session.user.name.clone(),
                form_id: definition.id.as_str().to_owned(),
                form_version: definition.version,
                answers,
                created_at: now,
            };
            state.store.add_self_assessment(&assessment).await?;
            Ok(Redirect::to(&format!("/provider/self-assessments/{id}?done=saved")).into_response())
        }
        Err(problems) => {
            let home = home_name(&state, &service).await?;
            let form = SelfAssessmentForm { service, home, values: raw, problems };
            Ok(render_form(&account, form, StatusCode::UNPROCESSABLE_ENTITY))
        }
    }
}

#[derive(Deserialize)]
struct Done {
    #[serde(default)]
    done: Option<String>,
}

async fn show(
    account: ProviderAccount,
    State(state): State<AppState>,
    Path(id): Path<String>,
    Query(done): Query<Done>,
) -> Result<Response, AppError> {
    let found = match Uuid::parse_str(&id) {
        Ok(id) => state.store.self_assessment(id, &account.services).await?,
        Err(_) => None,
    };
    let Some(assessment) = found else { return not_found(&account) };
    Ok(pages::self_assessment(&account.session, assessment, done.done.as_deref()).into_response())
}

#[derive(Deserialize)]
struct SharePost {
    #[serde(default)]
    csrf: String,
}

async fn share(
    account: ProviderAccount,
    State(state): State<AppState>,
    Path(id): Path<String>,
    headers: HeaderMap,
    Form(post): Form<SharePost>,
) -> Result<Response, AppError> {
    account.check_post(&headers, &post.csrf)?;
    let Ok(uuid) = Uuid::parse_str(&id) else { return not_found(&account) };
    if !state.store.share_self_assessment(uuid, &account.services, Utc::now()).await? {
        return not_found(&account);
    }
    Ok(Redirect::to(&format!("/provider/self-assessments/{uuid}?done=shared")).into_response())
}

fn render_form(account: &ProviderAccount, form: SelfAssessmentForm, status: StatusCode) -> Response {
    match forms::latest(SELF_ASSESSMENT_FORM) {
        Some(definition) => (status, pages::self_assessment_form(&account.session, definition, form)).into_response(),
        None => not_found(account).unwrap_or_else(IntoResponse::into_response),
    }
}
