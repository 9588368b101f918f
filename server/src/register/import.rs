//! Imports the register from CSV. Every row is checked before anything is
//! written: one bad row and nothing is imported, and each bad row is reported
//! with its line number. Rows are upserted by CQC location ID, so importing the
//! same file twice changes nothing.

use std::{collections::HashMap, fmt, io::Read, path::Path};

use app::domain::{
    register::{CqcLocationId, CqcRating, CqcRatings, Service, ServiceKind, ServiceName, Town},
    FieldError,
};

use crate::store::{Store, StoreError, UpsertSummary};

/// The columns a register file must have, in any order; others are ignored.
pub const COLUMNS: [&str; 11] =
    ["location_id", "name", "kind", "town", "overall", "safe", "effective", "caring", "responsive", "well_led", "rated_on"];

/// What is wrong with one line of the file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RowError {
    pub line: u64,
    pub problems: Vec<FieldError>,
}

impl fmt::Display for RowError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let problems: Vec<String> = self.problems.iter().map(ToString::to_string).collect();
        write!(f, "line {}: {}", self.line, problems.join("; "))
    }
}

#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    #[error("cannot read {path}: {source}")]
    Read {
        path: String,
        #[source]
        source: std::io::Error,
    },
    #[error("the file has no services in it")]
    Empty,
    #[error("{} bad {}; nothing was imported:\n{}", .0.len(), if .0.len() == 1 { "row" } else { "rows" }, list(.0))]
    BadRows(Vec<RowError>),
    #[error("the register could not be saved: {0}")]
    Store(#[from] StoreError),
}

fn list(rows: &[RowError]) -> String {
    rows.iter().map(|row| format!("  {row}")).collect::<Vec<_>>().join("\n")
}

/// Reads, checks and imports the register file at `path`.
pub async fn import_file(store: &dyn Store, path: &Path) -> Result<UpsertSummary, ImportError> {
    let file = std::fs::File::open(path).map_err(|source| ImportError::Read { path: path.display().to_string(), source })?;
    import(store, file).await
}

/// Checks every row of `reader`, then upserts them all in one transaction.
pub async fn import(store: &dyn Store, reader: impl Read) -> Result<UpsertSummary, ImportError> {
    let services = parse(reader)?;
    Ok(store.upsert_services(&services).await?)
}

/// Parses a register file into services, or reports every bad row.
pub fn parse(reader: impl Read) -> Result<Vec<Service>, ImportError> {
    let mut csv = csv::ReaderBuilder::new().trim(csv::Trim::All).from_reader(reader);
    let columns = header_positions(&mut csv)?;
    let mut services = Vec::new();
    let mut bad = Vec::new();
    let mut first_line_of: HashMap<CqcLocationId, u64> = HashMap::new();
    for record in csv.records() {
        let (line, parsed) = match record {
            Ok(record) => {
                let line = record.position().map_or(0, csv::Position::line);
                (line, parse_row(&record, &columns))
            }
            Err(err) => {
                let line = err.position().map_or(0, csv::Position::line);
                (line, Err(vec![FieldError::new("row", csv_problem(&err))]))
            }
        };
        match parsed.and_then(|service| check_unique(service, line, &mut first_line_of)) {
            Ok(service) => services.push(service),
            Err(problems) => bad.push(RowError { line, problems }),
        }
    }
    if !bad.is_empty() {
        return Err(ImportError::BadRows(bad));
    }
    if services.is_empty() {
        return Err(ImportError::Empty);
    }
    Ok(services)
}

/// Where each required column is, or a line-1 error naming the missing ones.
fn header_positions<R: Read>(csv: &mut csv::Reader<R>) -> Result<[usize; 11], ImportError> {
    let headers = csv
        .headers()
        .map_err(|err| ImportError::BadRows(vec![RowError { line: 1, problems: vec![FieldError::new("header", csv_problem(&err))] }]))?;
    let find = |name: &str| headers.iter().position(|h| h.trim().eq_ignore_ascii_case(name));
    let missing: Vec<&str> = COLUMNS.into_iter().filter(|name| find(name).is_none()).collect();
    if !missing.is_empty() {
        let problem = FieldError::new("header", format!("missing column(s): {}", missing.join(", ")));
        return Err(ImportError::BadRows(vec![RowError { line: 1, problems: vec![problem] }]));
    }
    Ok(COLUMNS.map(|name| find(name).unwrap_or_default()))
}

fn csv_problem(err: &csv::Error) -> String {
    match err.kind() {
        csv::ErrorKind::Utf8 { .. } => "is not valid UTF-8 text".to_owned(),
        csv::ErrorKind::UnequalLengths { expected_len, len, .. } => {
            format!("has {len} fields but the header has {expected_len}")
        }
        _ => "could not be read as CSV".to_owned(),
    }
}

