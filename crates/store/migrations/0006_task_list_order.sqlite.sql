CREATE INDEX tasks_title ON tasks (title, id);

-- An exchange pair's theme may have another wording in the release too. SQLite cannot change a
-- CHECK constraint: the table is built again with the same rows and ids.
CREATE TABLE name_variants_new (
    id INTEGER PRIMARY KEY,
    record_type TEXT NOT NULL CHECK (record_type IN ('task', 'position', 'exchange_pair')),
    record_id BIGINT NOT NULL,
    text TEXT NOT NULL,
    found_in TEXT,
    created_at TIMESTAMPTZ NOT NULL
);
INSERT INTO name_variants_new (id, record_type, record_id, text, found_in, created_at)
    SELECT id, record_type, record_id, text, found_in, created_at FROM name_variants;
DROP TABLE name_variants;
ALTER TABLE name_variants_new RENAME TO name_variants;
CREATE INDEX name_variants_record ON name_variants (record_type, record_id);
