CREATE INDEX tasks_title ON tasks (title COLLATE "C", id);

-- An exchange pair's theme may have another wording in the release too.
ALTER TABLE name_variants DROP CONSTRAINT name_variants_record_type_check;
ALTER TABLE name_variants ADD CONSTRAINT name_variants_record_type_check
    CHECK (record_type IN ('task', 'position', 'exchange_pair'));
