//! Reminders (알림): what a notification is about, when a due date calls for one, what it says in
//! Korean, e-mail addresses, and how a failed e-mail is retried. Plain rules; the store keeps the
//! notifications and their outbox, the use cases queue them and the job sends them.
//!
//! "Once" is a property of the database: a notification is unique per (kind, subject, recipient,
//! occasion), so a rule here only has to name the occasion — e.g. the due date a reminder is for —
//! and running the job twice (or on two servers at once) cannot remind anyone twice.

use std::str::FromStr;

use chrono::{DateTime, Duration, NaiveDate, Utc};

use crate::time::korean_date;
use crate::validation::refused_characters;
use crate::ValidationError;

/// What a notification is about. The kinds, plus the week-before and day-before
/// reminders of a task's own milestones (추진일정), the due dates every task already has.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum NotificationKind {
    /// A progress report (추진실적) is due within a week.
    ReportDueIn7,
    /// A progress report is due tomorrow (or today).
    ReportDueIn1,
    /// A progress report's due date has passed and it is not submitted.
    ReportOverdue,
    /// OPC returned a progress report with comments.
    ReportReturned,
    /// A follow-up action (후속조치) was assigned to the recipient or their agency.
    FollowUpAssigned,
    /// A mediation meeting (이견 조정) was scheduled.
    MediationScheduled,
    /// A milestone (추진일정) of a task is due within a week.
    MilestoneDueIn7,
    /// A milestone of a task is due tomorrow (or today).
    MilestoneDueIn1,
    /// A proposal (과제 제안) asks the recipient's agency to confirm or decline taking part.
    ParticipationRequested,
}

impl NotificationKind {
    pub const ALL: [NotificationKind; 9] = [
        NotificationKind::ReportDueIn7,
        NotificationKind::ReportDueIn1,
        NotificationKind::ReportOverdue,
        NotificationKind::ReportReturned,
        NotificationKind::FollowUpAssigned,
        NotificationKind::MediationScheduled,
        NotificationKind::MilestoneDueIn7,
        NotificationKind::MilestoneDueIn1,
        NotificationKind::ParticipationRequested,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            NotificationKind::ReportDueIn7 => "report_due_7",
            NotificationKind::ReportDueIn1 => "report_due_1",
            NotificationKind::ReportOverdue => "report_overdue",
            NotificationKind::ReportReturned => "report_returned",
            NotificationKind::FollowUpAssigned => "follow_up_assigned",
            NotificationKind::MediationScheduled => "mediation_scheduled",
            NotificationKind::MilestoneDueIn7 => "milestone_due_7",
            NotificationKind::MilestoneDueIn1 => "milestone_due_1",
            NotificationKind::ParticipationRequested => "participation_requested",
        }
    }

    pub fn label_ko(self) -> &'static str {
        match self {
            NotificationKind::ReportDueIn7 => "추진실적 제출 기한 7일 전",
            NotificationKind::ReportDueIn1 => "추진실적 제출 기한 1일 전",
            NotificationKind::ReportOverdue => "추진실적 제출 기한 지남",
            NotificationKind::ReportReturned => "추진실적 보완 요청",
            NotificationKind::FollowUpAssigned => "후속조치 지정",
            NotificationKind::MediationScheduled => "이견 조정 회의 일정",
            NotificationKind::MilestoneDueIn7 => "추진일정 기한 7일 전",
            NotificationKind::MilestoneDueIn1 => "추진일정 기한 1일 전",
            NotificationKind::ParticipationRequested => "과제 제안 참여 여부 요청",
        }
    }
}

impl FromStr for NotificationKind {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::ALL.into_iter().find(|k| k.as_str() == s).ok_or_else(|| format!("알 수 없는 알림 종류입니다: '{s}'"))
    }
}

/// What a due date is: a progress report's or a milestone's.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DueThing {
    Report,
    Milestone,
}

/// The due dates one kind of reminder covers on `today`: from `from` (none: any day before) to
/// `to`, both included.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DueWindow {
    pub kind: NotificationKind,
    pub from: Option<NaiveDate>,
    pub to: NaiveDate,
}

impl DueWindow {
    pub fn contains(&self, due: NaiveDate) -> bool {
        self.from.is_none_or(|f| f <= due) && due <= self.to
    }
}

