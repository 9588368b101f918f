//! The CSV exports, each streamed a page at a time so a large one never sits
//! whole in memory, every cell a spreadsheet could run defused:
//! - `GET /triage/export.csv`: the filtered inbox, one row per observation,
//!   with its visit, visitor, form, outcome and closing date;
//! - `GET /triage/export/answers.csv?form=ID@VERSION&from=&to=`: every answer
//!   of one form version over a date range, one column per question, which is
//!   what a monthly quality report is built from.

use axum::{
    body::{Body, Bytes},
    extract::{Query, State},
    http::{header, StatusCode},
    response::{IntoResponse, Response},
};
use chrono::Utc;
use futures::{stream, StreamExt};

use std::collections::HashMap;

use app::domain::{device::ProfessionalRole, forms, FieldError};
use chrono::NaiveDate;
use serde::Deserialize;

use super::filter::InboxParams;
use crate::{
    http::{error::AppError, staff::Staff, AppState},
    store::{ExportRow, FormVersion, ReceivedRange, StoredSubmission},
};

/// Rows fetched and written per chunk.
const CHUNK: u32 = 500;

/// New columns go at the end, so a spreadsheet built on an earlier export still reads.
pub const COLUMNS: [&str; 17] = [
    "id",
    "received_at",
    "service_location_id",
    "service_name",
    "severity",
    "severity_reason",
    "status",
    "assigned_to",
    "overdue",
    "link",
    "visit_date",
    "visitor_role",
    "visitor_organisation",
    "form",
    "form_version",
    "outcome",
    "closed_at",
];

pub async fn export(
    Staff(staff): Staff,
    State(state): State<AppState>,
    Query(pairs): Query<Vec<(String, String)>>,
) -> Result<Response, AppError> {
    let params = InboxParams::from_pairs(&pairs);
    let filter = params.filter(staff.user.id).map_err(AppError::Invalid)?;
    tracing::info!(user = staff.user.id, "inbox exported");
    let header_row = Bytes::from(format!("{}\r\n", COLUMNS.join(",")));
    let rows = stream::try_unfold((state, filter, 1u32, false), |(state, filter, page, done)| async move {
        if done {
            return Ok::<_, AppError>(None);
        }
        let rows = state.store.export_rows(&filter, page, CHUNK).await?;
        let last = rows.len() < CHUNK as usize;
        let chunk = encode(&rows, &state)?;
        Ok(Some((chunk, (state, filter, page + 1, last))))
    });
    let body =
        stream::iter([Ok(header_row)]).chain(rows).map(|chunk| chunk.map_err(|err: AppError| std::io::Error::other(err.to_string())));
    let filename = format!("attachment; filename=\"observations-{}.csv\"", Utc::now().format("%Y-%m-%d"));
    Ok((
        StatusCode::OK,
        [(header::CONTENT_TYPE, "text/csv; charset=utf-8".to_owned()), (header::CONTENT_DISPOSITION, filename)],
        Body::from_stream(body),
    )
        .into_response())
}

fn encode(rows: &[ExportRow], state: &AppState) -> Result<Bytes, AppError> {
    let mut writer = csv::WriterBuilder::new().terminator(csv::Terminator::CRLF).from_writer(Vec::new());
    let now = Utc::now();
    for row in rows {
        let item = &row.item;
        let overdue = state.response_targets.is_overdue(item.severity, item.status, item.received_at, now);
        writer
            .write_record([
                item.id.to_string(),
                item.received_at.to_rfc3339(),
                item.service.as_str().to_owned(),
                spreadsheet_safe(&item.service_name),
                item.severity.code().to_owned(),
                spreadsheet_safe(&item.severity_reason),
                item.status.code().to_owned(),
                spreadsheet_safe(item.assignee.as_deref().unwrap_or_default()),
                if overdue { "yes" } else { "no" }.to_owned(),
                format!("/triage/observations/{}", item.id),
                spreadsheet_safe(item.visit_date.as_deref().unwrap_or_default()),
                spreadsheet_safe(&ProfessionalRole::label_of(&item.visitor_role)),
                spreadsheet_safe(&row.visitor_organisation),
                item.form_id.clone(),
                item.form_version.to_string(),
                row.outcome.map(|outcome| outcome.label().to_owned()).unwrap_or_default(),
                row.closed_at.map(|at| at.to_rfc3339()).unwrap_or_default(),
            ])
            .map_err(|err| AppError::BadRequest(err.to_string()))?;
    }
    writer.into_inner().map(Bytes::from).map_err(|err| AppError::BadRequest(err.to_string()))
}

/// What the answers export is asked for, as the forms page's form sends it.
#[derive(Deserialize)]
pub struct AnswersQuery {
    /// `quality-audit@1`: a form id and one of its versions.
    #[serde(default)]
    form: String,
    #[serde(default)]
    from: String,
    #[serde(default)]
    to: String,
}

