//! `GET /triage/export.csv`: the filtered inbox as CSV, streamed a page at a
//! time so a large export never sits whole in memory.

use axum::{
    body::{Body, Bytes},
    extract::{Query, State},
    http::{header, StatusCode},
    response::{IntoResponse, Response},
};
use chrono::Utc;
use futures::{stream, StreamExt};

use super::filter::InboxParams;
use crate::{
    http::{error::AppError, staff::Staff, AppState},
    store::InboxItem,
};

/// Rows fetched and written per chunk.
const CHUNK: u32 = 500;

pub const COLUMNS: [&str; 10] =
    ["id", "received_at", "service_location_id", "service_name", "severity", "severity_reason", "status", "assigned_to", "overdue", "link"];

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
        let items = state.store.inbox(&filter, page, CHUNK).await?.items;
        let last = items.len() < CHUNK as usize;
        let chunk = encode(&items, &state)?;
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

fn encode(items: &[InboxItem], state: &AppState) -> Result<Bytes, AppError> {
    let mut writer = csv::WriterBuilder::new().terminator(csv::Terminator::CRLF).from_writer(Vec::new());
    let now = Utc::now();
    for item in items {
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
            ])
            .map_err(|err| AppError::BadRequest(err.to_string()))?;
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
