//! How values are written for people: dates as Korean officials write them, times in Korean time,
//! numbers as written, text split into paragraphs.

use chrono::{DateTime, NaiveDate, Utc};
use hanteam_domain::time::{korean_date, korean_moment, KST};

/// "2024. 6. 30."
pub(crate) fn date_ko(d: NaiveDate) -> String {
    korean_date(d)
}

/// A moment for `<time>`: machine-readable in KST, and "2024. 4. 15. 15:00" for people.
pub(crate) struct When {
    pub iso: String,
    pub text: String,
}

pub(crate) fn when(at: DateTime<Utc>) -> When {
    let local = at.with_timezone(&KST);
    When { iso: local.format("%Y-%m-%dT%H:%M%:z").to_string(), text: korean_moment(at) }
}

/// A date for `<time>`.
pub(crate) struct Day {
    pub iso: String,
    pub text: String,
}

pub(crate) fn day(d: NaiveDate) -> Day {
    Day { iso: iso_date(d), text: date_ko(d) }
}

/// "2024-06-30", as `<input type="date">` and the server expect it.
pub(crate) fn iso_date(d: NaiveDate) -> String {
    d.format("%Y-%m-%d").to_string()
}

/// Number values as written (1.0 → "1", 0.5 → "0.5").
pub(crate) fn number(v: Option<f64>) -> String {
    v.map(|v| v.to_string()).unwrap_or_else(|| "미입력".into())
}

/// The non-empty lines of a text, each a paragraph.
pub(crate) fn lines(text: Option<&str>) -> Vec<String> {
    text.unwrap_or_default().lines().map(str::trim).filter(|l| !l.is_empty()).map(str::to_string).collect()
}

/// What a form field holds, without surrounding spaces ("" when empty).
pub(crate) fn trimmed(v: &Option<String>) -> &str {
    v.as_deref().map(str::trim).unwrap_or("")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_and_times_are_written_the_korean_way_in_kst() {
        let d = NaiveDate::from_ymd_opt(2024, 6, 30).expect("valid date");
        assert_eq!(date_ko(d), "2024. 6. 30.");
        let at = DateTime::parse_from_rfc3339("2024-04-15T06:00:00Z").expect("valid time").with_timezone(&Utc);
        let w = when(at);
        assert_eq!(w.text, "2024. 4. 15. 15:00");
        assert_eq!(w.iso, "2024-04-15T15:00+09:00");
    }
}
