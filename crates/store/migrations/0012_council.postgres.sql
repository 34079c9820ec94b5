ALTER TABLE meeting_tasks DROP CONSTRAINT meeting_tasks_outcome_check;
ALTER TABLE meeting_tasks ADD CONSTRAINT meeting_tasks_outcome_check
    CHECK (outcome IN ('tabled', 'confirmed', 'deferred', 'returned', 'noted'));
