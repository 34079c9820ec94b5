-- The same token stream as a tsvector with its positions, written directly (no text parser).
CREATE TABLE task_search (
    task_id BIGINT PRIMARY KEY REFERENCES tasks(id),
    doc tsvector NOT NULL
);
CREATE INDEX task_search_doc ON task_search USING GIN (doc);
