CREATE INDEX tasks_title ON tasks (title, id);
