-- Staff of the commissioning unit, who log in to triage observations.
CREATE TABLE users (
    id            INTEGER PRIMARY KEY,
    email         TEXT NOT NULL UNIQUE COLLATE NOCASE,
    name          TEXT NOT NULL,
    role          TEXT NOT NULL CHECK (role IN ('commissioner', 'admin')),
    password_hash TEXT NOT NULL,
    created_at    TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
) STRICT;

-- Server-side sessions; the cookie holds a random token, only its hash is kept.
CREATE TABLE sessions (
    token_hash TEXT PRIMARY KEY NOT NULL,
    user_id    INTEGER NOT NULL REFERENCES users (id),
    csrf_token TEXT NOT NULL,
    created_at TEXT NOT NULL,
    expires_at TEXT NOT NULL
) STRICT;

CREATE INDEX sessions_by_expiry ON sessions (expires_at);

-- Where each observation is in the workflow. `triage_version` grows with each
-- step, so two commissioners acting at once cannot overwrite each other.
ALTER TABLE submissions ADD COLUMN status TEXT NOT NULL DEFAULT 'new'
    CHECK (status IN ('new', 'triaged', 'action', 'closed'));
ALTER TABLE submissions ADD COLUMN assignee_id INTEGER REFERENCES users (id);
ALTER TABLE submissions ADD COLUMN outcome TEXT;
ALTER TABLE submissions ADD COLUMN acknowledged_at TEXT;
ALTER TABLE submissions ADD COLUMN triage_version INTEGER NOT NULL DEFAULT 0;
ALTER TABLE submissions ADD COLUMN severity_rank INTEGER
    GENERATED ALWAYS AS (CASE severity WHEN 'red' THEN 0 WHEN 'amber' THEN 1 ELSE 2 END) VIRTUAL;

-- The inbox order: most severe first, then unacknowledged, then oldest.
CREATE INDEX submissions_inbox ON submissions (severity_rank, acknowledged_at IS NOT NULL, received_at);

-- The audit trail: one row per step, written once and never changed.
CREATE TABLE triage_events (
    id            INTEGER PRIMARY KEY,
    submission_id TEXT NOT NULL REFERENCES submissions (id),
    at            TEXT NOT NULL,
    user_id       INTEGER NOT NULL REFERENCES users (id),
    user_name     TEXT NOT NULL,
    kind          TEXT NOT NULL,
    detail        TEXT NOT NULL,
    note          TEXT NOT NULL
) STRICT;

CREATE INDEX triage_events_by_submission ON triage_events (submission_id, id);

CREATE TRIGGER triage_events_no_update BEFORE UPDATE ON triage_events
BEGIN
    SELECT RAISE(ABORT, 'the audit trail cannot be changed');
END;

CREATE TRIGGER triage_events_no_delete BEFORE DELETE ON triage_events
BEGIN
    SELECT RAISE(ABORT, 'the audit trail cannot be deleted');
END;
