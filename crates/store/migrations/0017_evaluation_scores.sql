-- Scoring (채점): one score sheet per panel seat (round, task, evaluator), and the round's result
-- computed from the submitted sheets when scoring closes.
--
-- The criterion scores with their comments are one JSON document per sheet
-- ([{"code","score","comment"}], in the rubric's order): a sheet is always read and written whole,
-- and the rubric (frozen from 채점) is what gives the codes their meaning. The audit log never
-- holds a sheet's scores, so nobody reads them there while they are sealed.

CREATE TABLE evaluation_score_sheets (
    id {{id}},
    round_id BIGINT NOT NULL REFERENCES evaluation_rounds(id),
    task_id BIGINT NOT NULL REFERENCES tasks(id),
    evaluator_id BIGINT NOT NULL REFERENCES users(id),
    scores_json TEXT NOT NULL,
    comment TEXT,
    status TEXT NOT NULL CHECK (status IN ('draft', 'submitted')),
    submitted_at TIMESTAMPTZ,
    reopened_reason TEXT,
    reopened_by_user_id BIGINT REFERENCES users(id),
    reopened_at TIMESTAMPTZ,
    created_at TIMESTAMPTZ NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL,
    version BIGINT NOT NULL DEFAULT 1,
    UNIQUE (round_id, task_id, evaluator_id)
);
-- Closing reads a round's submitted sheets.
CREATE INDEX evaluation_score_sheets_status ON evaluation_score_sheets (round_id, status);

-- One row per scored task, replaced whole each time the result is computed. `position` is the
-- place in the ranking (1 = best), which the results page is ordered by.
CREATE TABLE evaluation_results (
    round_id BIGINT NOT NULL REFERENCES evaluation_rounds(id),
    task_id BIGINT NOT NULL REFERENCES tasks(id),
    position BIGINT NOT NULL,
    score DOUBLE PRECISION NOT NULL,
    grade TEXT NOT NULL,
    grade_index BIGINT NOT NULL,
    excellent BOOLEAN NOT NULL,
    n_scores BIGINT NOT NULL,
    spread DOUBLE PRECISION NOT NULL,
    min_total DOUBLE PRECISION NOT NULL,
    max_total DOUBLE PRECISION NOT NULL,
    dropped_low DOUBLE PRECISION,
    dropped_high DOUBLE PRECISION,
    disagreement BOOLEAN NOT NULL,
    PRIMARY KEY (round_id, task_id)
);
CREATE INDEX evaluation_results_order ON evaluation_results (round_id, position);

-- The round-wide figures of the last computation: agreement, counts, and the agency ranking as one
-- JSON document (a few dozen agencies; later work reads it whole).
CREATE TABLE evaluation_outcomes (
    round_id BIGINT PRIMARY KEY REFERENCES evaluation_rounds(id),
    icc1 DOUBLE PRECISION,
    n_tasks BIGINT NOT NULL,
    n_scores BIGINT NOT NULL,
    unscored BIGINT NOT NULL,
    agencies_json TEXT NOT NULL,
    computed_at TIMESTAMPTZ NOT NULL
);
