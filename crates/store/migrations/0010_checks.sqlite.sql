-- The files attached to progress reports, kept in the database so that a backup holds them.
CREATE TABLE report_attachments (
    id INTEGER PRIMARY KEY,
    report_id BIGINT NOT NULL REFERENCES progress_reports(id),
    file_name TEXT NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('pdf', 'hwp', 'hwpx', 'xlsx', 'png', 'jpeg')),
    size_bytes BIGINT NOT NULL,
    sha256 TEXT NOT NULL,
    content BLOB NOT NULL,
    created_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX report_attachments_report ON report_attachments (report_id);
