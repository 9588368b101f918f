//! Taking in submissions, however they arrive (`/api/v1/submissions`,
//! `/api/v1/sync`, the "Send" button of the no-JavaScript journey): each is
//! validated against its exact form version, assessed, stored once and
//! announced to open inboxes. The outcome is in domain terms; the HTTP
//! handlers choose the status codes.

use app::domain::{
    forms::{self, Answer, FormDefinition, QuestionKind, Severity},
    register::CqcLocationId,
    submission::{Receipt, SubmissionRequest},
    FieldError,
};
use chrono::{NaiveDate, Utc};

use crate::{
    arrivals::Arrivals,
    credentials::hash_secret,
    store::{AlertChannel, Device, NewSubmission, Recorded, SharedStore, StoreError},
};

/// The channels a red observation's alert is queued for; none when alerts are off.
#[derive(Clone, Debug, Default)]
pub struct AlertChannels(pub Vec<AlertChannel>);

/// What became of one submission.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Intake {
    /// Stored now.
    Accepted(Receipt),
    /// Stored before, with the same content: the first receipt.
    AlreadyReceived(Receipt),
    /// Not stored, and sending it again will not help.
    Refused(Refusal),
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Refusal {
    /// Answers (or the device's clock) that need correcting, each by field.
    Invalid(Vec<FieldError>),
    /// Another submission already has this id.
    IdTaken,
}

impl Refusal {
    pub fn reason(&self) -> &'static str {
        match self {
            Self::Invalid(_) => "Some answers need correcting.",
            Self::IdTaken => "A different submission with this id was already received.",
        }
    }
}

/// Takes in every request of one device, in order: one outcome each. The
/// valid ones are stored together, and the storing and announcing run in a
/// task of their own, so a client that goes away mid-request never cuts
/// short the work after the commit.
pub async fn take_in(
    store: &SharedStore,
    arrivals: &Arrivals,
    alerts: &AlertChannels,
    device: &Device,
    requests: &[SubmissionRequest],
) -> Result<Vec<Intake>, StoreError> {
    // Per request, the question naming its service if it passed its checks
    // (a service the register lacks is reported there), or why it did not.
    let mut valid = Vec::new();
    let checked: Vec<Result<&'static str, Refusal>> = requests
        .iter()
        .map(|request| {
            check(device, request, alerts).map(|(submission, service_question)| {
                valid.push(submission);
                service_question
            })
        })
        .collect();
    let (store, arrivals, device_id) = (store.clone(), arrivals.clone(), device.id);
    let stored = tokio::spawn(async move {
        let recorded = store.record_submissions(valid).await?;
        let new: Vec<_> = recorded.iter().filter_map(|r| if let Recorded::New(receipt) = r { Some(receipt.id) } else { None }).collect();
        if !new.is_empty() {
            tracing::info!(device = %device_id, accepted = new.len(), "submissions recorded");
            arrivals.announce(&new);
        }
        Ok::<_, StoreError>(recorded)
    })
    .await
    .map_err(|err| StoreError::Corrupt(format!("the intake task failed: {err}")))??;
    let mut stored = stored.into_iter();
    checked
        .into_iter()
        .map(|checked| match checked {
            Err(refusal) => Ok(Intake::Refused(refusal)),
            Ok(service_question) => match stored.next() {
                Some(Recorded::New(receipt)) => Ok(Intake::Accepted(receipt)),
                Some(Recorded::AlreadyReceived(receipt)) => Ok(Intake::AlreadyReceived(receipt)),
                Some(Recorded::Conflict) => Ok(Intake::Refused(Refusal::IdTaken)),
                Some(Recorded::UnknownService) => {
                    Ok(Intake::Refused(Refusal::Invalid(vec![FieldError::new(service_question, "Select a service from the register")])))
                }
                None => Err(StoreError::Corrupt("fewer outcomes than submissions".to_owned())),
            },
        })
        .collect()
}

/// Validates and assesses one request, with the question that names its
/// service, or says why it cannot be stored.
fn check(device: &Device, request: &SubmissionRequest, alerts: &AlertChannels) -> Result<(NewSubmission, &'static str), Refusal> {
    let invalid = |problem: FieldError| Refusal::Invalid(vec![problem]);
    request.check_clock(Utc::now()).map_err(invalid)?;
    let form =
        forms::find(&request.form_id, request.form_version).ok_or_else(|| invalid(unknown_form(&request.form_id, request.form_version)))?;
    let answers = form.validate(&request.answers, latest_date_on_earth()).map_err(Refusal::Invalid)?;
    let (service_question, service) = service_of(form, &answers).map_err(invalid)?;
    let assessment = form.assess(&answers);
    // Every risk-of-harm report is red (a definition's check makes sure), so red is the one rule.
    let alerts = if assessment.severity == Severity::Red { alerts.0.clone() } else { Vec::new() };
    let submission = NewSubmission {
        id: request.id,
        device_id: device.id,
        form_id: request.form_id.clone(),
        form_version: request.form_version,
        service,
        assessment,
        alerts,
        answers,
        content_hash: content_hash(request),
        submitted_at: request.submitted_at,
        received_at: Utc::now(),
    };
    Ok((submission, service_question))
}

fn unknown_form(id: &str, version: u32) -> FieldError {
    match forms::latest(id) {
        None => FieldError::new("form_id", "This form is not known to the server"),
        Some(_) => FieldError::new("form_version", format!("Version {version} of this form is not known to the server")),
    }
}

/// The visit date may be "today" wherever the phone is; the latest calendar
/// date anywhere (UTC+14) keeps a just-after-midnight visit from being refused.
pub fn latest_date_on_earth() -> NaiveDate {
    (Utc::now() + chrono::Duration::hours(14)).date_naive()
}

/// Every form is about one service: the answer to its service picker.
fn service_of(form: &'static FormDefinition, answers: &forms::Answers) -> Result<(&'static str, CqcLocationId), FieldError> {
    let question = form
        .questions()
        .find(|q| matches!(q.kind, QuestionKind::ServicePicker))
        .ok_or_else(|| FieldError::new("form_id", "This form does not say which service it is about"))?;
    match answers.get(&question.id) {
        Some(Answer::Service(id)) => Ok((question.id.as_str(), id.clone())),
        _ => Err(FieldError::new(&question.id, "Select a service from the register")),
    }
}

/// Hash of what was answered (answers are a sorted map, so the same content
/// always serialises the same way). The device's clock is left out: a retry
/// stamped a second later is still the same observation.
fn content_hash(request: &SubmissionRequest) -> String {
    let content = (&request.form_id, request.form_version, &request.answers);
    hash_secret(&serde_json::to_string(&content).unwrap_or_default())
}
