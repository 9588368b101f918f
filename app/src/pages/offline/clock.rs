//! The phone's clock and calendar, through JavaScript's `Date` (chrono's
//! clock does not run in the browser), and times written for people.

use chrono::{DateTime, FixedOffset, NaiveDate};

/// Milliseconds since 1970.
pub fn now() -> f64 {
    js_sys::Date::now()
}

/// Today's date where the phone is: the default and the limit of a visit date.
pub fn today() -> NaiveDate {
    let date = js_sys::Date::new_0();
    NaiveDate::from_ymd_opt(date.get_full_year() as i32, date.get_month() + 1, date.get_date()).unwrap_or_default()
}

/// Now as a timestamp with the phone's UTC offset, for a submission.
pub fn now_with_offset() -> DateTime<FixedOffset> {
    let date = js_sys::Date::new_0();
    // getTimezoneOffset is minutes *behind* UTC.
    let offset =
        FixedOffset::west_opt((date.get_timezone_offset() * 60.0) as i32).unwrap_or(FixedOffset::east_opt(0).expect("zero offset"));
    DateTime::from_timestamp_millis(date.get_time() as i64).unwrap_or_default().with_timezone(&offset)
}

/// "14:05 on 23 November", by the phone's clock and locale rules for en-GB.
pub fn describe(ms: f64) -> String {
    let date = js_sys::Date::new(&ms.into());
    const MONTHS: [&str; 12] =
        ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"];
    format!(
        "{:02}:{:02} on {} {}",
        date.get_hours(),
        date.get_minutes(),
        date.get_date(),
        MONTHS.get(date.get_month() as usize).copied().unwrap_or_default()
    )
}