/// Parses one row, collecting every problem rather than stopping at the first.
fn parse_row(record: &csv::StringRecord, columns: &[usize; 11]) -> Result<Service, Vec<FieldError>> {
    let field = |index: usize| record.get(columns[index]).unwrap_or_default();
    let mut problems = Vec::new();
    let location_id = keep(&mut problems, CqcLocationId::parse(field(0)));
    let name = keep(&mut problems, ServiceName::parse(field(1)));
    let kind = keep(&mut problems, ServiceKind::parse(field(2)));
    let town = keep(&mut problems, Town::parse(field(3)));
    let mut rating = |index: usize| keep(&mut problems, CqcRating::parse_optional(COLUMNS[index], field(index))).flatten();
    let ratings = CqcRatings {
        overall: rating(4),
        safe: rating(5),
        effective: rating(6),
        caring: rating(7),
        responsive: rating(8),
        well_led: rating(9),
        rated_on: None,
    };
    let rated_on = keep(&mut problems, CqcRatings::parse_rated_on(field(10))).flatten();
    let ratings = keep(&mut problems, CqcRatings { rated_on, ..ratings }.check_dated());
    match (location_id, name, kind, town, ratings) {
        (Some(location_id), Some(name), Some(kind), Some(town), Some(ratings)) if problems.is_empty() => {
            Ok(Service { location_id, name, kind, town, ratings })
        }
        _ => Err(problems),
    }
}

/// The value, or `None` with its problem noted.
fn keep<T>(problems: &mut Vec<FieldError>, result: Result<T, FieldError>) -> Option<T> {
    result.map_err(|err| problems.push(err)).ok()
}

fn check_unique(service: Service, line: u64, first_line_of: &mut HashMap<CqcLocationId, u64>) -> Result<Service, Vec<FieldError>> {
    match first_line_of.get(&service.location_id) {
        Some(first) => Err(vec![FieldError::new("location_id", format!("{} is already on line {first}", service.location_id.as_str()))]),
        None => {
            first_line_of.insert(service.location_id.clone(), line);
            Ok(service)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const HEADER: &str = "location_id,name,kind,town,overall,safe,effective,caring,responsive,well_led,rated_on\n";

    fn bad_rows(text: &str) -> Vec<RowError> {
        match parse(text.as_bytes()) {
            Err(ImportError::BadRows(rows)) => rows,
            other => panic!("expected bad rows, got {other:?}"),
        }
    }

    #[test]
    fn a_good_file_parses_every_row() {
        let text = format!(
            "{HEADER}1-101,Oak House,residential_home,Puddlecombe,good,good,good,outstanding,good,good,2024-05-01\n\
             1-102,Ash Care,home_care,Nettlebury,,,,,,,\n"
        );
        let services = parse(text.as_bytes()).unwrap();
        assert_eq!(services.len(), 2);
        assert_eq!(services[0].ratings.caring, Some(CqcRating::Outstanding));
        assert_eq!(services[1].ratings, CqcRatings::default());
    }

    #[test]
    fn columns_may_come_in_any_order_with_a_byte_order_mark() {
        let text = "\u{feff}name,town,kind,location_id,overall,safe,effective,caring,responsive,well_led,rated_on,notes\n\
                    Oak House,Puddlecombe,nursing_home,1-101,,,,,,,,ignored\n";
        let services = parse(text.as_bytes()).unwrap();
        assert_eq!(services[0].location_id.as_str(), "1-101");
    }

    #[test]
    fn every_bad_row_is_reported_with_its_line_and_field() {
        let text = format!(
            "{HEADER}1-101,Oak House,residential_home,Puddlecombe,,,,,,,\n\
             not-an-id,Elm House,hospital,Puddlecombe,,,,,,,\n\
             1-103,,home_care,Nettlebury,great,,,,,,\n\
             1-101,Oak House Again,home_care,Nettlebury,,,,,,,\n"
        );
        let rows = bad_rows(&text);
        assert_eq!(rows.iter().map(|r| r.line).collect::<Vec<_>>(), vec![3, 4, 5]);
        let fields = |i: usize| rows[i].problems.iter().map(|p| p.field.as_str()).collect::<Vec<_>>();
        assert_eq!(fields(0), vec!["location_id", "kind"]);
        assert_eq!(fields(1), vec!["name", "overall"]);
        assert_eq!(fields(2), vec!["location_id"]);
        assert!(rows[2].to_string().contains("already on line 2"));
    }

    #[test]
    fn a_missing_column_is_a_line_one_error() {
        let rows = bad_rows("location_id,name,kind\n1-1,A,home_care\n");
        assert_eq!(rows[0].line, 1);
        assert!(rows[0].problems[0].message.contains("town"));
    }

    #[test]
    fn a_short_row_and_bad_utf8_are_reported() {
        let mut bytes = format!("{HEADER}1-101,Oak House\n").into_bytes();
        bytes.extend_from_slice(b"1-102,Oak \xff House,home_care,Nettlebury,,,,,,,\n");
        let rows = match parse(bytes.as_slice()) {
            Err(ImportError::BadRows(rows)) => rows,
            other => panic!("{other:?}"),
        };
        assert_eq!(rows.len(), 2);
        assert_eq!(rows[0].line, 2);
        assert!(rows[0].problems[0].message.contains("fields"));
        assert_eq!(rows[1].line, 3);
        assert!(rows[1].problems[0].message.contains("UTF-8"));
    }

    #[test]
    fn a_file_with_only_a_header_is_refused() {
        assert!(matches!(parse(HEADER.as_bytes()), Err(ImportError::Empty)));
    }
}
