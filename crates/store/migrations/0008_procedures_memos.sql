-- 행정절차 소요기간: a task's administrative procedures, their usual duration in days and their
-- planned and actual dates (the saving is computed in the domain, not stored).
CREATE TABLE task_procedures (
    id {{id}},
    task_id BIGINT NOT NULL REFERENCES tasks(id),
    seq BIGINT NOT NULL,
    name TEXT NOT NULL,
    legal_basis TEXT,
    usual_days BIGINT NOT NULL CHECK (usual_days > 0),
    planned_start DATE,
    planned_end DATE,
    actual_start DATE,
    actual_end DATE,
    note TEXT,
    created_at TIMESTAMPTZ NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL,
    version BIGINT NOT NULL DEFAULT 1
);
CREATE INDEX task_procedures_task ON task_procedures (task_id, seq);

-- 기관 간 메모: notes between a task's agencies and OPC; never public. The writer's capacity and
-- agency are kept as they were when the memo was written. A withdrawn memo keeps its row without
-- its text (the text stays in the audit log).
CREATE TABLE task_memos (
    id {{id}},
    task_id BIGINT NOT NULL REFERENCES tasks(id),
    writer_user_id BIGINT REFERENCES users(id),
    writer_capacity TEXT NOT NULL CHECK (writer_capacity IN ('opc', 'officer', 'exchangee')),
    writer_agency_id BIGINT REFERENCES agencies(id),
    body TEXT,
    withdrawn_at TIMESTAMPTZ,
    created_at TIMESTAMPTZ NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL,
    version BIGINT NOT NULL DEFAULT 1
);
-- A task's memos, newest first, a page at a time.
CREATE INDEX task_memos_task ON task_memos (task_id, id);
