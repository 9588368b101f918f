-- Concerns: related observations about one home grouped, so a pattern is
-- worked once, with its own status, assignee and audit trail. An observation
-- belongs to at most one concern.
CREATE TABLE concerns (
    id                  INTEGER PRIMARY KEY,
    service_location_id TEXT NOT NULL REFERENCES services (location_id),
    title               TEXT NOT NULL,
    status              TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'closed')),
    assignee_id         INTEGER REFERENCES users (id),
    -- Grows with each step, so two people acting at once cannot overwrite each other.
    version             INTEGER NOT NULL DEFAULT 0,
    created_at          TEXT NOT NULL
) STRICT;

CREATE INDEX concerns_by_service ON concerns (service_location_id, status);

CREATE TABLE concern_observations (
    submission_id TEXT PRIMARY KEY NOT NULL REFERENCES submissions (id),
    concern_id    INTEGER NOT NULL REFERENCES concerns (id),
    added_at      TEXT NOT NULL
) STRICT;

CREATE INDEX concern_observations_by_concern ON concern_observations (concern_id, added_at);

-- A concern's audit trail: written once, never changed.
CREATE TABLE concern_events (
    id         INTEGER PRIMARY KEY,
    concern_id INTEGER NOT NULL REFERENCES concerns (id),
    at         TEXT NOT NULL,
    user_id    INTEGER NOT NULL REFERENCES users (id),
    user_name  TEXT NOT NULL,
    kind       TEXT NOT NULL,
    detail     TEXT NOT NULL,
    note       TEXT NOT NULL
) STRICT;

CREATE INDEX concern_events_by_concern ON concern_events (concern_id, id);

CREATE TRIGGER concern_events_no_update BEFORE UPDATE ON concern_events
BEGIN
    SELECT RAISE(ABORT, 'the audit trail cannot be changed');
END;

CREATE TRIGGER concern_events_no_delete BEFORE DELETE ON concern_events
BEGIN
    SELECT RAISE(ABORT, 'the audit trail cannot be deleted');
END;
