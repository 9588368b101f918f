//! Rows into domain values, written once for both backends: the SQL that
//! selects them differs (placeholders, JSON operators, locks), the columns it
//! returns do not. Each decoder takes any row that can give its columns as
//! text, integers and flags ([`Columns`]), which both `SqliteRow` and `PgRow`
//! can, so a column read one way on SQLite cannot be read another way on
//! PostgreSQL.

use app::domain::{
    accounts::Role,
    concerns::ConcernStatus,
    forms::Severity,
    register::{CqcLocationId, CqcRating, CqcRatings, Service, ServiceKind, ServiceName, Town},
    submission::Receipt,
    triage::{Outcome, CHARTED_AREAS},
};
use chrono::{DateTime, Utc};
use sqlx::{ColumnIndex, Decode, Row, Type};
use uuid::Uuid;

use super::{
    columns::{corrupt, database, day, parse_status, readable_clock, stored_time},
    Action, ConcernSummary, ExportRow, HomeRow, InboxItem, SelfAssessment, SharedItem, Sharing, StoreError, StoredSubmission, TriageEvent,
    User,
};

/// What a decoder reads from a row, by column name.
pub(super) trait Columns {
    fn text(&self, column: &str) -> Result<String, StoreError>;
    fn optional_text(&self, column: &str) -> Result<Option<String>, StoreError>;
    fn integer(&self, column: &str) -> Result<i64, StoreError>;
    fn optional_integer(&self, column: &str) -> Result<Option<i64>, StoreError>;
    fn flag(&self, column: &str) -> Result<bool, StoreError>;

    /// A time stored as RFC 3339 text.
    fn time(&self, column: &str) -> Result<DateTime<Utc>, StoreError> {
        stored_time(&self.text(column)?)
    }

    /// A time stored as RFC 3339 text, or NULL.
    fn optional_time(&self, column: &str) -> Result<Option<DateTime<Utc>>, StoreError> {
        self.optional_text(column)?.as_deref().map(stored_time).transpose()
    }

    /// A count or version, which no row holds below zero or above `u32::MAX`.
    fn count(&self, column: &str) -> Result<u32, StoreError> {
        u32::try_from(self.integer(column)?).map_err(corrupt)
    }
}

impl<R> Columns for R
where
    R: Row,
    for<'c> &'c str: ColumnIndex<R>,
    for<'r> String: Decode<'r, R::Database> + Type<R::Database>,
    for<'r> i64: Decode<'r, R::Database> + Type<R::Database>,
    for<'r> bool: Decode<'r, R::Database> + Type<R::Database>,
{
    fn text(&self, column: &str) -> Result<String, StoreError> {
        self.try_get(column).map_err(database)
    }

    fn optional_text(&self, column: &str) -> Result<Option<String>, StoreError> {
        self.try_get(column).map_err(database)
    }

    fn integer(&self, column: &str) -> Result<i64, StoreError> {
        self.try_get(column).map_err(database)
    }

    fn optional_integer(&self, column: &str) -> Result<Option<i64>, StoreError> {
        self.try_get(column).map_err(database)
    }

    fn flag(&self, column: &str) -> Result<bool, StoreError> {
        self.try_get(column).map_err(database)
    }
}

fn severity(row: &impl Columns) -> Result<Severity, StoreError> {
    let severity = row.text("severity")?;
    Severity::parse(&severity).ok_or_else(|| corrupt(format!("severity {severity}")))
}

fn uuid(row: &impl Columns, column: &str) -> Result<Uuid, StoreError> {
    Uuid::parse_str(&row.text(column)?).map_err(corrupt)
}

fn location(row: &impl Columns, column: &str) -> Result<CqcLocationId, StoreError> {
    let service = row.text(column)?;
    CqcLocationId::parse(&service).map_err(|_| corrupt(format!("location {service}")))
}

