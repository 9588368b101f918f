//! A care home's own pages (`/provider`): its homes, the observations the
//! unit shared with it, its replies and its action plan. A provider account
//! reads only its own services' observations, and only those shared: any
//! other id is "not found", the same as one that does not exist.

use std::collections::HashMap;

use app::domain::{
    providers::{parse_done_on, parse_reply, NewAction},
    register::CqcLocationId,
    FieldError,
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

use super::{error::AppError, staff::ProviderAccount, AppState};
use crate::store::{ActionDone, DoneMarked, NewReply, SharedObservation};

mod pages;
mod self_assessments;

use pages::ProviderProblem;

pub fn router() -> Router<AppState> {
    Router::new()
        .merge(self_assessments::router())
        .route("/provider", get(home))
        .route("/provider/observations/{id}", get(observation))
        .route("/provider/observations/{id}/replies", post(reply))
        .route("/provider/observations/{id}/actions", post(add_action))
        .route("/provider/observations/{id}/actions/{action}/done", post(action_done))
}

async fn home(account: ProviderAccount, State(state): State<AppState>) -> Result<Response, AppError> {
    let items = state.store.shared_with_homes(&account.services).await?;
    let homes = home_names(&state, &account.services).await?.into_iter().map(|(_, name)| name).collect();
    Ok(pages::provider_home(&account.session, homes, items, Utc::now()).into_response())
}

/// Each of these services with its name and town.
async fn home_names(state: &AppState, services: &[CqcLocationId]) -> Result<Vec<(CqcLocationId, String)>, AppError> {
    let mut homes = Vec::with_capacity(services.len());
    for id in services {
        homes.push((id.clone(), home_name(state, id).await?));
    }
    Ok(homes)
}

/// A service's name and town; its ID if it left the register.
async fn home_name(state: &AppState, service: &CqcLocationId) -> Result<String, AppError> {
    Ok(state.store.service(service).await?.map_or_else(|| service.as_str().to_owned(), |s| s.name_and_town()))
}

/// `?done=reply|action|done`: what was just saved, so the page can say so.
#[derive(Deserialize)]
struct Done {
    #[serde(default)]
    done: Option<String>,
}

async fn observation(
    account: ProviderAccount,
    State(state): State<AppState>,
    Path(id): Path<String>,
    Query(done): Query<Done>,
) -> Result<Response, AppError> {
    let Some(shared) = shared(&state, &account, &id).await? else { return not_found(&account) };
    Ok(pages::provider_observation(&account.session, shared, None, done.done.as_deref(), Utc::now()).into_response())
}

/// The observation's page again, with the problem of the form just posted.
fn refused(account: &ProviderAccount, shared: SharedObservation, problem: ProviderProblem) -> Result<Response, AppError> {
    let page = pages::provider_observation(&account.session, shared, Some(problem), None, Utc::now());
    Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
}

#[derive(Deserialize)]
struct ReplyPost {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    reply: String,
}

async fn reply(
    account: ProviderAccount,
    State(state): State<AppState>,
    Path(id): Path<String>,
    headers: HeaderMap,
    Form(post): Form<ReplyPost>,
) -> Result<Response, AppError> {
    account.check_post(&headers, &post.csrf)?;
    let Some(shared) = shared(&state, &account, &id).await? else { return not_found(&account) };
    let now = Utc::now();
    let due = (!shared.item.compliment).then_some(shared.item.reply_due_at).flatten();
    match parse_reply(&post.reply, due, now) {
        Ok(text) => {
            let reply = NewReply { user_id: account.session.user.id, user_name: account.session.user.name.clone(), at: now, text };
            state.store.add_reply(shared.item.id, &reply).await?;
            tracing::info!(observation = %shared.item.id, user = account.session.user.id, "provider replied");
            Ok(Redirect::to(&format!("/provider/observations/{}?done=reply", shared.item.id)).into_response())
        }
        Err(problem) => {
            let typed = HashMap::from([("reply".to_owned(), post.reply)]);
            refused(&account, shared, ProviderProblem { form: "reply".to_owned(), problems: vec![problem], typed })
        }
    }
}

#[derive(Deserialize)]
struct ActionPost {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    what: String,
    #[serde(default)]
    who: String,
    #[serde(default, rename = "due-day")]
    day: String,
    #[serde(default, rename = "due-month")]
    month: String,
    #[serde(default, rename = "due-year")]
    year: String,
}

async fn add_action(
    account: ProviderAccount,
    State(state): State<AppState>,
    Path(id): Path<String>,
    headers: HeaderMap,
    Form(post): Form<ActionPost>,
) -> Result<Response, AppError> {
    account.check_post(&headers, &post.csrf)?;
    let Some(shared) = shared(&state, &account, &id).await? else { return not_found(&account) };
    let today = Utc::now().date_naive();
    match NewAction::parse(&post.what, &post.who, &post.day, &post.month, &post.year, today) {
        Ok(action) => {
            state.store.add_action(shared.item.id, &action, &account.session.user.name, Utc::now()).await?;
            Ok(Redirect::to(&format!("/provider/observations/{}?done=action#plan", shared.item.id)).into_response())
        }
        Err(problems) => {
            let typed = HashMap::from([
                ("what".to_owned(), post.what),
                ("who".to_owned(), post.who),
                ("due-day".to_owned(), post.day),
                ("due-month".to_owned(), post.month),
                ("due-year".to_owned(), post.year),
            ]);
            // The date's problem belongs to its first box, where the summary's link lands.
            let problems = problems.into_iter().map(|p| if p.field == "due" { FieldError::new("due-day", p.message) } else { p }).collect();
            refused(&account, shared, ProviderProblem { form: "action".to_owned(), problems, typed })
        }
    }
}

#[derive(Deserialize)]
struct DonePost {
    #[serde(default)]
    csrf: String,
    #[serde(default, rename = "done-day")]
    day: String,
    #[serde(default, rename = "done-month")]
    month: String,
    #[serde(default, rename = "done-year")]
    year: String,
}

async fn action_done(
    account: ProviderAccount,
    State(state): State<AppState>,
    Path((id, action)): Path<(String, String)>,
    headers: HeaderMap,
    Form(post): Form<DonePost>,
) -> Result<Response, AppError> {
    account.check_post(&headers, &post.csrf)?;
    let Some(shared) = shared(&state, &account, &id).await? else { return not_found(&account) };
    let Some(action) = action.parse::<i64>().ok().filter(|n| shared.actions.iter().any(|a| a.id == *n)) else {
        return not_found(&account);
    };
    let form = format!("done-{action}");
    let done_on = match parse_done_on(&post.day, &post.month, &post.year, Utc::now().date_naive()) {
        Ok(done_on) => done_on,
        Err(problem) => {
            let problem = FieldError::new(&format!("{form}-day"), problem.message);
            let typed = HashMap::from([
                (format!("{form}-day"), post.day),
                (format!("{form}-month"), post.month),
                (format!("{form}-year"), post.year),
            ]);
            return refused(&account, shared, ProviderProblem { form, problems: vec![problem], typed });
        }
    };
    let done = ActionDone { done_on, by: account.session.user.name.clone(), at: Utc::now() };
    match state.store.mark_action_done(shared.item.id, action, &done).await? {
        DoneMarked::Done | DoneMarked::AlreadyDone => {
            Ok(Redirect::to(&format!("/provider/observations/{}?done=done#plan", shared.item.id)).into_response())
        }
        DoneMarked::NotFound => not_found(&account),
    }
}

/// The observation, if it was shared with one of this account's homes.
async fn shared(state: &AppState, account: &ProviderAccount, id: &str) -> Result<Option<SharedObservation>, AppError> {
    match Uuid::parse_str(id) {
        Ok(id) => Ok(state.store.shared_observation(id, &account.services).await?),
        Err(_) => Ok(None),
    }
}

/// What a provider gets for anything not its own to see: the same as for what does not exist.
fn not_found(account: &ProviderAccount) -> Result<Response, AppError> {
    Ok((StatusCode::NOT_FOUND, pages::provider_not_found(&account.session)).into_response())
}
