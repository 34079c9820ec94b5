-- Objections (이의신청): an agency's objection to a task's provisional result in a round, and OPC's
-- answer. An upheld objection reopens the task's score sheets (0017) for rescoring; the objection
-- row keeps the decision so the final result records every objection and its answer.

CREATE TABLE evaluation_objections (
    id {{id}},
    round_id BIGINT NOT NULL REFERENCES evaluation_rounds(id),
    task_id BIGINT NOT NULL REFERENCES tasks(id),
    agency_id BIGINT NOT NULL REFERENCES agencies(id),
    filed_by_user_id BIGINT REFERENCES users(id),
    reason TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('pending', 'upheld', 'rejected')),
    decision_reason TEXT,
    decided_by_user_id BIGINT REFERENCES users(id),
    decided_at TIMESTAMPTZ,
    -- Sheets reopened when upheld, kept so rescoring can be told apart from a review reopening.
    reopened_sheets BIGINT NOT NULL DEFAULT 0,
    created_at TIMESTAMPTZ NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL,
    version BIGINT NOT NULL DEFAULT 1,
    CHECK (status <> 'rejected' OR decision_reason IS NOT NULL)
);
-- A round's objections by status (finalising asks for the undecided ones) and an agency's own.
CREATE INDEX evaluation_objections_round ON evaluation_objections (round_id, status, id);
CREATE INDEX evaluation_objections_agency ON evaluation_objections (agency_id, round_id, id);