/// The reminders a thing's due dates call for on `today` (Korean days): the week-before reminder
/// from 7 days ahead down to 2, the day-before one on the last day and the day itself, and (for
/// reports only) one overdue notice after the date has passed. Windows rather than exact days: a
/// server that was down on the seventh day still reminds on the sixth.
pub fn reminder_windows(thing: DueThing, today: NaiveDate) -> Vec<DueWindow> {
    let day = |n: i64| today + chrono::Duration::days(n);
    let (week, last_day, overdue) = match thing {
        DueThing::Report => {
            (NotificationKind::ReportDueIn7, NotificationKind::ReportDueIn1, Some(NotificationKind::ReportOverdue))
        }
        DueThing::Milestone => (NotificationKind::MilestoneDueIn7, NotificationKind::MilestoneDueIn1, None),
    };
    let mut windows = vec![
        DueWindow { kind: week, from: Some(day(2)), to: day(7) },
        DueWindow { kind: last_day, from: Some(today), to: day(1) },
    ];
    if let Some(kind) = overdue {
        windows.push(DueWindow { kind, from: None, to: day(-1) });
    }
    windows
}

/// What makes a due-date reminder once-only: its due date, the same on every day of a window, so
/// a moved date is reminded of again.
pub fn due_occasion(due: NaiveDate) -> String {
    format!("due:{due}")
}

/// "기한까지 3일 남음", "오늘까지", "기한이 2일 지남".
pub fn days_left_text(due: NaiveDate, today: NaiveDate) -> String {
    match (due - today).num_days() {
        0 => "오늘까지".to_string(),
        n if n > 0 => format!("기한까지 {n}일 남음"),
        n => format!("기한이 {}일 지남", -n),
    }
}

/// A due-date reminder's title: "[추진일정 기한 7일 전] 과제 12 · 용인 … — 산단계획 승인 신청 (2024. 6. 30., 기한까지 7일 남음)".
pub fn due_title(kind: NotificationKind, what: &str, due: NaiveDate, today: NaiveDate) -> String {
    format!("[{}] {what} ({}, {})", kind.label_ko(), korean_date(due), days_left_text(due, today))
}

/// The title of a notification that is not a due date's: "[후속조치 지정] 협의 결과 공문 시행 (기한 2024. 8. 30.)".
pub fn notice_title(kind: NotificationKind, what: &str) -> String {
    format!("[{}] {what}", kind.label_ko())
}

/// The subject line of a notification's e-mail.
pub fn mail_subject(title: &str) -> String {
    format!("[한팀] {title}")
}

/// The text of a notification's e-mail: what it is, the link to act on it, and where the
/// notifications are listed.
pub fn mail_body(title: &str, link: &str, notifications_link: &str) -> String {
    format!(
        "{title}\n\n바로 가기: {link}\n\n한팀(hanteam) 범정부 협업과제 관리 시스템이 보낸 알림입니다. \
         받은 알림은 모두 {notifications_link} 에서 볼 수 있습니다. 이 메일에는 회신하지 않아도 됩니다.\n"
    )
}

/// The longest e-mail address (RFC 5321's path limit).
pub const MAX_EMAIL_CHARS: usize = 254;

/// An e-mail address as typed on an account form: empty means none; otherwise one `@` between a
/// local part of 1–64 characters and a domain of labels separated by dots (letters, digits and
/// hyphens; at least one dot), no spaces. The domain is lower-cased.
pub fn parse_email(raw: &str) -> Result<Option<String>, ValidationError> {
    let email = raw.trim();
    if email.is_empty() {
        return Ok(None);
    }
    let bad = || {
        ValidationError::new(
            "email",
            format!("이메일 주소 형식이 아닙니다 (입력값: '{email}'). 예: hong@korea.kr 처럼 입력해 주세요."),
        )
    };
    if let Some(m) = refused_characters(email, "이메일 주소", false) {
        return Err(ValidationError::new("email", m));
    }
    if email.chars().count() > MAX_EMAIL_CHARS {
        return Err(ValidationError::new("email", format!("이메일 주소는 {MAX_EMAIL_CHARS}자 이하로 입력해 주세요.")));
    }
    let (local, domain) = email.split_once('@').ok_or_else(bad)?;
    let local_ok = (1..=64).contains(&local.len())
        && !local.starts_with('.')
        && !local.ends_with('.')
        && !local.contains("..")
        && local.chars().all(|c| c.is_ascii_alphanumeric() || "!#$%&'*+-/=?^_`{|}~.".contains(c));
    let labels: Vec<&str> = domain.split('.').collect();
    let domain_ok = labels.len() >= 2
        && labels.iter().all(|l| {
            (1..=63).contains(&l.len())
                && !l.starts_with('-')
                && !l.ends_with('-')
                && l.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
        });
    if !local_ok || !domain_ok {
        return Err(bad());
    }
    Ok(Some(format!("{local}@{}", domain.to_ascii_lowercase())))
}

