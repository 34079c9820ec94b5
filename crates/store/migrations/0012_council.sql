-- Council meetings run in hanteam (domain/src/council.rs): a meeting is scheduled, held or
-- cancelled (the built-in 1st meeting was held); the agencies attending; each new agenda item is of
-- a kind (a task to confirm, a progress review, a mediation), names its task (and for a mediation
-- its bottleneck), and holds the council's decision with its reason. meeting_tasks' outcome widens
-- to returned and noted (the CHECK is changed in the dialect files). A follow-up from a decision is
-- a follow_ups row of source_kind 'council' (that column has no CHECK).

ALTER TABLE council_meetings ADD COLUMN status TEXT NOT NULL DEFAULT 'held'
    CHECK (status IN ('scheduled', 'held', 'cancelled'));
ALTER TABLE council_meetings ADD COLUMN ends_at TIMESTAMPTZ;
ALTER TABLE council_meetings ADD COLUMN cancel_reason TEXT;
-- The home page's upcoming meetings.
CREATE INDEX council_meetings_status ON council_meetings (status, held_at);

CREATE TABLE meeting_attendees (
    meeting_id BIGINT NOT NULL REFERENCES council_meetings(id),
    agency_id BIGINT NOT NULL REFERENCES agencies(id),
    PRIMARY KEY (meeting_id, agency_id)
);

-- NULL kind: an item of the built-in source (the 1st meeting's agenda, read as it was).
ALTER TABLE meeting_agenda_items ADD COLUMN kind TEXT
    CHECK (kind IN ('task_confirmation', 'progress_review', 'mediation'));
ALTER TABLE meeting_agenda_items ADD COLUMN task_id BIGINT REFERENCES tasks(id);
ALTER TABLE meeting_agenda_items ADD COLUMN bottleneck_id BIGINT REFERENCES bottlenecks(id);
ALTER TABLE meeting_agenda_items ADD COLUMN decision TEXT
    CHECK (decision IN ('confirmed', 'returned', 'deferred', 'noted'));
ALTER TABLE meeting_agenda_items ADD COLUMN decision_reason TEXT;
ALTER TABLE meeting_agenda_items ADD COLUMN decided_at TIMESTAMPTZ;
-- Whether a task or a bottleneck is already on an agenda, undecided (the backlog leaves it out).
CREATE INDEX meeting_agenda_items_task ON meeting_agenda_items (task_id);
CREATE INDEX meeting_agenda_items_bottleneck ON meeting_agenda_items (bottleneck_id);
