//! Reminders (알림): queueing a notification from any use case, one's own list and the bell's
//! count, marking read, and the scheduled job that finds due dates and sends the e-mails.
//!
//! # Queueing a notification from a use case
//!
//! Inside the use case's own transaction, after its change:
//!
//! ```ignore
//! notify::queue_in(&mut tx, &by.actor, &Notice {
//!     kind: NotificationKind::FollowUpAssigned,
//!     recipients: vec![Recipient::AgencyOfficers(owner_agency), Recipient::User(owner)],
//!     subject: Subject { record_type: "follow_up", id: follow_up.id },
//!     title: format!("후속조치가 지정되었습니다: {}", follow_up.title),
//!     link: format!("/tasks/{}", task.id),
//!     occasion: "assigned".into(),
//! }).await?;
//! ```
//!
//! Each recipient gets one notification (and, with an e-mail address, one e-mail) per
//! (kind, subject, recipient, occasion): queueing the same notice again does nothing, so a use
//! case need not check. Choose `occasion` to say what would make a new reminder (a returned
//! report returned again: `format!("returned:{version}")`). The rows are written and audited in
//! the caller's transaction: rolled back with it, they never existed.
//!
//! # The job
//!
//! [`run_job`] is what `hanteam serve` calls every minute, with the time as an argument so tests
//! drive it: [`remind_due`] turns due dates into notifications, [`deliver_mail`] sends the queued
//! e-mails. Both are safe to run on several servers sharing one PostgreSQL at the same moment.

use std::time::Duration as StdDuration;

use chrono::{DateTime, NaiveDate, Utc};
use hanteam_domain::access::can_read_notifications_of;
use hanteam_domain::audit::AuditAction;
use hanteam_domain::notification::{
    due_occasion, due_title, mail_body, mail_gives_up, mail_retry_at, mail_subject, reminder_windows, DueThing,
    NotificationKind, MAIL_LEASE, UNREAD_COUNT_CAP,
};
use hanteam_domain::time::kst_date;
use hanteam_domain::{AgencyId, NotificationId, Paging, UserId};
use hanteam_store::audit::{Actor, Change};
use hanteam_store::notifications::{Contact, NewNotification, NotificationRecord};
use hanteam_store::views::Page;
use hanteam_store::{Db, Tx};
use lettre::message::{header::ContentType, Mailbox};
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};

use crate::{Caller, Result, UseCaseError};

/// Who is to be reminded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Recipient {
    /// One person.
    User(UserId),
    /// Every officer (기관 담당자) of an agency whose account is in use.
    AgencyOfficers(AgencyId),
}

/// What a notification is about: a record (its audit record type and id).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Subject {
    pub record_type: &'static str,
    pub id: i64,
}

/// A notification to queue for several people at once.
#[derive(Debug, Clone)]
pub struct Notice {
    pub kind: NotificationKind,
    pub recipients: Vec<Recipient>,
    pub subject: Subject,
    /// What it says, in Korean, in one line.
    pub title: String,
    /// A path of this site (`/tasks/12`); the e-mail makes it a full address.
    pub link: String,
    /// What makes it a new reminder rather than a repeat (e.g. `due:2024-06-30`).
    pub occasion: String,
}

