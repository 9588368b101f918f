//! Fictional demo observations and a demo commissioner, so `serve --demo`
//! shows a working inbox. Loaded only while no observation exists. Every
//! name is invented; the observations go through the same validation and
//! severity rules as real ones.

use anyhow::Context;
use app::domain::{
    accounts::{Email, Role, StaffName},
    device::{OrganisationName, ProfessionalName, ProfessionalRole},
    forms::{self, RawAnswers, RawValue, PROFESSIONAL_FEEDBACK},
    register::CqcLocationId,
    triage::{Outcome, Status, Step},
};
use chrono::{Duration, Utc};
use uuid::Uuid;

use crate::{
    credentials::{hash_password, hash_secret, new_access_code, new_device_token, new_password},
    store::{InboxFilter, NewDevice, NewSubmission, NewUser, StepApplied, Store, TriageChange, TriageEvent},
};

pub const OBSERVATIONS: u32 = 36;
pub const COMMISSIONER_EMAIL: &str = "commissioner@example.org";

const COMMENTS: [&str; 6] = [
    "Residents waited a long time for help at lunch.",
    "The lounge was cold and the television was very loud.",
    "Staff were kind but clearly rushed.",
    "Only one carer on the floor for most of the visit.",
    "Call bells rang for several minutes without an answer.",
    "Medication round was running two hours late.",
];

/// What was loaded: how many observations, and the demo login.
pub struct DemoTriage {
    pub observations: u32,
    pub email: &'static str,
    pub password: String,
}

/// Loads the demo observations and accounts if there are no observations yet.
pub async fn load_if_empty(store: &dyn Store) -> anyhow::Result<Option<DemoTriage>> {
    let everything = InboxFilter { statuses: Status::ALL.to_vec(), ..InboxFilter::default() };
    if store.inbox(&everything, 1, 1).await?.total > 0 || store.register_size().await? == 0 {
        return Ok(None);
    }
    let password = new_password();
    let commissioner = add_user(store, COMMISSIONER_EMAIL, "Demo Commissioner", Role::Commissioner, &password).await?;
    add_user(store, "officer@example.org", "Demo Officer", Role::Commissioner, &new_password()).await?;
    let device = add_device(store).await?;
    let form = forms::latest(PROFESSIONAL_FEEDBACK).context("the feedback form is missing")?;
    for index in 0..OBSERVATIONS {
        let received = Utc::now() - Duration::hours(i64::from(index) * 41 + 2);
        let answers = form
            .validate(&demo_answers(index, received.date_naive()), received.date_naive())
            .map_err(|problems| anyhow::anyhow!("demo answers are invalid: {problems:?}"))?;
        let id = Uuid::new_v4();
        let submission = NewSubmission {
            id,
            device_id: device,
            form_id: form.id.as_str().to_owned(),
            form_version: form.version,
            service: CqcLocationId::parse(&format!("1-{:09}", index % 83 % 12 + 1))?,
            assessment: form.assess(&answers),
            answers,
            content_hash: id.to_string(),
            submitted_at: (received - Duration::minutes(20)).fixed_offset(),
            received_at: received,
            // Demo observations are history: they raise no alerts.
            alerts: Vec::new(),
        };
        store.record_submission(&submission).await?;
        // The older half has been worked on, so the timeline has something to show.
        if index >= OBSERVATIONS / 2 {
            work_through(store, id, commissioner, received).await?;
        }
    }
    Ok(Some(DemoTriage { observations: OBSERVATIONS, email: COMMISSIONER_EMAIL, password }))
}

async fn add_user(store: &dyn Store, email: &str, name: &str, role: Role, password: &str) -> anyhow::Result<i64> {
    let user = NewUser {
        email: Email::parse(email)?,
        name: StaffName::parse(name)?,
        role,
        password_hash: hash_password(password).map_err(|err| anyhow::anyhow!("cannot hash: {err}"))?,
    };
    Ok(store.add_user(&user).await?)
}

