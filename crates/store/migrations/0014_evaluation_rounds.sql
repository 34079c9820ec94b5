-- Evaluation rounds (평가 회차): the round with its stage dates and its settings as one JSON document
-- (rubric, aggregation, grading, excellent and agency rules, panel rules: later work adds to it
-- without a migration), the tasks it evaluates, the panels OPC confirmed (one row per round, task and
-- evaluator: what a score will reference), the evaluators' pledges, and 회피·기피 with OPC's decisions.
-- 제척 is not stored: it is computed from the affiliation histories whenever panels are made or shown.

CREATE TABLE evaluation_rounds (
    id {{id}},
    name TEXT NOT NULL,
    stage TEXT NOT NULL CHECK (stage IN ('setup', 'assignment', 'scoring', 'review', 'objections', 'final', 'published')),
    setup_on DATE NOT NULL,
    assignment_on DATE NOT NULL,
    scoring_on DATE NOT NULL,
    review_on DATE NOT NULL,
    objections_on DATE NOT NULL,
    final_on DATE NOT NULL,
    published_on DATE NOT NULL,
    params_json TEXT NOT NULL,
    -- Kept with the round's tasks, so the list does not count them.
    task_count BIGINT NOT NULL DEFAULT 0,
    created_at TIMESTAMPTZ NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL,
    version BIGINT NOT NULL DEFAULT 1
);
CREATE INDEX evaluation_rounds_order ON evaluation_rounds (setup_on, id);

CREATE TABLE evaluation_round_tasks (
    round_id BIGINT NOT NULL REFERENCES evaluation_rounds(id),
    task_id BIGINT NOT NULL REFERENCES tasks(id),
    PRIMARY KEY (round_id, task_id)
);
CREATE INDEX evaluation_round_tasks_task ON evaluation_round_tasks (task_id);

-- A confirmed panel seat. The private flag is the member's at confirmation, for the share check.
CREATE TABLE evaluation_panel_members (
    id {{id}},
    round_id BIGINT NOT NULL REFERENCES evaluation_rounds(id),
    task_id BIGINT NOT NULL REFERENCES tasks(id),
    evaluator_id BIGINT NOT NULL REFERENCES users(id),
    is_private_expert BOOLEAN NOT NULL,
    created_at TIMESTAMPTZ NOT NULL,
    UNIQUE (round_id, task_id, evaluator_id)
);
-- An evaluator's tasks (my-tasks, the task scope), a task's panels.
CREATE INDEX evaluation_panel_members_evaluator ON evaluation_panel_members (evaluator_id, round_id, task_id);
CREATE INDEX evaluation_panel_members_task ON evaluation_panel_members (task_id);

CREATE TABLE evaluation_pledges (
    id {{id}},
    round_id BIGINT NOT NULL REFERENCES evaluation_rounds(id),
    evaluator_id BIGINT NOT NULL REFERENCES users(id),
    pledge_version TEXT NOT NULL,
    signed_at TIMESTAMPTZ NOT NULL,
    UNIQUE (round_id, evaluator_id)
);
CREATE INDEX evaluation_pledges_evaluator ON evaluation_pledges (evaluator_id, round_id);

-- 회피 (kind 'recusal', status 'accepted') and 기피 (kind 'challenge': pending, then upheld or rejected).
CREATE TABLE evaluation_conflicts (
    id {{id}},
    round_id BIGINT NOT NULL REFERENCES evaluation_rounds(id),
    task_id BIGINT NOT NULL REFERENCES tasks(id),
    evaluator_id BIGINT NOT NULL REFERENCES users(id),
    kind TEXT NOT NULL CHECK (kind IN ('recusal', 'challenge')),
    status TEXT NOT NULL CHECK (status IN ('accepted', 'pending', 'upheld', 'rejected')),
    reason TEXT NOT NULL,
    by_agency_id BIGINT REFERENCES agencies(id),
    raised_by_user_id BIGINT REFERENCES users(id),
    decision_reason TEXT,
    decided_by_user_id BIGINT REFERENCES users(id),
    decided_at TIMESTAMPTZ,
    created_at TIMESTAMPTZ NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL,
    version BIGINT NOT NULL DEFAULT 1,
    CHECK ((kind = 'challenge') = (by_agency_id IS NOT NULL))
);
CREATE INDEX evaluation_conflicts_round ON evaluation_conflicts (round_id, task_id, evaluator_id);
