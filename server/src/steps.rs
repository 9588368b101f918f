//! The step decision: whether a step someone asks for on an observation (from
//! its page's form or the JSON API) follows from the workflow in
//! `app::domain::triage` and from the version they saw, and if so the new
//! status and the audit line, written together. Below HTTP: each caller
//! shows a refusal its own way (`http::triage::steps` for pages, the API's
//! error body).

use app::domain::{
    forms::Severity,
    providers::reply_due,
    triage::{parse_note, Outcome, Status, Step},
};
use chrono::{DateTime, Utc};
use serde::Deserialize;
use uuid::Uuid;

use crate::store::{Observation, SharedStore, Sharing, StaffSession, StepApplied, StoreError, TriageChange, TriageEvent, User};

/// What a step names; every field is checked before anything is written.
#[derive(Clone, Debug, Default, Deserialize)]
pub struct StepRequest {
    #[serde(default)]
    pub step: String,
    #[serde(default)]
    pub officer: String,
    #[serde(default)]
    pub outcome: String,
    #[serde(default)]
    pub note: String,
    /// The note may be read by the visitor who sent the observation.
    #[serde(default)]
    pub share_with_visitor: bool,
}

/// Which part of a step was refused, so each caller can point at its own field.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum StepField {
    Officer,
    Outcome,
    Note,
}

/// Why a step was not taken. Nothing was written.
#[derive(Debug)]
pub enum StepRefused {
    NotFound,
    /// 400: a step the workflow does not know.
    Unknown(&'static str),
    /// 422: a missing or unreadable part.
    Invalid(StepField, String),
    /// 409: someone else acted first, or the step does not follow from the status.
    Conflict(String),
}

const STALE: &str = "Someone else changed this observation while you were looking at it. Check the timeline, \
    then try again: what you typed is still here.";

/// Checks a step against the workflow and, if it follows from the version the
/// person saw, applies it with its audit line; the new version when it did.
pub async fn apply_step(
    store: &SharedStore,
    reply_window_days: u32,
    staff: &StaffSession,
    id: Uuid,
    seen_version: Option<i64>,
    request: &StepRequest,
) -> Result<Result<(i64, Status), StepRefused>, StoreError> {
    let Some(current) = store.observation(id).await? else {
        return Ok(Err(StepRefused::NotFound));
    };
    let officers = store.users().await?;
    let step = match parse_step(request, &officers) {
        Ok(step) => step,
        Err(refused) => return Ok(Err(refused)),
    };
    if seen_version != Some(current.version) {
        return Ok(Err(StepRefused::Conflict(STALE.to_owned())));
    }
    let next = match step.from(current.status) {
        Ok(next) => next,
        Err(message) => return Ok(Err(StepRefused::Conflict(message.to_owned()))),
    };
    if let Err(message) = may_tell_the_home(&step, &current) {
        return Ok(Err(StepRefused::Conflict(message)));
    }
    let note = match parse_note(&step, &request.note, request.share_with_visitor) {
        Ok(note) => note,
        Err(err) => return Ok(Err(StepRefused::Invalid(StepField::Note, err.message))),
    };
    let change = change_for(&officers, staff, &step, (current.status, next), note, request.share_with_visitor);
    let change = TriageChange { share: sharing_for(&step, change.event.at, reply_window_days), ..change };
    Ok(match store.apply_step(id, current.version, &change).await? {
        StepApplied::Done(version) => {
            tracing::info!(observation = %id, step = change.event.kind, user = staff.user.id, "triage step");
            Ok((version, next))
        }
        StepApplied::Stale => Err(StepRefused::Conflict(STALE.to_owned())),
        StepApplied::NotFound => Err(StepRefused::NotFound),
    })
}

/// An observation goes to its home once; only an all-good one as a compliment.
fn may_tell_the_home(step: &Step, current: &Observation) -> Result<(), String> {
    if !matches!(step, Step::ShareWithProvider | Step::SendCompliment) {
        return Ok(());
    }
    if let Some(sharing) = &current.sharing {
        return Err(format!("This observation was already sent to the home on {}.", sharing.at.format("%-d %B %Y")));
    }
    if *step == Step::SendCompliment && current.submission.receipt.severity != Severity::Green {
        return Err("Only an all-good (green) observation can be sent as a compliment. Share it with the home instead.".to_owned());
    }
    Ok(())
}

/// What sharing with the home records: when, and by when it should reply.
fn sharing_for(step: &Step, at: DateTime<Utc>, window_days: u32) -> Option<Sharing> {
    let compliment = match step {
        Step::ShareWithProvider => false,
        Step::SendCompliment => true,
        _ => return None,
    };
    let reply_due_at = (!compliment).then(|| reply_due(at, window_days));
    Some(Sharing { at, compliment, reply_due_at, replied_at: None })
}

/// The step a request names, or what is missing from it.
fn parse_step(request: &StepRequest, officers: &[User]) -> Result<Step, StepRefused> {
    match request.step.as_str() {
        "assign" => match request.officer.parse::<i64>().ok().filter(|id| officers.iter().any(|o| o.id == *id)) {
            Some(officer) => Ok(Step::Assign { officer }),
            None => Err(StepRefused::Invalid(StepField::Officer, "Choose the officer who will handle this observation".to_owned())),
        },
        "outcome" => match Outcome::parse(&request.outcome) {
            Some(outcome) => Ok(Step::RecordOutcome(outcome)),
            None => Err(StepRefused::Invalid(StepField::Outcome, "Select the outcome".to_owned())),
        },
        "note" => Ok(Step::Note),
        "share" => Ok(Step::ShareWithProvider),
        "compliment" => Ok(Step::SendCompliment),
        "close" => Ok(Step::Close),
        "reopen" => Ok(Step::Reopen),
        _ => Err(StepRefused::Unknown("This action is not known. Reload the page and try again.")),
    }
}

/// The new state and the audit line for a step that passed its checks.
fn change_for(
    officers: &[User],
    staff: &StaffSession,
    step: &Step,
    (from, to): (Status, Status),
    note: String,
    shared: bool,
) -> TriageChange {
    let now = Utc::now();
    let (assignee, detail) = match step {
        Step::Assign { officer } => {
            let name = officers.iter().find(|u| u.id == *officer).map(|u| u.name.clone()).unwrap_or_default();
            (Some(*officer), name)
        }
        Step::RecordOutcome(outcome) => (None, outcome.label().to_owned()),
        _ => (None, String::new()),
    };
    TriageChange {
        status: to,
        assignee,
        outcome: match step {
            Step::RecordOutcome(outcome) => Some(*outcome),
            _ => None,
        },
        acknowledged_at: (from == Status::New && to != Status::New).then_some(now),
        // Set by the caller, which knows the reply window.
        share: None,
        user_id: staff.user.id,
        event: TriageEvent {
            at: now,
            user_name: staff.user.name.clone(),
            kind: step.kind(from).to_owned(),
            detail,
            note,
            shared_with_visitor: shared,
        },
    }
}
