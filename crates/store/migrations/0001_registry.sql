-- The collaboration-task registry. Written once for SQLite and PostgreSQL: `{{id}}` is the only
-- dialect token (an auto-numbered primary key); everything else is SQL both accept.
-- Every mutable table carries created_at, updated_at and version (optimistic concurrency).

CREATE TABLE source_documents (
    id {{id}},
    title TEXT NOT NULL,
    publisher TEXT NOT NULL,
    department TEXT,
    released_on DATE NOT NULL,
    embargo TEXT,
    distributed TEXT,
    contacts TEXT,
    created_at TIMESTAMPTZ NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL,
    version BIGINT NOT NULL DEFAULT 1
);

CREATE TABLE agencies (
    id {{id}},
    short_name TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    name_en TEXT,
    created_at TIMESTAMPTZ NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL,
    version BIGINT NOT NULL DEFAULT 1
);

CREATE TABLE exchange_designations (
    id {{id}},
    designated_on DATE NOT NULL,
    announced_by_agency_id BIGINT REFERENCES agencies(id),
    position_count BIGINT,
    note TEXT,
    source_document_id BIGINT REFERENCES source_documents(id),
    created_at TIMESTAMPTZ NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL,
    version BIGINT NOT NULL DEFAULT 1
);

CREATE TABLE positions (
    id {{id}},
    agency_id BIGINT NOT NULL REFERENCES agencies(id),
    title TEXT NOT NULL,
    level TEXT CHECK (level IN ('director_general', 'director')),
    created_at TIMESTAMPTZ NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL,
    version BIGINT NOT NULL DEFAULT 1,
    UNIQUE (agency_id, title)
);

CREATE TABLE exchange_pairs (
    id {{id}},
    seq BIGINT NOT NULL UNIQUE,
    theme TEXT NOT NULL,
    position_a_id BIGINT NOT NULL REFERENCES positions(id),
    position_b_id BIGINT NOT NULL REFERENCES positions(id),
    designation_id BIGINT REFERENCES exchange_designations(id),
    created_at TIMESTAMPTZ NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL,
    version BIGINT NOT NULL DEFAULT 1,
    CHECK (position_a_id <> position_b_id)
);

-- The person holding an exchange position. The release names nobody, so `name` stays empty.
CREATE TABLE exchangees (
    id {{id}},
    position_id BIGINT NOT NULL REFERENCES positions(id),
    name TEXT,
    expertise TEXT,
    created_at TIMESTAMPTZ NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL,
    version BIGINT NOT NULL DEFAULT 1
);
CREATE INDEX exchangees_position ON exchangees (position_id);

CREATE TABLE exchangee_careers (
    id {{id}},
    exchangee_id BIGINT NOT NULL REFERENCES exchangees(id),
    seq BIGINT NOT NULL,
    agency_id BIGINT REFERENCES agencies(id),
    title TEXT,
    note TEXT,
    created_at TIMESTAMPTZ NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL,
    version BIGINT NOT NULL DEFAULT 1
);
CREATE INDEX exchangee_careers_exchangee ON exchangee_careers (exchangee_id);

CREATE TABLE tasks (
    id {{id}},
    seq BIGINT NOT NULL UNIQUE,
    pair_id BIGINT REFERENCES exchange_pairs(id),
    title TEXT NOT NULL,
    task_type TEXT CHECK (task_type IN ('conflict_resolution', 'expertise_sharing', 'silo_removal')),
    source TEXT NOT NULL CHECK (source IN ('exchange', 'national_agenda', 'livelihood_debate', 'other')),
    status TEXT NOT NULL CHECK (status IN ('proposed', 'confirmed', 'in_progress', 'completed', 'dropped')),
    description TEXT,
    lead_agency_id BIGINT REFERENCES agencies(id),
    archived_at TIMESTAMPTZ,
    created_at TIMESTAMPTZ NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL,
    version BIGINT NOT NULL DEFAULT 1
);
CREATE INDEX tasks_pair ON tasks (pair_id);