/// Queues `notice` in `tx` for each recipient who has not had it yet (a person named twice, or as
/// a user and an agency officer, gets it once), with an e-mail for those with an address, each new
/// notification audited as made by `by`. Returns the notifications made now.
pub async fn queue_in(tx: &mut Tx, by: &Actor, notice: &Notice) -> Result<Vec<NotificationId>> {
    let mut people: Vec<Contact> = Vec::new();
    for r in &notice.recipients {
        let found = match r {
            Recipient::User(u) => tx.contact(*u).await?.into_iter().collect(),
            Recipient::AgencyOfficers(a) => tx.officers_of(*a).await?,
        };
        for c in found {
            if !people.iter().any(|p| p.user_id == c.user_id) {
                people.push(c);
            }
        }
    }
    let mut made = Vec::new();
    for person in people {
        let new = NewNotification {
            user_id: person.user_id,
            kind: notice.kind.as_str(),
            subject_type: notice.subject.record_type,
            subject_id: notice.subject.id,
            occasion: &notice.occasion,
            title: &notice.title,
            link: &notice.link,
        };
        let Some(row) = tx.insert_notification(&new).await? else { continue };
        let id = NotificationId::new(row.id);
        if let Some(email) = person.email.as_deref().filter(|e| !e.is_empty()) {
            tx.queue_mail(id, email).await?;
        }
        tx.audit(by, Change::created(AuditAction::NotificationCreate, &row)).await?;
        made.push(id);
    }
    Ok(made)
}

// ---------------------------------------------------------------------------------------------
// One's own notifications.

fn me(by: &Caller) -> Result<UserId> {
    let id = by.user_id()?;
    if can_read_notifications_of(by.signed_in()?, id) {
        Ok(id)
    } else {
        Err(UseCaseError::forbidden())
    }
}

/// The caller's notifications, newest first, a page at a time, with how many are unread.
pub async fn my_notifications(db: &Db, by: &Caller, paging: Paging) -> Result<(Page<NotificationRecord>, i64)> {
    let me = me(by)?;
    let page = db.notifications_page(me, paging).await?;
    let unread = db.unread_notifications(me, UNREAD_COUNT_CAP).await?;
    Ok((page, unread))
}

/// How many of the caller's notifications are unread, up to [`UNREAD_COUNT_CAP`] (the bell).
/// `None` for someone without notifications (the public, the console, a token without read).
pub async fn unread_count(db: &Db, by: &Caller) -> Result<Option<i64>> {
    let Some(p) = by.principal() else { return Ok(None) };
    let Some(me) = p.user_id.filter(|u| can_read_notifications_of(p, *u)) else { return Ok(None) };
    Ok(Some(db.unread_notifications(me, UNREAD_COUNT_CAP).await?))
}

/// Marks one of the caller's notifications read (again: no change). Someone else's is not found.
pub async fn mark_read(db: &Db, by: &Caller, id: NotificationId) -> Result<NotificationRecord> {
    let me = me(by)?;
    let mut tx = db.begin().await?;
    let (before, after) =
        tx.mark_notification_read(id, me).await?.ok_or_else(|| UseCaseError::NotFound(format!("{id}번 알림")))?;
    let Some(after) = after else { return Ok(before) };
    tx.audit(&by.actor, Change::updated(AuditAction::NotificationRead, &before, &after)).await?;
    tx.commit().await?;
    Ok(after)
}

/// Marks all of the caller's notifications read; how many were unread.
pub async fn mark_all_read(db: &Db, by: &Caller) -> Result<u64> {
    let me = me(by)?;
    let mut tx = db.begin().await?;
    let n = tx.mark_all_notifications_read(me).await?;
    if n > 0 {
        let detail = serde_json::json!({ "marked_read": n }).to_string();
        tx.audit(&by.actor, Change::event(AuditAction::NotificationReadAll, "user", Some(me.get()), Some(detail)))
            .await?;
    }
    tx.commit().await?;
    Ok(n)
}

// ---------------------------------------------------------------------------------------------
// The job.

