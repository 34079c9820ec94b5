-- Bottlenecks (애로사항), their mediation (이견 조정) and follow-up actions (후속조치).
-- Written once for SQLite and PostgreSQL. Codes (category, status, outcome, source kind) are checked
-- by the domain's enums, which also say what each is called; the database keeps them as text.

-- A follow-up action belongs to a task and comes from a source, named by kind and id: a mediation's
-- outcome (`mediation`, the bottleneck's id) now, a council decision later, without a new table.
CREATE TABLE follow_ups (
    id {{id}},
    task_id BIGINT NOT NULL REFERENCES tasks(id),
    source_kind TEXT NOT NULL,
    source_id BIGINT NOT NULL,
    title TEXT NOT NULL,
    owner_agency_id BIGINT NOT NULL REFERENCES agencies(id),
    owner_user_id BIGINT REFERENCES users(id),
    due DATE NOT NULL,
    done_on DATE,
    done_note TEXT,
    created_at TIMESTAMPTZ NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL,
    version BIGINT NOT NULL DEFAULT 1
);
CREATE INDEX follow_ups_source ON follow_ups (source_kind, source_id);
CREATE INDEX follow_ups_task ON follow_ups (task_id);
-- The work lists: what is still open for an agency, for a person, by due date.
CREATE INDEX follow_ups_open_agency ON follow_ups (owner_agency_id, due) WHERE done_on IS NULL;
CREATE INDEX follow_ups_open_user ON follow_ups (owner_user_id, due) WHERE done_on IS NULL;

CREATE TABLE bottlenecks (
    id {{id}},
    task_id BIGINT NOT NULL REFERENCES tasks(id),
    category TEXT NOT NULL,
    description TEXT NOT NULL,
    status TEXT NOT NULL,
    -- The agency of the officer who raised it (none when OPC or an exchangee raised it).
    raised_by_agency_id BIGINT REFERENCES agencies(id),
    raised_at TIMESTAMPTZ NOT NULL,
    mediation_opened_at TIMESTAMPTZ,
    closed_at TIMESTAMPTZ,
    -- Why OPC resolved it without mediation.
    resolution_reason TEXT,
    outcome TEXT,
    outcome_note TEXT,
    created_at TIMESTAMPTZ NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL,
    version BIGINT NOT NULL DEFAULT 1
);
CREATE INDEX bottlenecks_task ON bottlenecks (task_id, raised_at);
CREATE INDEX bottlenecks_status ON bottlenecks (status, raised_at);

-- The agencies a bottleneck involves, each with its stated position (입장).
CREATE TABLE bottleneck_agencies (
    id {{id}},
    bottleneck_id BIGINT NOT NULL REFERENCES bottlenecks(id),
    agency_id BIGINT NOT NULL REFERENCES agencies(id),
    stance TEXT,
    stated_at TIMESTAMPTZ,
    created_at TIMESTAMPTZ NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL,
    version BIGINT NOT NULL DEFAULT 1,
    UNIQUE (bottleneck_id, agency_id)
);
CREATE INDEX bottleneck_agencies_agency ON bottleneck_agencies (agency_id, bottleneck_id);

-- A meeting OPC holds to mediate a bottleneck; it may also be an item of a council meeting.
CREATE TABLE mediation_meetings (
    id {{id}},
    bottleneck_id BIGINT NOT NULL REFERENCES bottlenecks(id),
    held_at TIMESTAMPTZ NOT NULL,
    venue TEXT,
    -- One line per agency: its short name first, then who attends (환경부 물관리정책과장).
    attendees TEXT,
    council_meeting_id BIGINT REFERENCES council_meetings(id),
    created_at TIMESTAMPTZ NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL,
    version BIGINT NOT NULL DEFAULT 1
);
CREATE INDEX mediation_meetings_bottleneck ON mediation_meetings (bottleneck_id, held_at);
