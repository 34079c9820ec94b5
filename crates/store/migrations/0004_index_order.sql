-- The filters' indexes in the lists' order (id: tasks are numbered as they are registered), so that
-- a page is read in order and stops after its last row instead of sorting every match.
DROP INDEX tasks_status;
DROP INDEX tasks_type;
DROP INDEX tasks_source;
DROP INDEX tasks_pair;
CREATE INDEX tasks_status ON tasks (status, id);
CREATE INDEX tasks_type ON tasks (task_type, id);
CREATE INDEX tasks_source ON tasks (source, id);
CREATE INDEX tasks_pair ON tasks (pair_id, id);
