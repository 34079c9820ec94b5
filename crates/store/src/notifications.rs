//! Notifications (알림) and the outbox of their e-mails.
//!
//! A notification is inserted with `ON CONFLICT DO NOTHING` on its unique key (kind, subject,
//! recipient, occasion): whoever inserts first reminds, everyone after (the same job on another
//! server, the same job a minute later) finds the row there and does nothing. Its e-mail row is
//! inserted in the same transaction, so a notification has its e-mail or neither exists.
//!
//! E-mails are claimed one row at a time by an atomic `UPDATE … WHERE sent_at IS NULL AND (not
//! claimed or the lease ran out)`; on PostgreSQL the candidate row is taken `FOR UPDATE SKIP
//! LOCKED`, so two servers claiming at the same moment take different rows. A claimed e-mail is
//! marked sent only after the SMTP server accepted it, and a sent one is never claimed again.

use chrono::{DateTime, NaiveDate, Utc};
use hanteam_domain::{AgencyId, NotificationId, Paging, TaskId, UserId};
use serde::Serialize;

use crate::tx::{Record, Value};
use crate::views::Page;
use crate::{with_db, Db, Result, Tx};

/// One notification to one person.
#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct NotificationRecord {
    pub id: i64,
    pub user_id: i64,
    /// report_due_7, report_due_1, report_overdue, report_returned, follow_up_assigned,
    /// mediation_scheduled, milestone_due_7, milestone_due_1.
    pub kind: String,
    /// What it is about: a record type (task_milestone, progress_report, follow_up, mediation …)…
    pub subject_type: String,
    /// …and that record's id.
    pub subject_id: i64,
    /// What makes it different from an earlier one of the same kind and subject (e.g. the due date).
    pub occasion: String,
    /// What it says, in Korean.
    pub title: String,
    /// A path of this site to act on it.
    pub link: String,
    pub created_at: DateTime<Utc>,
    /// When the person marked it read; `null` while unread.
    pub read_at: Option<DateTime<Utc>>,
    pub version: i64,
}

impl Record for NotificationRecord {
    type Id = NotificationId;
    const TABLE: &'static str = "notifications";
    const COLUMNS: &'static str =
        "id, user_id, kind, subject_type, subject_id, occasion, title, link, created_at, read_at, version";
    const AUDIT_TYPE: &'static str = "notification";

    fn id(&self) -> i64 {
        self.id
    }

    fn version(&self) -> i64 {
        self.version
    }
}

/// A notification to insert for one person.
#[derive(Debug, Clone)]
pub struct NewNotification<'a> {
    pub user_id: UserId,
    pub kind: &'a str,
    pub subject_type: &'a str,
    pub subject_id: i64,
    pub occasion: &'a str,
    pub title: &'a str,
    pub link: &'a str,
}

/// A person a notification can go to: their account, e-mail address and whether it is in use.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Contact {
    #[sqlx(try_from = "i64")]
    pub user_id: UserId,
    pub email: Option<String>,
}

/// An e-mail claimed for sending, with what it says.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct ClaimedMail {
    pub id: i64,
    pub notification_id: i64,
    pub to_address: String,
    /// Including this one.
    pub attempts: i64,
    pub title: String,
    pub link: String,
}

/// An open milestone of an active task falling due, with the agencies to remind.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct MilestoneDue {
    pub milestone_id: i64,
    pub milestone_title: String,
    pub due: NaiveDate,
    #[sqlx(try_from = "i64")]
    pub task_id: TaskId,
    pub task_seq: i64,
    pub task_title: String,
}

/// An agency's progress reports (추진실적) not yet submitted in an open check cycle due by a day.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct ReportsDue {
    pub cycle_id: i64,
    pub cycle_name: String,
    pub due: NaiveDate,
    #[sqlx(try_from = "i64")]
    pub agency_id: AgencyId,
    pub agency_short_name: String,
    /// How many of the agency's reports in the cycle are not submitted.
    pub open_reports: i64,
}

/// How many due milestones of a window the reminder job picks at a time.
pub const MILESTONES_PER_PICK: i64 = 5_000;