/// How far ahead the job looks for due dates (the week-before reminder).
/// Turns the due dates of `now`'s Korean day into notifications: milestones (추진일정) of active
/// tasks due within a week remind their agencies' officers; progress reports of open check cycles
/// due within a week, or overdue, remind the officers of each agency with reports not submitted.
/// Each reminder made is remembered, so later runs (every minute, on every server) pick only what
/// is new. Returns how many notifications were made (0 when another server, or an earlier run,
/// made them already).
pub async fn remind_due(db: &Db, now: DateTime<Utc>) -> Result<usize> {
    let today = kst_date(now);
    let mut made = 0;
    // A page at a time: each picked reminder is marked made, so the next pick is the next page.
    loop {
        let due = due_reminders(db, today).await?;
        if due.is_empty() {
            return Ok(made);
        }
        // Many reminders to a transaction: one commit each made the first run of a day on 100,000
        // tasks (~150,000 reminders) take minutes, holding SQLite's one writer all that time. A
        // batch stays small enough that other writers wait for it no longer than for a few writes.
        for batch in due.chunks(REMIND_BATCH) {
            let mut tx = db.begin().await?;
            for d in batch {
                made += queue_in(&mut tx, &Actor::system(), &d.notice).await?.len();
                let subject = d.notice.subject;
                tx.mark_reminded(d.notice.kind.as_str(), subject.record_type, subject.id, d.agency, d.due).await?;
            }
            tx.commit().await?;
        }
    }
}

/// The reminders due on `today` and not made yet: a page of each window's milestones, and the
/// open check cycles' reports per agency.
async fn due_reminders(db: &Db, today: NaiveDate) -> Result<Vec<DueReminder>> {
    let mut due = Vec::new();
    for window in reminder_windows(DueThing::Milestone, today) {
        let (from, to) = (window.from.unwrap_or(today), window.to);
        for m in db.open_milestones_due(window.kind.as_str(), from, to).await? {
            let what = format!("과제 {} · {} — {}", m.task_seq, m.task_title, m.milestone_title);
            let recipients =
                db.task_agency_ids(m.task_id).await?.into_iter().map(Recipient::AgencyOfficers).collect::<Vec<_>>();
            let notice = Notice {
                kind: window.kind,
                recipients,
                subject: Subject { record_type: "task_milestone", id: m.milestone_id },
                title: due_title(window.kind, &what, m.due, today),
                link: format!("/tasks/{}", m.task_id),
                occasion: due_occasion(m.due),
            };
            due.push(DueReminder { notice, agency: None, due: m.due });
        }
    }
    for window in reminder_windows(DueThing::Report, today) {
        for r in db.open_reports_due(window.kind.as_str(), window.from, window.to).await? {
            let what = format!("{} — {} 추진실적 {}건 미제출", r.cycle_name, r.agency_short_name, r.open_reports);
            let notice = Notice {
                kind: window.kind,
                recipients: vec![Recipient::AgencyOfficers(r.agency_id)],
                subject: Subject { record_type: "check_cycle", id: r.cycle_id },
                title: due_title(window.kind, &what, r.due, today),
                link: format!("/checks/{}", r.cycle_id),
                // An officer of two agencies is reminded of each agency's reports.
                occasion: format!("{}:agency:{}", due_occasion(r.due), r.agency_id),
            };
            due.push(DueReminder { notice, agency: Some(r.agency_id), due: r.due });
        }
    }
    Ok(due)
}

/// A reminder to make, with what marks it made.
struct DueReminder {
    notice: Notice,
    agency: Option<AgencyId>,
    due: NaiveDate,
}

/// How many reminders [`remind_due`] makes in one transaction.
const REMIND_BATCH: usize = 50;

/// The SMTP server reminders are e-mailed through, who they come from, and the address the links
/// in them start with.
#[derive(Clone)]
pub struct Mailer {
    transport: AsyncSmtpTransport<Tokio1Executor>,
    from: Mailbox,
    public_url: String,
}

impl std::fmt::Debug for Mailer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Never the URL: it may hold the SMTP password.
        f.debug_struct("Mailer").field("from", &self.from.to_string()).finish_non_exhaustive()
    }
}

/// How long one SMTP conversation may take (shorter than the claim's lease).
const SMTP_TIMEOUT: StdDuration = StdDuration::from_secs(30);