-- What each participating agency does in a task (기관별 역할); `role` is empty until it is known.
CREATE TABLE task_agency_roles (
    id {{id}},
    task_id BIGINT NOT NULL REFERENCES tasks(id),
    agency_id BIGINT NOT NULL REFERENCES agencies(id),
    role TEXT,
    created_at TIMESTAMPTZ NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL,
    version BIGINT NOT NULL DEFAULT 1,
    UNIQUE (task_id, agency_id)
);
CREATE INDEX task_agency_roles_agency ON task_agency_roles (agency_id);

CREATE TABLE task_kpis (
    id {{id}},
    task_id BIGINT NOT NULL REFERENCES tasks(id),
    seq BIGINT NOT NULL,
    name TEXT NOT NULL,
    baseline_value DOUBLE PRECISION,
    target_value DOUBLE PRECISION,
    unit TEXT,
    due DATE,
    note TEXT,
    created_at TIMESTAMPTZ NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL,
    version BIGINT NOT NULL DEFAULT 1
);
CREATE INDEX task_kpis_task ON task_kpis (task_id);

CREATE TABLE task_milestones (
    id {{id}},
    task_id BIGINT NOT NULL REFERENCES tasks(id),
    seq BIGINT NOT NULL,
    title TEXT NOT NULL,
    due DATE,
    done_on DATE,
    note TEXT,
    created_at TIMESTAMPTZ NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL,
    version BIGINT NOT NULL DEFAULT 1
);
CREATE INDEX task_milestones_task ON task_milestones (task_id);

-- Other wordings of a record's name found in the source (the annex wording is the record).
CREATE TABLE name_variants (
    id {{id}},
    record_type TEXT NOT NULL CHECK (record_type IN ('task', 'position')),
    record_id BIGINT NOT NULL,
    text TEXT NOT NULL,
    found_in TEXT,
    created_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX name_variants_record ON name_variants (record_type, record_id);

CREATE TABLE council_meetings (
    id {{id}},
    council TEXT NOT NULL,
    seq BIGINT NOT NULL,
    title TEXT NOT NULL,
    held_at TIMESTAMPTZ NOT NULL,
    place TEXT,
    chair TEXT,
    chair_name TEXT,
    purpose TEXT,
    remarks TEXT,
    source_document_id BIGINT REFERENCES source_documents(id),
    created_at TIMESTAMPTZ NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL,
    version BIGINT NOT NULL DEFAULT 1,
    UNIQUE (council, seq)
);

CREATE TABLE meeting_agenda_items (
    id {{id}},
    meeting_id BIGINT NOT NULL REFERENCES council_meetings(id),
    seq BIGINT NOT NULL,
    title TEXT NOT NULL,
    created_at TIMESTAMPTZ NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL,
    version BIGINT NOT NULL DEFAULT 1
);
CREATE INDEX meeting_agenda_items_meeting ON meeting_agenda_items (meeting_id);

CREATE TABLE meeting_decisions (
    id {{id}},
    agenda_item_id BIGINT NOT NULL REFERENCES meeting_agenda_items(id),
    seq BIGINT NOT NULL,
    text TEXT NOT NULL,
    created_at TIMESTAMPTZ NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL,
    version BIGINT NOT NULL DEFAULT 1
);
CREATE INDEX meeting_decisions_item ON meeting_decisions (agenda_item_id);

-- Tasks tabled under an agenda item, and what the council decided (상정 → 확정).
CREATE TABLE meeting_tasks (
    agenda_item_id BIGINT NOT NULL REFERENCES meeting_agenda_items(id),
    task_id BIGINT NOT NULL REFERENCES tasks(id),
    outcome TEXT NOT NULL CHECK (outcome IN ('tabled', 'confirmed', 'deferred')),
    PRIMARY KEY (agenda_item_id, task_id)
);
CREATE INDEX meeting_tasks_task ON meeting_tasks (task_id);

-- Which built-in datasets have been loaded, so that loading one twice changes nothing.
CREATE TABLE dataset_loads (
    name TEXT PRIMARY KEY,
    loaded_at TIMESTAMPTZ NOT NULL
);