impl Tx {
    /// Inserts the notification unless the same one (kind, subject, recipient, occasion) exists:
    /// the new row, or `None` when it was there already.
    pub async fn insert_notification(&mut self, n: &NewNotification<'_>) -> Result<Option<NotificationRecord>> {
        let at = self.at();
        let sql = format!(
            "INSERT INTO notifications (user_id, kind, subject_type, subject_id, occasion, title, link, created_at, updated_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8)
             ON CONFLICT (kind, subject_type, subject_id, user_id, occasion) DO NOTHING
             RETURNING {}",
            NotificationRecord::COLUMNS
        );
        let values: Vec<Value> = vec![
            n.user_id.into(),
            n.kind.into(),
            n.subject_type.into(),
            n.subject_id.into(),
            n.occasion.into(),
            n.title.into(),
            n.link.into(),
            at.into(),
        ];
        self.fetch_optional(&sql, &values).await
    }

    /// Remembers that the `kind` reminder of a subject's due date has been made (for `agency`, or
    /// 0 for everyone), so the job does not pick it again; a second server's mark changes nothing.
    pub async fn mark_reminded(
        &mut self,
        kind: &str,
        subject_type: &str,
        subject_id: i64,
        agency: Option<AgencyId>,
        due: NaiveDate,
    ) -> Result<()> {
        let at = self.at();
        self.execute(
            "INSERT INTO reminders_made (kind, subject_type, subject_id, agency_id, due, made_at)
             VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT DO NOTHING",
            &[
                kind.into(),
                subject_type.into(),
                subject_id.into(),
                agency.map_or(0, |a| a.get()).into(),
                due.into(),
                at.into(),
            ],
        )
        .await?;
        Ok(())
    }

    /// Puts the notification's e-mail in the outbox, to be sent from `at` on.
    pub async fn queue_mail(&mut self, notification: NotificationId, to: &str) -> Result<()> {
        let at = self.at();
        self.execute(
            "INSERT INTO notification_mails (notification_id, to_address, created_at, next_attempt_at)
             VALUES ($1, $2, $3, $3) ON CONFLICT (notification_id) DO NOTHING",
            &[notification.get().into(), to.into(), at.into()],
        )
        .await?;
        Ok(())
    }

    /// The officers of an agency whose accounts are in use.
    pub async fn officers_of(&mut self, agency: AgencyId) -> Result<Vec<Contact>> {
        self.fetch_all(
            "SELECT DISTINCT u.id AS user_id, u.email FROM user_roles r JOIN users u ON u.id = r.user_id
             WHERE r.role = 'agency_officer' AND r.agency_id = $1 AND u.disabled_at IS NULL ORDER BY u.id",
            &[agency.into()],
        )
        .await
    }

    /// A person, if their account is in use.
    pub async fn contact(&mut self, user: UserId) -> Result<Option<Contact>> {
        self.fetch_optional(
            "SELECT id AS user_id, email FROM users WHERE id = $1 AND disabled_at IS NULL",
            &[user.into()],
        )
        .await
    }

    /// Marks one of `user`'s notifications read (once: a read one stays as it was). The record
    /// after, or `None` when it is not theirs or not there.
    pub async fn mark_notification_read(
        &mut self,
        id: NotificationId,
        user: UserId,
    ) -> Result<Option<(NotificationRecord, Option<NotificationRecord>)>> {
        let Some(before) = self.load::<NotificationRecord>(id).await? else { return Ok(None) };
        if before.user_id != user.get() {
            return Ok(None);
        }
        if before.read_at.is_some() {
            return Ok(Some((before, None)));
        }
        let at = self.at();
        self.update_versioned("notifications", id.get(), before.version, &[("read_at", at.into())]).await?;
        let after = self.load::<NotificationRecord>(id).await?;
        Ok(Some((before, after)))
    }

    /// Marks every unread notification of `user` read; how many.
    pub async fn mark_all_notifications_read(&mut self, user: UserId) -> Result<u64> {
        let at = self.at();
        self.execute(
            "UPDATE notifications SET read_at = $2, updated_at = $2, version = version + 1
             WHERE user_id = $1 AND read_at IS NULL",
            &[user.into(), at.into()],
        )
        .await
    }

