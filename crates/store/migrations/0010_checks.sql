-- Periodic checks (주기적 점검): cycles, the progress report each participating agency files for
-- each active task, OPC's ratings, what a closed cycle carries over, and each task's current light.
-- The attachments' table differs by dialect only in its byte column (.sqlite.sql, .postgres.sql).

CREATE TABLE check_cycles (
    id {{id}},
    name TEXT NOT NULL,
    period_start DATE NOT NULL,
    period_end DATE NOT NULL,
    due DATE NOT NULL,
    closed_at TIMESTAMPTZ,
    created_at TIMESTAMPTZ NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL,
    version BIGINT NOT NULL DEFAULT 1,
    CHECK (period_start <= period_end)
);
-- The latest closed cycle, and the open ones by due date.
CREATE INDEX check_cycles_closed ON check_cycles (closed_at, period_end);
CREATE INDEX check_cycles_due ON check_cycles (due);

-- One row per (cycle, task, agency) expected, made when the cycle opens ('not_started').
CREATE TABLE progress_reports (
    id {{id}},
    cycle_id BIGINT NOT NULL REFERENCES check_cycles(id),
    task_id BIGINT NOT NULL REFERENCES tasks(id),
    agency_id BIGINT NOT NULL REFERENCES agencies(id),
    status TEXT NOT NULL CHECK (status IN ('not_started', 'draft', 'submitted', 'returned')),
    narrative TEXT,
    citizen_change TEXT,
    bottlenecks TEXT,
    return_comment TEXT,
    submitted_at TIMESTAMPTZ,
    returned_at TIMESTAMPTZ,
    created_at TIMESTAMPTZ NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL,
    version BIGINT NOT NULL DEFAULT 1,
    UNIQUE (cycle_id, task_id, agency_id)
);
-- A cycle's reports by task (the cycle page), an agency's reports by cycle and status (overdue,
-- the work list), a task's reports across cycles (the task page).
CREATE INDEX progress_reports_agency ON progress_reports (agency_id, cycle_id, status);
CREATE INDEX progress_reports_cycle_status ON progress_reports (cycle_id, status, agency_id);
CREATE INDEX progress_reports_task ON progress_reports (task_id, cycle_id);

CREATE TABLE report_milestones (
    report_id BIGINT NOT NULL REFERENCES progress_reports(id),
    milestone_id BIGINT NOT NULL REFERENCES task_milestones(id),
    done_on DATE,
    reason TEXT,
    PRIMARY KEY (report_id, milestone_id)
);

CREATE TABLE report_kpis (
    report_id BIGINT NOT NULL REFERENCES progress_reports(id),
    kpi_id BIGINT NOT NULL REFERENCES task_kpis(id),
    actual_value DOUBLE PRECISION,
    PRIMARY KEY (report_id, kpi_id)
);

CREATE TABLE check_ratings (
    id {{id}},
    cycle_id BIGINT NOT NULL REFERENCES check_cycles(id),
    task_id BIGINT NOT NULL REFERENCES tasks(id),
    rating TEXT NOT NULL CHECK (rating IN ('on_track', 'at_risk', 'delayed')),
    reason TEXT NOT NULL,
    suggested TEXT CHECK (suggested IN ('on_track', 'at_risk', 'delayed')),
    suggestion TEXT,
    created_at TIMESTAMPTZ NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL,
    version BIGINT NOT NULL DEFAULT 1,
    UNIQUE (cycle_id, task_id)
);
CREATE INDEX check_ratings_task ON check_ratings (task_id);

-- What a closed cycle left: reports not filed, milestones not done. `to_cycle_id` is the next
-- cycle that shows them (set when it opens, or at the close when it is open already).
CREATE TABLE check_carryovers (
    id {{id}},
    from_cycle_id BIGINT NOT NULL REFERENCES check_cycles(id),
    to_cycle_id BIGINT REFERENCES check_cycles(id),
    task_id BIGINT NOT NULL REFERENCES tasks(id),
    agency_id BIGINT NOT NULL REFERENCES agencies(id),
    kind TEXT NOT NULL CHECK (kind IN ('not_filed', 'milestone_not_done')),
    milestone_id BIGINT REFERENCES task_milestones(id),
    note TEXT,
    created_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX check_carryovers_to ON check_carryovers (to_cycle_id, task_id, agency_id);
CREATE INDEX check_carryovers_from ON check_carryovers (from_cycle_id);

-- Each task's current light: its rating in the latest closed cycle that rated it. Written when a
-- cycle closes; the task list and page read it by task id.
CREATE TABLE task_lights (
    task_id BIGINT PRIMARY KEY REFERENCES tasks(id),
    cycle_id BIGINT NOT NULL REFERENCES check_cycles(id),
    rating TEXT NOT NULL CHECK (rating IN ('on_track', 'at_risk', 'delayed')),
    reason TEXT NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL
);

-- How many tasks got each light in a closed cycle, in all and per agency (agency_id 0: all), kept at
-- the close so that the home and agency pages read a few rows instead of counting.
CREATE TABLE check_light_counts (
    cycle_id BIGINT NOT NULL REFERENCES check_cycles(id),
    agency_id BIGINT NOT NULL,
    rating TEXT NOT NULL CHECK (rating IN ('on_track', 'at_risk', 'delayed')),
    n BIGINT NOT NULL,
    PRIMARY KEY (cycle_id, agency_id, rating)
);
