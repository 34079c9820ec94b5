-- Accounts, roles, sessions, API tokens, sign-in throttling and the hash-chained audit log.

CREATE TABLE users (
    id {{id}},
    login TEXT NOT NULL UNIQUE,
    display_name TEXT NOT NULL,
    password_hash TEXT NOT NULL,
    must_change_password BOOLEAN NOT NULL,
    is_private_expert BOOLEAN NOT NULL,
    disabled_at TIMESTAMPTZ,
    created_at TIMESTAMPTZ NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL,
    version BIGINT NOT NULL DEFAULT 1
);

-- A person may hold several roles; an agency officer's role names its agency, an exchangee's its post.
CREATE TABLE user_roles (
    id {{id}},
    user_id BIGINT NOT NULL REFERENCES users(id),
    role TEXT NOT NULL CHECK (role IN ('opc_admin', 'agency_officer', 'exchangee', 'evaluator', 'auditor')),
    agency_id BIGINT REFERENCES agencies(id),
    position_id BIGINT REFERENCES positions(id),
    created_at TIMESTAMPTZ NOT NULL,
    CHECK ((role = 'agency_officer') = (agency_id IS NOT NULL)),
    CHECK ((role = 'exchangee') = (position_id IS NOT NULL))
);
CREATE INDEX user_roles_user ON user_roles (user_id);

-- Where an evaluator (private expert) works and worked: the basis of conflict-of-interest checks.
CREATE TABLE evaluator_affiliations (
    id {{id}},
    user_id BIGINT NOT NULL REFERENCES users(id),
    organization TEXT NOT NULL,
    title TEXT,
    from_date DATE,
    to_date DATE,
    created_at TIMESTAMPTZ NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL,
    version BIGINT NOT NULL DEFAULT 1
);
CREATE INDEX evaluator_affiliations_user ON evaluator_affiliations (user_id);

CREATE TABLE evaluator_assignments (
    user_id BIGINT NOT NULL REFERENCES users(id),
    task_id BIGINT NOT NULL REFERENCES tasks(id),
    created_at TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (user_id, task_id)
);

-- Only hashes of session ids and tokens are stored.
CREATE TABLE sessions (
    id {{id}},
    token_hash TEXT NOT NULL UNIQUE,
    user_id BIGINT NOT NULL REFERENCES users(id),
    csrf_token TEXT NOT NULL,
    created_at TIMESTAMPTZ NOT NULL,
    last_seen_at TIMESTAMPTZ NOT NULL,
    ended_at TIMESTAMPTZ,
    client_addr TEXT
);
CREATE INDEX sessions_user ON sessions (user_id);

CREATE TABLE api_tokens (
    id {{id}},
    user_id BIGINT NOT NULL REFERENCES users(id),
    name TEXT NOT NULL,
    token_hash TEXT NOT NULL UNIQUE,
    rights TEXT NOT NULL,
    created_at TIMESTAMPTZ NOT NULL,
    last_used_at TIMESTAMPTZ,
    revoked_at TIMESTAMPTZ
);
CREATE INDEX api_tokens_user ON api_tokens (user_id);

-- Consecutive sign-in failures per key ('login:<name>' or 'addr:<client address>').
CREATE TABLE sign_in_throttle (
    key TEXT PRIMARY KEY,
    failures BIGINT NOT NULL,
    last_failure_at TIMESTAMPTZ NOT NULL,
    locked_until TIMESTAMPTZ
);

-- Append-only (enforced by triggers in the dialect files); each row's hash covers the previous one.
CREATE TABLE audit_log (
    id {{id}},
    seq BIGINT NOT NULL UNIQUE,
    occurred_at TIMESTAMPTZ NOT NULL,
    actor_user_id BIGINT,
    actor TEXT NOT NULL,
    client_addr TEXT,
    action TEXT NOT NULL,
    record_type TEXT NOT NULL,
    record_id BIGINT,
    before_json TEXT,
    after_json TEXT,
    prev_hash TEXT NOT NULL,
    hash TEXT NOT NULL
);
CREATE INDEX audit_log_record ON audit_log (record_type, record_id);
CREATE INDEX audit_log_actor ON audit_log (actor_user_id);
CREATE INDEX audit_log_occurred ON audit_log (occurred_at);

-- How long the chain is and where it ends, so that removing the newest rows shows too.
CREATE TABLE audit_head (
    id BIGINT PRIMARY KEY CHECK (id = 1),
    count BIGINT NOT NULL,
    last_hash TEXT NOT NULL
);
INSERT INTO audit_head (id, count, last_hash)
VALUES (1, 0, '0000000000000000000000000000000000000000000000000000000000000000');
