-- SQLite cannot change a CHECK constraint: the tasks table is built again with the same rows and
-- ids. Other tables refer to tasks by name, so their references hold once the new table has the
-- name. The rows wait in a copy while the table is dropped and made again; foreign-key checks wait
-- for the commit, and each task put back answers for the rows that refer to it.
PRAGMA defer_foreign_keys = ON;
CREATE TABLE tasks_copy AS SELECT * FROM tasks;
DROP TABLE tasks;
CREATE TABLE tasks (
    id INTEGER PRIMARY KEY,
    seq BIGINT NOT NULL UNIQUE,
    pair_id BIGINT REFERENCES exchange_pairs(id),
    title TEXT NOT NULL,
    task_type TEXT CHECK (task_type IN ('conflict_resolution', 'expertise_sharing', 'silo_removal')),
    source TEXT NOT NULL CHECK (source IN ('exchange', 'national_agenda', 'livelihood_debate', 'other')),
    status TEXT NOT NULL
        CHECK (status IN ('proposed', 'tabled', 'confirmed', 'in_progress', 'on_hold', 'completed', 'dropped')),
    description TEXT,
    lead_agency_id BIGINT REFERENCES agencies(id),
    archived_at TIMESTAMPTZ,
    created_at TIMESTAMPTZ NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL,
    version BIGINT NOT NULL DEFAULT 1,
    proposed_by_agency_id BIGINT REFERENCES agencies(id)
);
INSERT INTO tasks (id, seq, pair_id, title, task_type, source, status, description, lead_agency_id, archived_at,
        created_at, updated_at, version, proposed_by_agency_id)
    SELECT id, seq, pair_id, title, task_type, source, status, description, lead_agency_id, archived_at,
        created_at, updated_at, version, proposed_by_agency_id
    FROM tasks_copy ORDER BY id;
DROP TABLE tasks_copy;
CREATE INDEX tasks_status ON tasks (status, id);
CREATE INDEX tasks_type ON tasks (task_type, id);
CREATE INDEX tasks_source ON tasks (source, id);
CREATE INDEX tasks_pair ON tasks (pair_id, id);
CREATE INDEX tasks_title ON tasks (title, id);
CREATE INDEX tasks_updated ON tasks (updated_at, id);
