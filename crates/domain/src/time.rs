//! Korean time (KST, UTC+9): the clock the people using hanteam read, defined once.

use chrono::{DateTime, FixedOffset, NaiveDate, NaiveTime, TimeZone, Utc};

/// UTC+9, without daylight saving.
pub const KST: FixedOffset = match FixedOffset::east_opt(9 * 3600) {
    Some(offset) => offset,
    None => panic!("UTC+9 is a valid offset"),
};

/// The moment a Korean day begins (00:00 KST), in UTC.
pub fn kst_midnight(day: NaiveDate) -> DateTime<Utc> {
    Utc.from_utc_datetime(&(day.and_time(NaiveTime::MIN) - KST))
}

/// The Korean calendar day of a moment.
pub fn kst_date(at: DateTime<Utc>) -> NaiveDate {
    at.with_timezone(&KST).date_naive()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_korean_day_begins_at_three_in_the_afternoon_utc_the_day_before() {
        let d = NaiveDate::from_ymd_opt(2024, 4, 15).unwrap();
        assert_eq!(kst_midnight(d).to_rfc3339(), "2024-04-14T15:00:00+00:00");
        let meeting = DateTime::parse_from_rfc3339("2024-04-15T06:00:00Z").unwrap().with_timezone(&Utc);
        assert_eq!(kst_date(meeting), d);
        let late = DateTime::parse_from_rfc3339("2024-04-15T15:00:00Z").unwrap().with_timezone(&Utc);
        assert_eq!(kst_date(late), d.succ_opt().unwrap(), "midnight KST is already the next day");
    }
}
