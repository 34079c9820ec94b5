//! A council meeting as an iCalendar event (RFC 5545): one VEVENT in a VCALENDAR, lines ended by
//! CRLF and folded at 75 octets, text escaped, times in UTC.

use chrono::{DateTime, Duration, Utc};

/// What the event says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Event<'a> {
    /// Unique and stable: the same meeting is the same event in a calendar.
    pub uid: &'a str,
    pub stamp: DateTime<Utc>,
    pub starts: DateTime<Utc>,
    /// Two hours after the start when not set.
    pub ends: Option<DateTime<Utc>>,
    pub summary: &'a str,
    pub location: Option<&'a str>,
    pub description: Option<&'a str>,
    pub cancelled: bool,
}

/// TEXT escaping (RFC 5545 3.3.11): backslash, semicolon, comma, and line breaks as `\n`.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.replace("\r\n", "\n").chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            ';' => out.push_str("\\;"),
            ',' => out.push_str("\\,"),
            '\n' => out.push_str("\\n"),
            c => out.push(c),
        }
    }
    out
}

/// A content line folded so no line is longer than 75 octets, never inside a character (RFC 5545
/// 3.1): the continuation starts with one space; every line ends with CRLF.
pub fn fold(line: &str) -> String {
    let mut out = String::new();
    let mut width = 0;
    for c in line.chars() {
        let n = c.len_utf8();
        if width + n > 75 {
            out.push_str("\r\n ");
            width = 1;
        }
        out.push(c);
        width += n;
    }
    out.push_str("\r\n");
    out
}

fn utc(t: DateTime<Utc>) -> String {
    t.format("%Y%m%dT%H%M%SZ").to_string()
}

/// The calendar file.
pub fn calendar(e: &Event<'_>) -> String {
    let mut lines = vec![
        "BEGIN:VCALENDAR".to_string(),
        "VERSION:2.0".into(),
        "PRODID:-//hanteam//협업과제점검협의회//KO".into(),
        "CALSCALE:GREGORIAN".into(),
        "METHOD:PUBLISH".into(),
        "BEGIN:VEVENT".into(),
        format!("UID:{}", escape(e.uid)),
        format!("DTSTAMP:{}", utc(e.stamp)),
        format!("DTSTART:{}", utc(e.starts)),
        format!("DTEND:{}", utc(e.ends.unwrap_or(e.starts + Duration::hours(2)))),
        format!("SUMMARY:{}", escape(e.summary)),
    ];
    if let Some(l) = e.location {
        lines.push(format!("LOCATION:{}", escape(l)));
    }
    if let Some(d) = e.description {
        lines.push(format!("DESCRIPTION:{}", escape(d)));
    }
    lines.push(format!("STATUS:{}", if e.cancelled { "CANCELLED" } else { "CONFIRMED" }));
    lines.push("END:VEVENT".into());
    lines.push("END:VCALENDAR".into());
    lines.iter().map(|l| fold(l)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn text_is_escaped() {
        assert_eq!(escape("a;b,c\\d\r\ne"), "a\\;b\\,c\\\\d\\ne");
    }

    #[test]
    fn long_lines_fold_at_75_octets_between_characters() {
        let line = format!("SUMMARY:{}", "협업과제점검협의회".repeat(5));
        let folded = fold(&line);
        assert!(folded.ends_with("\r\n"));
        for l in folded.trim_end_matches("\r\n").split("\r\n") {
            assert!(l.len() <= 75, "{} octets: {l}", l.len());
        }
        // Unfolding gives the line back.
        assert_eq!(folded.trim_end_matches("\r\n").replace("\r\n ", ""), line);
        assert_eq!(fold("SHORT"), "SHORT\r\n");
    }

    #[test]
    fn a_meeting_is_one_event_in_utc_with_crlf_lines() {
        let starts = Utc.with_ymd_and_hms(2024, 4, 15, 6, 0, 0).unwrap();
        let e = Event {
            uid: "meeting-1@hanteam",
            stamp: starts,
            starts,
            ends: None,
            summary: "제1차 협업과제점검협의회",
            location: Some("정부서울청사, 서울"),
            description: None,
            cancelled: false,
        };
        let ics = calendar(&e);
        assert!(ics.starts_with("BEGIN:VCALENDAR\r\nVERSION:2.0\r\n"));
        assert!(ics.contains("\r\nDTSTART:20240415T060000Z\r\nDTEND:20240415T080000Z\r\n"));
        assert!(ics.contains("\r\nLOCATION:정부서울청사\\, 서울\r\n"));
        assert!(ics.contains("UID:meeting-1@hanteam\r\n") && ics.contains("DTSTAMP:20240415T060000Z\r\n"));
        assert!(ics.ends_with("END:VEVENT\r\nEND:VCALENDAR\r\n"));
        assert!(!ics.replace("\r\n", "").contains('\n'), "no bare LF");
    }
}
