-- Rows are tasks (rowid = task id); `doc` is the token stream, space-separated. Contentless: the
-- text lives in the tasks; only the index is kept.
CREATE VIRTUAL TABLE task_fts USING fts5(doc, content = '', contentless_delete = 1, tokenize = 'ascii');
