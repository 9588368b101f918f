//! The shapes of the triage JSON API, version 1: what its handlers
//! (`triage::api`) take and give, as the OpenAPI document describes them.
//! Fields are only ever added to v1.

use app::domain::{
    concerns::ConcernStatus,
    forms::{Severity, Summary},
    submission::reference,
    triage::{Outcome, ResponseTargets, Status},
};
use chrono::{DateTime, FixedOffset, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use crate::store::{ConcernSummary, InboxItem, TriageEvent};

/// The logged-in member of staff.
#[derive(Serialize, ToSchema)]
pub struct Me {
    pub id: i64,
    pub name: String,
    pub email: String,
    /// `commissioner` or `admin`.
    pub role: String,
    /// Send it back in `X-CSRF-Token` with each step.
    pub csrf_token: String,
}

/// Someone an observation can be assigned to.
#[derive(Serialize, ToSchema)]
pub struct Officer {
    pub id: i64,
    pub name: String,
}

/// The inbox's filters, exactly as the inbox page takes them in its address.
#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[allow(dead_code)] // documentation only: the handler reads the pairs, as repeated keys need
pub struct Filters {
    /// `red`, `amber` or `green`; repeat the key for more than one.
    severity: Option<Vec<String>>,
    /// `open` (the default: all but closed), `all`, `new`, `triaged`, `action` or `closed`.
    status: Option<String>,
    /// A service's CQC location ID.
    service: Option<String>,
    /// An area rated with some or serious concerns: `appearance`, `environment`, `interaction` or `staffing`.
    area: Option<String>,
    /// The visitor's role, as the form's code (`gp`, `nurse`, …).
    role: Option<String>,
    /// Words that must all appear in the answers.
    q: Option<String>,
    /// Received on or after this date (YYYY-MM-DD).
    from: Option<String>,
    /// Received on or before this date (YYYY-MM-DD).
    to: Option<String>,
    /// `yes`: only those assigned to me.
    mine: Option<String>,
    /// From 1.
    page: Option<u32>,
}

/// One page of the inbox, most urgent first.
#[derive(Serialize, ToSchema)]
pub struct ObservationList {
    pub items: Vec<ObservationSummary>,
    /// How many match the filters, on every page.
    pub total: u64,
    pub page: u32,
    pub per_page: u32,
}

/// An inbox row.
#[derive(Serialize, ToSchema)]
pub struct ObservationSummary {
    pub id: Uuid,
    /// What the visitor's phone showed them ("D3481218"); a search for it finds this.
    pub reference: String,
    pub service_location_id: String,
    pub service_name: String,
    /// Empty when the service has left the register.
    pub town: String,
    pub severity: Severity,
    /// Why: "Serious concerns: staffing".
    pub severity_reason: String,
    /// Someone may be at immediate risk of harm: first in the inbox until acknowledged.
    pub risk_of_harm: bool,
    pub status: Status,
    pub assigned_to: Option<String>,
    pub received_at: DateTime<Utc>,
    /// Not acknowledged within its response target.
    pub overdue: bool,
    /// Shared with its home, which did not reply within the window.
    pub reply_overdue: bool,
    pub form_id: String,
    pub form_version: u32,
    /// As the visitor gave it (YYYY-MM-DD), when the form asks.
    pub visit_date: Option<String>,
    /// The visitor's role as enrolled, by code ("gp").
    pub visitor_role: String,
}

impl ObservationSummary {
    /// An inbox row, overdue by the unit's response targets at `now`.
    pub fn new(item: InboxItem, targets: &ResponseTargets, now: DateTime<Utc>) -> Self {
        Self {
            overdue: targets.is_overdue(item.severity, item.status, item.received_at, now),
            reference: reference(item.id),
            id: item.id,
            service_location_id: item.service.as_str().to_owned(),
            service_name: item.service_name,
            town: item.town,
            severity: item.severity,
            severity_reason: item.severity_reason,
            risk_of_harm: item.risk_of_harm,
            reply_overdue: item.reply_overdue,
            status: item.status,
            assigned_to: item.assignee,
            received_at: item.received_at,
            form_id: item.form_id,
            form_version: item.form_version,
            visit_date: item.visit_date,
            visitor_role: item.visitor_role,
        }
    }
}

/// An observation with everything the unit knows of it.
#[derive(Serialize, ToSchema)]
pub struct ObservationDetail {
    pub id: Uuid,
    /// What the visitor's phone showed them ("D3481218"); a search for it finds this.
    pub reference: String,
    /// Send it with a step: the step is refused if the observation changed since.
    pub version: i64,
    pub status: Status,
    pub severity: Severity,
    pub severity_reason: String,
    /// Someone may be at immediate risk of harm.
    pub risk_of_harm: bool,
    pub service_location_id: String,
    pub service_name: Option<String>,
    pub form_id: String,
    pub form_version: u32,
    /// The phone's clock when it was sent, with its offset; null when the
    /// stored value could not be read as a date.
    pub submitted_at: Option<DateTime<FixedOffset>>,
    pub received_at: DateTime<Utc>,
    pub overdue: bool,
    pub visitor: Visitor,
    pub assigned_to: Option<Officer>,
    pub outcome: Option<Outcome>,
    /// The questions and answers, in words, in the form's order.
    pub answers: Vec<AnswerInWords>,
    /// A checklist's own summary (domain, indicator or theme ratings and an overall); none for the feedback form.
    pub summary: Option<Summary>,
    /// The audit trail, oldest first.
    pub timeline: Vec<TimelineEntry>,
}

/// Who sent an observation.
#[derive(Serialize, ToSchema)]
pub struct Visitor {
    pub name: String,
    pub role: String,
    pub organisation: String,
}

#[derive(Serialize, ToSchema)]
pub struct AnswerInWords {
    pub question: String,
    pub answer: String,
}

/// One step in the audit trail.
#[derive(Serialize, ToSchema)]
pub struct TimelineEntry {
    pub at: DateTime<Utc>,
    pub by: String,
    /// What was done: "Acknowledged and assigned", "Note added", …
    pub action: String,
    /// The officer assigned or the outcome recorded, if any.
    pub detail: String,
    pub note: String,
    /// The visitor who sent the observation may read the note.
    pub shared_with_visitor: bool,
}

impl From<TriageEvent> for TimelineEntry {
    fn from(event: TriageEvent) -> Self {
        Self {
            at: event.at,
            by: event.user_name,
            action: event.kind,
            detail: event.detail,
            note: event.note,
            shared_with_visitor: event.shared_with_visitor,
        }
    }
}

/// A step to take on an observation.
#[derive(Deserialize, ToSchema)]
pub struct StepBody {
    /// The version the step is based on (from the observation).
    pub version: i64,
    /// `assign` (acknowledges a new observation), `note`, `outcome`, `close`, `reopen`, `share`
    /// (with the home, which may then reply) or `compliment` (an all-good observation, to its home).
    pub step: String,
    /// For `assign`: the officer's id (see `/api/v1/triage/officers`).
    #[serde(default)]
    pub officer: Option<i64>,
    /// For `outcome`.
    #[serde(default)]
    pub outcome: Option<Outcome>,
    /// Required for `note` and `reopen`, and when shared; at most 2,000 characters.
    #[serde(default)]
    pub note: String,
    /// Lets the visitor who sent the observation read the note (on their
    /// phone, with the observation's state); not shared unless set.
    #[serde(default)]
    pub share_with_visitor: bool,
}

/// Where the observation stands after a step.
#[derive(Serialize, ToSchema)]
pub struct StepTaken {
    pub version: i64,
    pub status: Status,
}

/// A service's picture from its observations.
#[derive(Serialize, ToSchema)]
pub struct ServicePicture {
    pub location_id: String,
    pub name: String,
    /// Every observation, by severity.
    pub red: u64,
    pub amber: u64,
    pub green: u64,
    /// Observations not yet closed.
    pub open: u64,
    /// Why the service is flagged for a pattern of concerns, if it is.
    pub pattern: Option<String>,
    /// How each area was rated, per month received.
    pub areas: Vec<AreaRatings>,
    /// The latest observations, newest first.
    pub recent: Vec<ObservationSummary>,
    /// The newest submission of each checklist about the service, with its summary.
    pub checklists: Vec<ChecklistSummary>,
}

/// One checklist's newest submission about a service.
#[derive(Serialize, ToSchema)]
pub struct ChecklistSummary {
    /// The observation's id.
    pub id: Uuid,
    pub form_id: String,
    pub form_version: u32,
    pub form_title: String,
    pub received_at: DateTime<Utc>,
    pub summary: Summary,
}

/// How often one area got one rating in one month.
#[derive(Serialize, ToSchema)]
pub struct AreaRatings {
    /// `appearance`, `environment`, `interaction` or `staffing`.
    pub area: String,
    pub label: String,
    /// YYYY-MM.
    pub month: String,
    /// `good`, `some_concerns`, `serious_concerns` or `not_observed`.
    pub rating: String,
    pub count: u32,
}

/// A concern in a list: related observations about one home, worked as one.
#[derive(Serialize, ToSchema)]
pub struct ConcernBrief {
    pub id: i64,
    pub title: String,
    pub status: ConcernStatus,
    pub service_location_id: String,
    pub service_name: String,
    pub assigned_to: Option<String>,
    pub observations: u32,
    pub created_at: DateTime<Utc>,
}

impl From<ConcernSummary> for ConcernBrief {
    fn from(concern: ConcernSummary) -> Self {
        Self {
            id: concern.id,
            title: concern.title,
            status: concern.status,
            service_location_id: concern.service.as_str().to_owned(),
            service_name: concern.service_name,
            assigned_to: concern.assignee,
            observations: concern.observations,
            created_at: concern.created_at,
        }
    }
}

/// A concern with its observations and its trail.
#[derive(Serialize, ToSchema)]
pub struct ConcernDetail {
    #[serde(flatten)]
    pub concern: ConcernBrief,
    /// Send it with a step: the step is refused if the concern changed since.
    pub version: i64,
    /// Oldest first.
    pub items: Vec<ObservationSummary>,
    pub trail: Vec<TimelineEntry>,
}

/// Starts a concern with one observation; its home is the observation's.
#[derive(Deserialize, ToSchema)]
pub struct NewConcernBody {
    pub observation: Uuid,
    /// One line, at most 120 characters.
    pub title: String,
}

/// Adds an observation about the same home to an open concern.
#[derive(Deserialize, ToSchema)]
pub struct AddToConcernBody {
    pub observation: Uuid,
}

/// A step to take on a concern.
#[derive(Deserialize, ToSchema)]
pub struct ConcernStepBody {
    /// The version the step is based on (from the concern).
    pub version: i64,
    /// `assign`, `note`, `close` or `reopen`.
    pub step: String,
    /// For `assign`: the officer's id.
    #[serde(default)]
    pub officer: Option<i64>,
    /// Required for `note`; at most 2,000 characters.
    #[serde(default)]
    pub note: String,
}

/// Where the concern stands after a step.
#[derive(Serialize, ToSchema)]
pub struct ConcernStepTaken {
    pub version: i64,
    pub status: ConcernStatus,
}