pub(super) fn user_from_row(row: &impl Columns) -> Result<User, StoreError> {
    let role = row.text("role")?;
    Ok(User {
        id: row.integer("id")?,
        email: row.text("email")?,
        name: row.text("name")?,
        role: Role::parse(&role).ok_or_else(|| corrupt(format!("role {role}")))?,
    })
}

/// A service on the register, with its CQC ratings (empty text is "not rated").
pub(super) fn service_from_row(row: &impl Columns) -> Result<Service, StoreError> {
    let optional = |column: &str| -> Result<String, StoreError> { row.optional_text(column).map(Option::unwrap_or_default) };
    let rating =
        |column: &str| -> Result<Option<CqcRating>, StoreError> { CqcRating::parse_optional(column, &optional(column)?).map_err(corrupt) };
    Ok(Service {
        location_id: CqcLocationId::parse(&row.text("location_id")?).map_err(corrupt)?,
        name: ServiceName::parse(&row.text("name")?).map_err(corrupt)?,
        kind: ServiceKind::parse(&row.text("kind")?).map_err(corrupt)?,
        town: Town::parse(&row.text("town")?).map_err(corrupt)?,
        ratings: CqcRatings {
            overall: rating("rating_overall")?,
            safe: rating("rating_safe")?,
            effective: rating("rating_effective")?,
            caring: rating("rating_caring")?,
            responsive: rating("rating_responsive")?,
            well_led: rating("rating_well_led")?,
            rated_on: CqcRatings::parse_rated_on(&optional("rated_on")?).map_err(corrupt)?,
        },
    })
}

/// A home's row on the all-homes page: its service and its figures.
pub(super) fn home_from_row(row: &impl Columns) -> Result<HomeRow, StoreError> {
    let worst = |area: &str| -> Result<Option<u8>, StoreError> {
        row.optional_integer(&format!("worst_{area}"))?.map(|rank| u8::try_from(rank).map_err(corrupt)).transpose()
    };
    let [a, b, c, d] = CHARTED_AREAS.map(|(area, _)| area);
    Ok(HomeRow {
        service: service_from_row(row)?,
        red: row.count("red")?,
        amber: row.count("amber")?,
        green: row.count("green")?,
        concerns_before: row.count("concerns_before")?,
        pattern: row.count("pattern")?,
        open_items: row.count("open_items")?,
        last_observed_at: row.optional_time("last_observed_at")?,
        worst: [worst(a)?, worst(b)?, worst(c)?, worst(d)?],
    })
}

/// The receipt columns of a submission row: id, severity, severity_reason, received_at.
pub(super) fn receipt_from_row(row: &impl Columns) -> Result<Receipt, StoreError> {
    Ok(Receipt {
        id: uuid(row, "id")?,
        severity: severity(row)?,
        severity_reason: row.text("severity_reason")?,
        received_at: row.time("received_at")?,
    })
}

pub(super) fn stored_from_row(row: &impl Columns) -> Result<StoredSubmission, StoreError> {
    let id_text = &row.text("id")?;
    Ok(StoredSubmission {
        receipt: receipt_from_row(row)?,
        device_id: uuid(row, "device_id")?,
        form_id: row.text("form_id")?,
        form_version: row.count("form_version")?,
        service: CqcLocationId::parse(&row.text("service_location_id")?).map_err(corrupt)?,
        answers: serde_json::from_str(&row.text("answers")?).map_err(corrupt)?,
        submitted_at: readable_clock(&row.text("submitted_at")?, id_text),
    })
}

pub(super) fn item_from_row(row: &impl Columns) -> Result<InboxItem, StoreError> {
    Ok(InboxItem {
        id: uuid(row, "id")?,
        service: CqcLocationId::parse(&row.text("service_location_id")?).map_err(corrupt)?,
        service_name: row.text("service_name")?,
        town: row.text("town")?,
        form_id: row.text("form_id")?,
        form_version: row.count("form_version")?,
        visit_date: row.optional_text("visit_date")?,
        visitor_role: row.text("visitor_role")?,
        severity: severity(row)?,
        risk_of_harm: row.flag("risk_of_harm")?,
        reply_overdue: row.flag("reply_overdue")?,
        severity_reason: row.text("severity_reason")?,
        status: parse_status(&row.text("status")?)?,
        assignee: row.optional_text("assignee")?,
        received_at: row.time("received_at")?,
    })
}