async fn add_device(store: &dyn Store) -> anyhow::Result<Uuid> {
    let name = OrganisationName::parse("Demo Surgery (fictional)")?;
    let organisation = store.add_organisation(&name, &hash_secret(&new_access_code())).await?;
    let device = NewDevice {
        id: Uuid::new_v4(),
        organisation_id: organisation,
        token_hash: hash_secret(&new_device_token()),
        name: ProfessionalName::parse("Dr Demo (fictional)")?,
        role: ProfessionalRole::parse("gp")?,
        token_expires_at: chrono::Utc::now() + chrono::Duration::days(180),
    };
    store.enrol_device(&device).await?;
    Ok(device.id)
}

/// A varied but repeatable set of answers: mostly good, some concerns, a
/// few serious ones and one risk of harm.
fn demo_answers(index: u32, visited: chrono::NaiveDate) -> RawAnswers {
    let one = |value: &str| RawValue::One(value.to_owned());
    let rating = |area: u32| match (index + area) % 9 {
        0 => "serious_concerns",
        1 | 4 => "some_concerns",
        7 => "not_observed",
        _ => "good",
    };
    let mut raw = RawAnswers::default();
    raw.set("service", one(&format!("1-{:09}", index % 83 % 12 + 1)));
    raw.set("visit_date", one(&visited.to_string()));
    raw.set("visit_time", one(["morning", "afternoon", "evening"][index as usize % 3]));
    raw.set("role", one(["gp", "district_nurse", "paramedic", "pharmacist"][index as usize % 4]));
    raw.set("organisation", one("Demo Surgery (fictional)"));
    let mut concerned = false;
    for (area, question) in ["appearance", "environment", "interaction", "staffing"].into_iter().enumerate() {
        let value = rating(area as u32 * 2);
        raw.set(question, one(value));
        if value.ends_with("concerns") {
            concerned = true;
            raw.set(&forms::comment_field(question), one(COMMENTS[(index as usize + area) % COMMENTS.len()]));
        }
    }
    if concerned {
        raw.set("concern_types", RawValue::Many(vec!["slow_response".into(), "lack_of_supervision".into()]));
    }
    raw.set("risk_of_harm", one(if index == 3 { "yes" } else { "no" }));
    if index == 3 {
        raw.set("risk_called", one("called"));
    }
    raw.set("shared_with_staff", one("yes"));
    raw.set("shared_with_role", one("Registered manager"));
    raw.set("contact_by", one("no"));
    raw
}

/// Acknowledges, records an outcome and closes, as the demo commissioner.
async fn work_through(store: &dyn Store, id: Uuid, user: i64, received: chrono::DateTime<Utc>) -> anyhow::Result<()> {
    let steps = [
        (Step::Assign { officer: user }, Status::New, Status::Triaged, "Demo Commissioner", "Looked at the same day."),
        (Step::RecordOutcome(Outcome::IntelligenceOnly), Status::Triaged, Status::Action, "Logged as intelligence only", ""),
        (Step::Close, Status::Action, Status::Closed, "", "No further action."),
    ];
    for (version, (step, from, to, detail, note)) in steps.into_iter().enumerate() {
        let at = received + Duration::hours(3 + version as i64);
        let change = TriageChange {
            status: to,
            assignee: matches!(step, Step::Assign { .. }).then_some(user),
            outcome: match step {
                Step::RecordOutcome(outcome) => Some(outcome),
                _ => None,
            },
            acknowledged_at: (from == Status::New).then_some(at),
            share: None,
            user_id: user,
            event: TriageEvent {
                at,
                user_name: "Demo Commissioner".into(),
                kind: step.kind(from).into(),
                detail: detail.into(),
                note: note.into(),
                shared_with_visitor: false,
            },
        };
        let applied = store.apply_step(id, version as i64, &change).await?;
        anyhow::ensure!(matches!(applied, StepApplied::Done(_)), "demo step not applied: {applied:?}");
    }
    Ok(())
}
