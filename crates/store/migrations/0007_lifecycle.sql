-- The task lifecycle (domain/src/lifecycle.rs): tabled (상정) and on hold (일시중지) join the
-- statuses (the CHECK is changed in the dialect files), and every move is kept with who, when and
-- why. Proposals: who proposed a task, and each participating agency's answer to taking part.

CREATE TABLE task_transitions (
    id {{id}},
    task_id BIGINT NOT NULL REFERENCES tasks(id),
    action TEXT NOT NULL
        CHECK (action IN ('table', 'confirm', 'return', 'start', 'hold', 'resume', 'complete', 'drop')),
    from_status TEXT NOT NULL,
    to_status TEXT NOT NULL,
    reason TEXT,
    -- NULL for a move recorded from the source (the 1st council's confirmations) or by the console.
    actor_user_id BIGINT REFERENCES users(id),
    actor TEXT NOT NULL,
    -- The council meeting whose decision made the move, when one did.
    meeting_id BIGINT REFERENCES council_meetings(id),
    occurred_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX task_transitions_task ON task_transitions (task_id, id);

-- The confirmations already recorded (the built-in 1st council) become the first entries of the
-- tasks' histories.
INSERT INTO task_transitions (task_id, action, from_status, to_status, reason, actor_user_id, actor, meeting_id,
        occurred_at)
    SELECT mt.task_id, 'confirm', 'tabled', 'confirmed', NULL, NULL, m.title, m.id, m.held_at
    FROM meeting_tasks mt
    JOIN meeting_agenda_items i ON i.id = mt.agenda_item_id
    JOIN council_meetings m ON m.id = i.meeting_id
    WHERE mt.outcome = 'confirmed'
    ORDER BY m.held_at, mt.task_id;

-- The agency that proposed the task (NULL: OPC, or the built-in data).
ALTER TABLE tasks ADD COLUMN proposed_by_agency_id BIGINT REFERENCES agencies(id);

-- Whether the agency has confirmed that it takes part (참여 확인). Agencies of the tasks already
-- registered take part by the council's confirmation.
ALTER TABLE task_agency_roles ADD COLUMN participation TEXT NOT NULL DEFAULT 'confirmed'
    CHECK (participation IN ('pending', 'confirmed', 'declined'));
ALTER TABLE task_agency_roles ADD COLUMN participation_reason TEXT;
