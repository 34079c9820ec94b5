-- Search and counts at national scale. What the tokens are and how counts are keyed is decided in
-- the domain (search.rs, counts.rs); these tables only keep them. The search index itself differs
-- by dialect (the .sqlite.sql and .postgres.sql files) but holds the same tokens.

-- How many current tasks answer to each combination of filters, among all and among published ones.
CREATE TABLE task_counts (
    scope TEXT NOT NULL CHECK (scope IN ('all', 'published')),
    facet TEXT NOT NULL,
    n BIGINT NOT NULL,
    PRIMARY KEY (scope, facet)
);

-- What each task is counted under now (NULL: archived, not counted), so that a change knows what to
-- take away.
CREATE TABLE task_index_state (
    task_id BIGINT PRIMARY KEY REFERENCES tasks(id),
    facets TEXT
);

-- Which token format the index holds; a newer binary rebuilds an index of an older format.
CREATE TABLE task_index_format (
    id BIGINT PRIMARY KEY CHECK (id = 1),
    format BIGINT NOT NULL
);

-- The filters' and the sort's indexes.
CREATE INDEX tasks_status ON tasks (status, seq);
CREATE INDEX tasks_type ON tasks (task_type, seq);
CREATE INDEX tasks_source ON tasks (source, seq);
CREATE INDEX task_agency_roles_agency_task ON task_agency_roles (agency_id, task_id);
DROP INDEX task_agency_roles_agency;
CREATE INDEX evaluator_assignments_task ON evaluator_assignments (task_id);
