-- How many reports a check cycle has open (not started, draft or returned) and submitted, in all
-- (agency_id 0) and per agency, and how many tasks it reports on (counted = 'tasks', agency_id 0):
-- kept as reports are expected, submitted and returned, in the same transaction (saving a draft
-- changes no count, so the many officers saving at once never wait on one another's counts), so the home page, the cycle page and the list
-- of overdue reports read them instead of counting the cycle's hundreds of thousands of reports.
CREATE TABLE check_cycle_counts (
    cycle_id BIGINT NOT NULL REFERENCES check_cycles(id),
    agency_id BIGINT NOT NULL,
    counted TEXT NOT NULL CHECK (counted IN ('tasks', 'open', 'submitted')),
    n BIGINT NOT NULL,
    PRIMARY KEY (cycle_id, agency_id, counted)
);

INSERT INTO check_cycle_counts (cycle_id, agency_id, counted, n)
SELECT cycle_id, agency_id, CASE status WHEN 'submitted' THEN 'submitted' ELSE 'open' END, COUNT(*) FROM progress_reports
GROUP BY cycle_id, agency_id, CASE status WHEN 'submitted' THEN 'submitted' ELSE 'open' END;

INSERT INTO check_cycle_counts (cycle_id, agency_id, counted, n)
SELECT cycle_id, 0, CASE status WHEN 'submitted' THEN 'submitted' ELSE 'open' END, COUNT(*) FROM progress_reports GROUP BY cycle_id, CASE status WHEN 'submitted' THEN 'submitted' ELSE 'open' END;

INSERT INTO check_cycle_counts (cycle_id, agency_id, counted, n)
SELECT cycle_id, 0, 'tasks', COUNT(DISTINCT task_id) FROM progress_reports GROUP BY cycle_id;

-- A person's open reports are picked from this index alone (agency, open cycle, status, in task
-- order), without reading the reports or their tasks.
DROP INDEX progress_reports_agency;
CREATE INDEX progress_reports_agency ON progress_reports (agency_id, cycle_id, status, task_id);

-- The archived tasks, few, as a list a query leaves out without reading every task.
CREATE INDEX tasks_archived ON tasks (id) WHERE archived_at IS NOT NULL;

-- The open milestones of a person's tasks, due soon, from the index alone.
CREATE INDEX task_milestones_open_task ON task_milestones (task_id, due, done_on) WHERE done_on IS NULL;
