ALTER TABLE tasks DROP CONSTRAINT tasks_status_check;
ALTER TABLE tasks ADD CONSTRAINT tasks_status_check
    CHECK (status IN ('proposed', 'tabled', 'confirmed', 'in_progress', 'on_hold', 'completed', 'dropped'));