impl Mailer {
    /// `smtp_url`: `smtp://host:25` (plain), `smtp://host:587?tls=required` (STARTTLS) or
    /// `smtps://user:password@host:465`; `from`: e.g. `한팀 알림 <hanteam@korea.kr>`; `public_url`:
    /// where people reach hanteam (`https://hanteam.example.go.kr`).
    pub fn new(smtp_url: &str, from: &str, public_url: &str) -> Result<Mailer, String> {
        let from: Mailbox = from.trim().parse().map_err(|_| {
            format!("보내는 사람 주소가 올바르지 않습니다: '{from}'. 예: hanteam@korea.kr 또는 \"한팀 알림 <hanteam@korea.kr>\"")
        })?;
        let transport = AsyncSmtpTransport::<Tokio1Executor>::from_url(smtp_url)
            .map_err(|e| {
                format!(
                    "SMTP 주소가 올바르지 않습니다 ({e}). 예: smtp://mail.example.go.kr:25, \
                     smtp://user:password@mail.example.go.kr:587?tls=required, smtps://mail.example.go.kr:465"
                )
            })?
            .timeout(Some(SMTP_TIMEOUT))
            .build();
        Ok(Mailer { transport, from, public_url: public_url.trim_end_matches('/').to_string() })
    }

    async fn send(&self, to: &str, title: &str, link: &str) -> Result<(), String> {
        let to: Mailbox = to.parse().map_err(|e| format!("받는 사람 주소 '{to}'를 쓸 수 없습니다: {e}"))?;
        let body =
            mail_body(title, &format!("{}{link}", self.public_url), &format!("{}/notifications", self.public_url));
        let message = Message::builder()
            .from(self.from.clone())
            .to(to)
            .subject(mail_subject(title))
            .header(ContentType::TEXT_PLAIN)
            .body(body)
            .map_err(|e| format!("메일을 만들 수 없습니다: {e}"))?;
        self.transport.send(message).await.map(|_| ()).map_err(|e| format!("SMTP 서버가 받지 않았습니다: {e}"))
    }
}

/// What one delivery run did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Delivery {
    pub sent: usize,
    pub failed: usize,
}

/// The most e-mails one run sends; the rest wait for the next run.
const MAILS_PER_RUN: usize = 200;

/// Sends the e-mails due at `now`, one claimed row at a time: marked sent when the SMTP server
/// accepted it, otherwise put back with a later time (1, 2, 4 … minutes, at most an hour) and given
/// up after twelve attempts. An e-mail that failed in this run is not tried again in it.
pub async fn deliver_mail(db: &Db, mailer: &Mailer, now: DateTime<Utc>) -> Result<Delivery> {
    // A test's clock may run ahead, never behind: an e-mail queued a moment ago is due now.
    let now = now.max(Utc::now());
    let mut done = Delivery::default();
    while done.sent + done.failed < MAILS_PER_RUN {
        let mut tx = db.begin().await?;
        let Some(mail) = tx.claim_mail(now, now + MAIL_LEASE).await? else { break };
        tx.commit().await?;
        let outcome = mailer.send(&mail.to_address, &mail.title, &mail.link).await;
        let mut tx = db.begin().await?;
        match outcome {
            Ok(()) => {
                tx.mail_sent(mail.id, Utc::now()).await?;
                done.sent += 1;
            }
            Err(why) => {
                tracing::warn!(mail = mail.id, attempts = mail.attempts, error = %why, "reminder e-mail not sent");
                let give_up = mail_gives_up(mail.attempts);
                tx.mail_failed(mail.id, &why, mail_retry_at(now, mail.attempts), give_up, Utc::now()).await?;
                done.failed += 1;
            }
        }
        tx.commit().await?;
    }
    Ok(done)
}

/// One run of the scheduled job at `now`: due-date reminders, then the e-mails (when a mailer is
/// configured).
pub async fn run_job(db: &Db, mailer: Option<&Mailer>, now: DateTime<Utc>) -> Result<(usize, Delivery)> {
    let made = remind_due(db, now).await?;
    let delivered = match mailer {
        Some(m) => deliver_mail(db, m, now).await?,
        None => Delivery::default(),
    };
    Ok((made, delivered))
}
