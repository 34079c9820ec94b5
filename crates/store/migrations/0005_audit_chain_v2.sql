-- The encoding each audit row's hash was made with (hanteam_domain::audit::ChainVersion): rows
-- written before this migration keep version 1 and still verify; new rows are written in version 2,
-- which tells an absent value from the text '-'.
ALTER TABLE audit_log ADD COLUMN chain_version BIGINT NOT NULL DEFAULT 1;
