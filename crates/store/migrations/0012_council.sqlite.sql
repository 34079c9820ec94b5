-- SQLite cannot change a CHECK constraint: meeting_tasks is built again with the same rows, as
-- 0007 does for tasks (no table refers to meeting_tasks; foreign-key checks wait for the commit).
PRAGMA defer_foreign_keys = ON;
CREATE TABLE meeting_tasks_copy AS SELECT * FROM meeting_tasks;
DROP TABLE meeting_tasks;
CREATE TABLE meeting_tasks (
    agenda_item_id BIGINT NOT NULL REFERENCES meeting_agenda_items(id),
    task_id BIGINT NOT NULL REFERENCES tasks(id),
    outcome TEXT NOT NULL CHECK (outcome IN ('tabled', 'confirmed', 'deferred', 'returned', 'noted')),
    PRIMARY KEY (agenda_item_id, task_id)
);
INSERT INTO meeting_tasks (agenda_item_id, task_id, outcome)
    SELECT agenda_item_id, task_id, outcome FROM meeting_tasks_copy;
DROP TABLE meeting_tasks_copy;
CREATE INDEX meeting_tasks_task ON meeting_tasks (task_id);
