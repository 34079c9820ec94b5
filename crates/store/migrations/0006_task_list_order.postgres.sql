CREATE INDEX tasks_title ON tasks (title COLLATE "C", id);
