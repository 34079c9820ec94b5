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

/// A date as Korean officials write it: "2024. 6. 30.".
pub fn korean_date(day: NaiveDate) -> String {
    day.format("%Y. %-m. %-d.").to_string()
}

/// A moment as people in Korea read it, in Korean time: "2024. 4. 15. 15:00".
pub fn korean_moment(at: DateTime<Utc>) -> String {
    at.with_timezone(&KST).format("%Y. %-m. %-d. %H:%M").to_string()
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

    #[test]
    fn dates_and_moments_are_written_the_korean_way() {
        assert_eq!(korean_date(NaiveDate::from_ymd_opt(2024, 6, 30).unwrap()), "2024. 6. 30.");
        let at = DateTime::parse_from_rfc3339("2024-04-15T06:05:00Z").unwrap().with_timezone(&Utc);
        assert_eq!(korean_moment(at), "2024. 4. 15. 15:05");
    }
}
