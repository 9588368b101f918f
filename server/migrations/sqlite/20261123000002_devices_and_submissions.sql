-- Organisations hand their access code to their professionals; only its hash is kept.
CREATE TABLE organisations (
    id               INTEGER PRIMARY KEY,
    name             TEXT NOT NULL UNIQUE COLLATE NOCASE,
    access_code_hash TEXT NOT NULL UNIQUE,
    created_at       TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
) STRICT;

-- A professional's enrolled phone; its token is kept only as a hash.
CREATE TABLE devices (
    id              TEXT PRIMARY KEY NOT NULL,
    organisation_id INTEGER NOT NULL REFERENCES organisations (id),
    token_hash      TEXT NOT NULL UNIQUE,
    name            TEXT NOT NULL,
    role            TEXT NOT NULL,
    enrolled_at     TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    revoked_at      TEXT
) STRICT;

-- One row per observation, keyed by the id the device generated.
CREATE TABLE submissions (
    id                  TEXT PRIMARY KEY NOT NULL,
    device_id           TEXT NOT NULL REFERENCES devices (id),
    form_id             TEXT NOT NULL,
    form_version        INTEGER NOT NULL,
    service_location_id TEXT NOT NULL REFERENCES services (location_id),
    answers             TEXT NOT NULL,
    content_hash        TEXT NOT NULL,
    severity            TEXT NOT NULL CHECK (severity IN ('green', 'amber', 'red')),
    severity_reason     TEXT NOT NULL,
    submitted_at        TEXT NOT NULL,
    received_at         TEXT NOT NULL
) STRICT;

CREATE INDEX submissions_by_service ON submissions (service_location_id, received_at);
CREATE INDEX submissions_by_severity ON submissions (severity, received_at);