impl AnswersQuery {
    /// The form version and the dates, or every problem with them, each by its field.
    fn parse(&self) -> Result<(&'static forms::FormDefinition, ReceivedRange), Vec<FieldError>> {
        let mut problems = Vec::new();
        let form = self
            .form
            .split_once('@')
            .and_then(|(id, version)| forms::find(id, version.parse().ok()?))
            .ok_or_else(|| FieldError::new("form", "Choose a form and version the server knows"));
        let mut date = |field: &str, text: &str| match text.trim() {
            "" => None,
            text => NaiveDate::parse_from_str(text, "%Y-%m-%d")
                .map_err(|_| problems.push(FieldError::new(field, "Enter a real date, like 2026-11-30")))
                .ok(),
        };
        let range = ReceivedRange { from: date("from", &self.from), to: date("to", &self.to) };
        if let (Some(from), Some(to)) = (range.from, range.to) {
            if from > to {
                problems.push(FieldError::new("to", "The end date must be on or after the start date"));
            }
        }
        match form {
            Ok(form) if problems.is_empty() => Ok((form, range)),
            Ok(_) => Err(problems),
            Err(problem) => Err(std::iter::once(problem).chain(problems).collect()),
        }
    }
}

/// Columns before the questions' own.
const ANSWER_COLUMNS: [&str; 6] = ["id", "received_at", "service_location_id", "service_name", "severity", "severity_reason"];

pub async fn answers(Staff(staff): Staff, State(state): State<AppState>, Query(query): Query<AnswersQuery>) -> Result<Response, AppError> {
    let (form, range) = query.parse().map_err(AppError::Invalid)?;
    tracing::info!(user = staff.user.id, form = form.id.as_str(), version = form.version, "answers exported");
    let mut first = csv::WriterBuilder::new().terminator(csv::Terminator::CRLF).from_writer(Vec::new());
    let columns = ANSWER_COLUMNS.iter().map(|c| (*c).to_owned()).chain(form.export_columns().into_iter().map(|c| spreadsheet_safe(&c)));
    first.write_record(columns).map_err(|err| AppError::BadRequest(err.to_string()))?;
    let header_row = Bytes::from(first.into_inner().map_err(|err| AppError::BadRequest(err.to_string()))?);
    let version = FormVersion { id: form.id.as_str().to_owned(), version: form.version };
    let names: HashMap<String, String> = HashMap::new();
    let pages = stream::try_unfold((state, version, None, names, false), move |(state, version, after, mut names, done)| async move {
        if done {
            return Ok::<_, AppError>(None);
        }
        let rows = state.store.submissions_of_form(&version, &range, after, CHUNK).await?;
        let last = rows.len() < CHUNK as usize;
        let next = rows.last().map(|row| (row.receipt.received_at, row.receipt.id));
        let chunk = encode_answers(form, &rows, &state, &mut names).await?;
        Ok(Some((chunk, (state, version, next, names, last))))
    });
    let body =
        stream::iter([Ok(header_row)]).chain(pages).map(|chunk| chunk.map_err(|err: AppError| std::io::Error::other(err.to_string())));
    let filename = format!("attachment; filename=\"{}-v{}-answers-{}.csv\"", form.id.as_str(), form.version, Utc::now().format("%Y-%m-%d"));
    Ok((
        StatusCode::OK,
        [(header::CONTENT_TYPE, "text/csv; charset=utf-8".to_owned()), (header::CONTENT_DISPOSITION, filename)],
        Body::from_stream(body),
    )
        .into_response())
}

/// One row per submission: its receipt, the service's name (looked up once
/// per service), then its answers under the form's columns.
async fn encode_answers(
    form: &forms::FormDefinition,
    rows: &[StoredSubmission],
    state: &AppState,
    names: &mut HashMap<String, String>,
) -> Result<Bytes, AppError> {
    let mut writer = csv::WriterBuilder::new().terminator(csv::Terminator::CRLF).from_writer(Vec::new());
    for row in rows {
        let location = row.service.as_str().to_owned();
        if !names.contains_key(&location) {
            let name = state.store.service(&row.service).await?.map(|service| service.name_and_town()).unwrap_or_default();
            names.insert(location.clone(), name);
        }
        let receipt = &row.receipt;
        let fixed = [
            receipt.id.to_string(),
            receipt.received_at.to_rfc3339(),
            location.clone(),
            spreadsheet_safe(&names[&location]),
            receipt.severity.code().to_owned(),
            spreadsheet_safe(&receipt.severity_reason),
        ];
        let cells = form.export_cells(&row.answers).into_iter().map(|cell| spreadsheet_safe(&cell));
        writer.write_record(fixed.into_iter().chain(cells)).map_err(|err| AppError::BadRequest(err.to_string()))?;
    }
    writer.into_inner().map(Bytes::from).map_err(|err| AppError::BadRequest(err.to_string()))
}

/// A cell a spreadsheet would read as a formula is written as text (OWASP's
/// advice on CSV injection): a leading `=`, `+`, `-`, `@`, tab or CR gets a `'`.
fn spreadsheet_safe(text: &str) -> String {
    match text.chars().next() {
        Some('=' | '+' | '-' | '@' | '\t' | '\r') => format!("'{text}"),
        _ => text.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formulas_are_written_as_text() {
        assert_eq!(spreadsheet_safe("=HYPERLINK(\"http://x\")"), "'=HYPERLINK(\"http://x\")");
        assert_eq!(spreadsheet_safe("@SUM(A1)"), "'@SUM(A1)");
        assert_eq!(spreadsheet_safe("Heron House"), "Heron House");
    }
}