    /// Claims the next e-mail due at `now` that nobody holds (or whose holder's lease ran out),
    /// holding it until `lease_until` and counting the attempt.
    pub async fn claim_mail(&mut self, now: DateTime<Utc>, lease_until: DateTime<Utc>) -> Result<Option<ClaimedMail>> {
        let skip_locked = if self.is_postgres() { " FOR UPDATE SKIP LOCKED" } else { "" };
        let sql = format!(
            "UPDATE notification_mails SET claimed_until = $2, attempts = attempts + 1
             WHERE id = (SELECT id FROM notification_mails
                         WHERE sent_at IS NULL AND gave_up_at IS NULL AND next_attempt_at <= $1
                           AND (claimed_until IS NULL OR claimed_until <= $1)
                         ORDER BY next_attempt_at, id LIMIT 1{skip_locked})
               AND sent_at IS NULL AND (claimed_until IS NULL OR claimed_until <= $1)
             RETURNING id, notification_id, to_address, attempts"
        );
        let claimed: Option<(i64, i64, String, i64)> =
            self.fetch_optional(&sql, &[now.into(), lease_until.into()]).await?;
        let Some((id, notification_id, to_address, attempts)) = claimed else { return Ok(None) };
        let (title, link): (String, String) = self
            .fetch_optional("SELECT title, link FROM notifications WHERE id = $1", &[notification_id.into()])
            .await?
            .ok_or_else(|| crate::StoreError::Corrupt(format!("{notification_id}번 알림이 없습니다")))?;
        Ok(Some(ClaimedMail { id, notification_id, to_address, attempts, title, link }))
    }

    /// The SMTP server accepted the e-mail: it is never sent again.
    pub async fn mail_sent(&mut self, id: i64, at: DateTime<Utc>) -> Result<()> {
        self.execute(
            "UPDATE notification_mails SET sent_at = $2, claimed_until = NULL, last_error = NULL WHERE id = $1",
            &[id.into(), at.into()],
        )
        .await?;
        Ok(())
    }

    /// Sending failed: try again at `retry_at`, or never (`give_up`), keeping the reason.
    pub async fn mail_failed(
        &mut self,
        id: i64,
        error: &str,
        retry_at: DateTime<Utc>,
        give_up: bool,
        at: DateTime<Utc>,
    ) -> Result<()> {
        let gave_up: Option<DateTime<Utc>> = give_up.then_some(at);
        self.execute(
            "UPDATE notification_mails SET claimed_until = NULL, next_attempt_at = $2, last_error = $3, gave_up_at = $4
             WHERE id = $1 AND sent_at IS NULL",
            &[id.into(), retry_at.into(), error.into(), gave_up.into()],
        )
        .await?;
        Ok(())
    }
}

/// An e-mail's state, for tests and the operator.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct MailState {
    pub to_address: String,
    pub attempts: i64,
    pub sent_at: Option<DateTime<Utc>>,
    pub gave_up_at: Option<DateTime<Utc>>,
    pub last_error: Option<String>,
}

impl Db {
    /// One page of a person's notifications, newest first.
    pub async fn notifications_page(&self, user: UserId, paging: Paging) -> Result<Page<NotificationRecord>> {
        let sql = format!(
            "SELECT {} FROM notifications WHERE user_id = $1 ORDER BY id DESC LIMIT $2 OFFSET $3",
            NotificationRecord::COLUMNS
        );
        let (total, items) = with_db!(self, |pool| {
            let total: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM notifications WHERE user_id = $1")
                .bind(user.get())
                .fetch_one(pool)
                .await?;
            let items = sqlx::query_as::<_, NotificationRecord>(&sql)
                .bind(user.get())
                .bind(paging.limit)
                .bind(paging.offset)
                .fetch_all(pool)
                .await?;
            (total, items)
        });
        Ok(Page { items, total })
    }

    /// How many notifications `user` has not read, counted up to `cap` rows of the unread index.
    pub async fn unread_notifications(&self, user: UserId, cap: i64) -> Result<i64> {
        Ok(with_db!(self, |pool| {
            sqlx::query_scalar(
                "SELECT COUNT(*) FROM (SELECT 1 FROM notifications WHERE user_id = $1 AND read_at IS NULL LIMIT $2) AS unread",
            )
            .bind(user.get())
            .bind(cap)
            .fetch_one(pool)
            .await?
        }))
    }