pub(super) fn export_row_from_row(row: &impl Columns) -> Result<ExportRow, StoreError> {
    Ok(ExportRow {
        item: item_from_row(row)?,
        visitor_organisation: row.text("visitor_organisation")?,
        outcome: row.optional_text("outcome")?.as_deref().and_then(Outcome::parse),
        closed_at: row.optional_time("closed_at")?,
    })
}

/// How an observation was shared with its home, if it was.
pub(super) fn sharing_from_row(row: &impl Columns) -> Result<Option<Sharing>, StoreError> {
    let Some(at) = row.optional_time("shared_with_provider_at")? else { return Ok(None) };
    Ok(Some(Sharing {
        at,
        compliment: row.flag("compliment")?,
        reply_due_at: row.optional_time("reply_due_at")?,
        replied_at: row.optional_time("replied_at")?,
    }))
}

pub(super) fn event_from_row(row: &impl Columns) -> Result<TriageEvent, StoreError> {
    Ok(TriageEvent {
        at: row.time("at")?,
        user_name: row.text("user_name")?,
        kind: row.text("kind")?,
        detail: row.text("detail")?,
        note: row.text("note")?,
        shared_with_visitor: row.flag("shared_with_visitor")?,
    })
}

pub(super) fn concern_summary_from_row(row: &impl Columns) -> Result<ConcernSummary, StoreError> {
    let status = row.text("status")?;
    Ok(ConcernSummary {
        id: row.integer("id")?,
        service: CqcLocationId::parse(&row.text("service_location_id")?).map_err(corrupt)?,
        service_name: row.text("service_name")?,
        title: row.text("title")?,
        status: ConcernStatus::parse(&status).ok_or_else(|| corrupt(format!("concern status {status}")))?,
        assignee: row.optional_text("assignee")?,
        observations: row.count("observations")?,
        created_at: row.time("created_at")?,
    })
}

/// An observation as its home sees it on its own pages.
pub(super) fn shared_item_from_row(row: &impl Columns) -> Result<SharedItem, StoreError> {
    Ok(SharedItem {
        id: uuid(row, "id")?,
        service: location(row, "service_location_id")?,
        service_name: row.text("service_name")?,
        form_id: row.text("form_id")?,
        form_version: row.count("form_version")?,
        severity: severity(row)?,
        received_at: row.time("received_at")?,
        shared_at: row.time("shared_with_provider_at")?,
        compliment: row.flag("compliment")?,
        reply_due_at: row.optional_time("reply_due_at")?,
        replied_at: row.optional_time("replied_at")?,
    })
}

/// An action a home agreed to take on an observation.
pub(super) fn action_from_row(row: &impl Columns) -> Result<Action, StoreError> {
    Ok(Action {
        id: row.integer("id")?,
        what: row.text("what")?,
        who: row.text("who")?,
        due_on: day(&row.text("due_on")?)?,
        created_by: row.text("created_by")?,
        created_at: row.time("created_at")?,
        done_on: row.optional_text("done_on")?.as_deref().map(day).transpose()?,
        done_by: row.optional_text("done_by")?,
    })
}

pub(super) fn self_assessment_from_row(row: &impl Columns) -> Result<SelfAssessment, StoreError> {
    Ok(SelfAssessment {
        id: uuid(row, "id")?,
        service: location(row, "service_location_id")?,
        service_name: row.text("service_name")?,
        user_name: row.text("user_name")?,
        form_id: row.text("form_id")?,
        form_version: row.count("form_version")?,
        answers: serde_json::from_str(&row.text("answers")?).map_err(corrupt)?,
        created_at: row.time("created_at")?,
        shared_at: row.optional_time("shared_at")?,
    })
}