/// How long a server may hold an e-mail it claimed before another may take it over (it crashed):
/// longer than the SMTP timeout, so a send in progress is never taken over.
pub const MAIL_LEASE: Duration = Duration::minutes(5);

/// After this many failed attempts an e-mail is given up (the notification stays in the list).
pub const MAIL_MAX_ATTEMPTS: i64 = 12;

/// When to try an e-mail again after its `attempts`-th failure: 1, 2, 4, … minutes, at most an hour
/// apart (twelve attempts span about seven hours).
pub fn mail_retry_at(failed_at: DateTime<Utc>, attempts: i64) -> DateTime<Utc> {
    let minutes = 1i64 << attempts.clamp(1, 7).saturating_sub(1);
    failed_at + Duration::minutes(minutes.min(60))
}

/// Whether an e-mail failed for the last time.
pub fn mail_gives_up(attempts: i64) -> bool {
    attempts >= MAIL_MAX_ATTEMPTS
}

/// The bell's count as the header shows it: the count is read up to [`UNREAD_COUNT_CAP`] rows of
/// an index, and beyond that it says "99+".
pub const UNREAD_COUNT_CAP: i64 = 100;

pub fn unread_text(count: i64) -> String {
    if count >= UNREAD_COUNT_CAP {
        format!("{}+", UNREAD_COUNT_CAP - 1)
    } else {
        count.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    #[test]
    fn a_notice_reads_its_kind_in_brackets_and_dates_and_times_the_korean_way() {
        let kind = NotificationKind::FollowUpAssigned;
        let title = notice_title(kind, &format!("협의 결과 공문 시행 (기한 {})", korean_date(d("2024-08-30"))));
        assert_eq!(title, "[후속조치 지정] 협의 결과 공문 시행 (기한 2024. 8. 30.)");
        let at: DateTime<Utc> = "2024-07-09T06:00:00Z".parse().unwrap();
        assert_eq!(crate::time::korean_moment(at), "2024. 7. 9. 15:00", "in Korean time");
    }

    /// The kind of reminder a due date calls for on `today`, if any.
    fn kind_on(thing: DueThing, due: NaiveDate, today: NaiveDate) -> Option<NotificationKind> {
        let mut kinds = reminder_windows(thing, today).into_iter().filter(|w| w.contains(due)).map(|w| w.kind);
        let kind = kinds.next();
        assert_eq!(kinds.next(), None, "{due} on {today}: in two windows");
        kind
    }

    #[test]
    fn a_report_is_reminded_a_week_before_a_day_before_and_once_overdue() {
        let due = d("2024-06-30");
        let at = |today: &str| kind_on(DueThing::Report, due, d(today));
        assert_eq!(at("2024-06-22"), None, "eight days ahead: nothing yet");
        assert_eq!(at("2024-06-23"), Some(NotificationKind::ReportDueIn7));
        assert_eq!(at("2024-06-28"), Some(NotificationKind::ReportDueIn7), "a missed seventh day is made up");
        assert_eq!(at("2024-06-29"), Some(NotificationKind::ReportDueIn1));
        assert_eq!(at("2024-06-30"), Some(NotificationKind::ReportDueIn1), "the day itself");
        assert_eq!(at("2024-07-01"), Some(NotificationKind::ReportOverdue));
        assert_eq!(at("2024-09-01"), Some(NotificationKind::ReportOverdue));
        assert_ne!(due_occasion(d("2024-07-05")), due_occasion(due), "a moved date is reminded of again");
    }

    #[test]
    fn a_milestone_is_reminded_before_its_date_and_never_as_overdue() {
        let due = d("2024-06-30");
        assert_eq!(kind_on(DueThing::Milestone, due, d("2024-06-23")), Some(NotificationKind::MilestoneDueIn7));
        assert_eq!(kind_on(DueThing::Milestone, due, d("2024-06-29")), Some(NotificationKind::MilestoneDueIn1));
        assert_eq!(kind_on(DueThing::Milestone, due, d("2024-07-01")), None);
    }

    #[test]
    fn no_due_date_falls_in_two_windows() {
        let today = d("2024-06-30");
        for offset in -40..40 {
            let due = today + chrono::Duration::days(offset);
            kind_on(DueThing::Report, due, today);
            kind_on(DueThing::Milestone, due, today);
        }
    }

    #[test]
    fn a_due_title_says_what_when_and_how_long_in_korean() {
        let t = due_title(
            NotificationKind::MilestoneDueIn7,
            "과제 3 · 산단계획 승인 신청",
            d("2024-06-30"),
            d("2024-06-23"),
        );
        assert_eq!(t, "[추진일정 기한 7일 전] 과제 3 · 산단계획 승인 신청 (2024. 6. 30., 기한까지 7일 남음)");
        assert_eq!(days_left_text(d("2024-06-30"), d("2024-06-30")), "오늘까지");
        assert_eq!(days_left_text(d("2024-06-30"), d("2024-07-02")), "기한이 2일 지남");
        assert_eq!(mail_subject("알림"), "[한팀] 알림");
        let body = mail_body("알림", "https://h.example/tasks/3", "https://h.example/notifications");
        assert!(body.contains("바로 가기: https://h.example/tasks/3"));
    }

    #[test]
    fn e_mail_addresses_are_checked_and_empty_means_none() {
        assert_eq!(parse_email("  "), Ok(None));
        assert_eq!(parse_email(" hong.gildong@Korea.KR "), Ok(Some("hong.gildong@korea.kr".into())));
        assert_eq!(parse_email("a+b@mail.go.kr"), Ok(Some("a+b@mail.go.kr".into())));
        for bad in [
            "hong",
            "hong@",
            "@korea.kr",
            "hong@korea",
            "ho ng@korea.kr",
            "a@@b.kr",
            "a@b..kr",
            ".a@b.kr",
            "a@-b.kr",
            "홍@korea.kr",
        ] {
            let e = parse_email(bad).unwrap_err();
            assert_eq!(e.field, "email");
            assert!(e.message.contains("이메일 주소"), "{bad}: {}", e.message);
        }
        assert!(parse_email(&format!("{}@korea.kr", "a".repeat(250))).is_err());
    }

    #[test]
    fn a_failed_mail_waits_longer_each_time_at_most_an_hour_and_is_given_up_at_last() {
        let t = DateTime::parse_from_rfc3339("2024-06-01T00:00:00Z").unwrap().with_timezone(&Utc);
        let waits: Vec<i64> = (1..=9).map(|n| (mail_retry_at(t, n) - t).num_minutes()).collect();
        assert_eq!(waits, vec![1, 2, 4, 8, 16, 32, 60, 60, 60]);
        assert!(!mail_gives_up(MAIL_MAX_ATTEMPTS - 1));
        assert!(mail_gives_up(MAIL_MAX_ATTEMPTS));
        assert!(MAIL_LEASE > Duration::seconds(60), "longer than the SMTP timeout");
    }

    #[test]
    fn the_bell_counts_to_ninety_nine() {
        assert_eq!(unread_text(0), "0");
        assert_eq!(unread_text(99), "99");
        assert_eq!(unread_text(UNREAD_COUNT_CAP), "99+");
    }

    #[test]
    fn kinds_are_stored_by_code_and_named_in_korean() {
        for k in NotificationKind::ALL {
            assert_eq!(k.as_str().parse::<NotificationKind>(), Ok(k));
            assert!(k.label_ko().chars().any(|c| ('가'..='힣').contains(&c)));
        }
        assert!("nope".parse::<NotificationKind>().is_err());
    }
}