    /// Open milestones of active (confirmed, in progress), unarchived tasks due from `from` to `to`
    /// that have had no `kind` reminder for that due date yet, a page at a time (the next run
    /// takes the next page, as the reminded ones drop out).
    pub async fn open_milestones_due(&self, kind: &str, from: NaiveDate, to: NaiveDate) -> Result<Vec<MilestoneDue>> {
        let sql = "SELECT m.id AS milestone_id, m.title AS milestone_title, m.due AS due, t.id AS task_id,
                          t.seq AS task_seq, t.title AS task_title
                   FROM task_milestones m JOIN tasks t ON t.id = m.task_id
                   WHERE m.done_on IS NULL AND m.due >= $1 AND m.due <= $2
                     AND t.archived_at IS NULL AND t.status IN ('confirmed', 'in_progress')
                     AND NOT EXISTS (SELECT 1 FROM reminders_made r
                                     WHERE r.subject_type = 'task_milestone' AND r.subject_id = m.id
                                       AND r.agency_id = 0 AND r.kind = $3 AND r.due = m.due)
                   ORDER BY m.due, m.id LIMIT $4";
        Ok(with_db!(self, |pool| {
            sqlx::query_as::<_, MilestoneDue>(sql)
                .bind(from)
                .bind(to)
                .bind(kind)
                .bind(MILESTONES_PER_PICK)
                .fetch_all(pool)
                .await?
        }))
    }

    /// Per open check cycle due from `from` (none: any day before) to `to` and agency: how many of
    /// the agency's reports are not submitted (the cycle's kept counts), where that agency has had
    /// no `kind` reminder of the cycle yet. One row per (cycle, agency), so a cycle of many tasks
    /// makes one reminder per agency, not one per report.
    pub async fn open_reports_due(
        &self,
        kind: &str,
        from: Option<NaiveDate>,
        to: NaiveDate,
    ) -> Result<Vec<ReportsDue>> {
        let sql = "SELECT c.id AS cycle_id, c.name AS cycle_name, c.due AS due, a.id AS agency_id,
                          a.short_name AS agency_short_name, k.n AS open_reports
                   FROM check_cycles c
                   JOIN check_cycle_counts k ON k.cycle_id = c.id AND k.counted = 'open' AND k.agency_id <> 0 AND k.n > 0
                   JOIN agencies a ON a.id = k.agency_id
                   WHERE c.closed_at IS NULL AND ($1 IS NULL OR c.due >= $1) AND c.due <= $2
                     AND NOT EXISTS (SELECT 1 FROM reminders_made r
                                     WHERE r.subject_type = 'check_cycle' AND r.subject_id = c.id
                                       AND r.agency_id = k.agency_id AND r.kind = $3 AND r.due = c.due)
                   ORDER BY c.due, c.id, a.id";
        Ok(with_db!(self, |pool| {
            sqlx::query_as::<_, ReportsDue>(sql).bind(from).bind(to).bind(kind).fetch_all(pool).await?
        }))
    }

    /// The agencies taking part in a task.
    pub async fn task_agency_ids(&self, task: TaskId) -> Result<Vec<AgencyId>> {
        let ids: Vec<i64> = with_db!(self, |pool| {
            sqlx::query_scalar("SELECT agency_id FROM task_agency_roles WHERE task_id = $1 ORDER BY agency_id")
                .bind(task.get())
                .fetch_all(pool)
                .await?
        });
        Ok(ids.into_iter().map(AgencyId::new).collect())
    }

    /// Every e-mail of the notifications of `kind`, oldest first.
    pub async fn mails_of_kind(&self, kind: &str) -> Result<Vec<MailState>> {
        Ok(with_db!(self, |pool| {
            sqlx::query_as::<_, MailState>(
                "SELECT m.to_address, m.attempts, m.sent_at, m.gave_up_at, m.last_error
                 FROM notification_mails m JOIN notifications n ON n.id = m.notification_id
                 WHERE n.kind = $1 ORDER BY m.id",
            )
            .bind(kind)
            .fetch_all(pool)
            .await?
        }))
    }
}
