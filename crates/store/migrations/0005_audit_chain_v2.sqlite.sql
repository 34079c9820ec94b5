-- INSERT OR REPLACE deletes the row it replaces without firing the no-delete trigger (unless the
-- connection turned recursive triggers on, which an outside tool does not): refuse an insert that
-- would replace anything, before SQLite gets to the conflict.
CREATE TRIGGER audit_log_no_replace BEFORE INSERT ON audit_log
WHEN EXISTS (SELECT 1 FROM audit_log WHERE seq = NEW.seq OR id = NEW.id)
BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
