-- Reminders (알림): in-app notifications (the bell and its list) and the outbox of their e-mails.

-- Where a person's reminders are e-mailed (optional).
ALTER TABLE users ADD COLUMN email TEXT;

-- One row per person reminded. "Once" is the unique key: a reminder is inserted with ON CONFLICT DO
-- NOTHING, so two servers running the job at the same moment make one row between them.
CREATE TABLE notifications (
    id {{id}},
    user_id BIGINT NOT NULL REFERENCES users(id),
    kind TEXT NOT NULL,
    subject_type TEXT NOT NULL,
    subject_id BIGINT NOT NULL,
    -- What makes this reminder different from an earlier one of the same kind and subject
    -- (e.g. 'due:2024-06-30', the due date it reminds of).
    occasion TEXT NOT NULL,
    title TEXT NOT NULL,
    -- A path of this site (/tasks/12).
    link TEXT NOT NULL,
    created_at TIMESTAMPTZ NOT NULL,
    read_at TIMESTAMPTZ,
    updated_at TIMESTAMPTZ NOT NULL,
    version BIGINT NOT NULL DEFAULT 1,
    UNIQUE (kind, subject_type, subject_id, user_id, occasion)
);
-- The list, newest first, a page at a time.
CREATE INDEX notifications_user_newest ON notifications (user_id, id);
-- The bell's count reads this index only (and at most 100 of its rows).
CREATE INDEX notifications_unread ON notifications (user_id) WHERE read_at IS NULL;

-- The e-mail of a notification: claimed by one server at a time (a lease), marked sent once the
-- SMTP server accepted it, tried again later after a failure.
CREATE TABLE notification_mails (
    id {{id}},
    notification_id BIGINT NOT NULL UNIQUE REFERENCES notifications(id),
    to_address TEXT NOT NULL,
    created_at TIMESTAMPTZ NOT NULL,
    attempts BIGINT NOT NULL DEFAULT 0,
    next_attempt_at TIMESTAMPTZ NOT NULL,
    claimed_until TIMESTAMPTZ,
    sent_at TIMESTAMPTZ,
    gave_up_at TIMESTAMPTZ,
    last_error TEXT
);
CREATE INDEX notification_mails_pending ON notification_mails (next_attempt_at)
    WHERE sent_at IS NULL AND gave_up_at IS NULL;

-- The job's daily question "which open milestones fall due within a week" reads an index.
CREATE INDEX task_milestones_open_due ON task_milestones (due) WHERE done_on IS NULL;
