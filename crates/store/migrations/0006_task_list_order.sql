-- The task list's other orders (by title, by last change) read a page in index order, as the
-- annex order does since 0004. Titles sort by code point on both databases (the .postgres.sql
-- file says so for PostgreSQL, whose default collation depends on the server's locale).
CREATE INDEX tasks_updated ON tasks (updated_at, id);
