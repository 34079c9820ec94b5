-- The due-date reminders the scheduled job has made, one row per reminder whoever received it:
-- a milestone's (agency 0) or an agency's reports in a check cycle. The job runs every minute and
-- picks only what has no row here, so on 100,000 tasks a run after the day's first finds nothing
-- to do instead of trying ~900,000 notifications again, and a page of due milestones moves on to
-- the next page. The notifications' own unique key still keeps each person's copy once.
CREATE TABLE reminders_made (
    kind TEXT NOT NULL,
    subject_type TEXT NOT NULL,
    subject_id BIGINT NOT NULL,
    agency_id BIGINT NOT NULL DEFAULT 0,
    due DATE NOT NULL,
    made_at TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (subject_type, subject_id, agency_id, kind, due)
);
