-- Attempts at a secret (passwords, access codes), one row per limit key, so
-- the throttles hold across restarts and across servers. Rows older than the
-- longest window are deleted as new attempts arrive.
CREATE TABLE attempts (
    id    INTEGER PRIMARY KEY,
    key   TEXT NOT NULL,
    at_ms INTEGER NOT NULL
) STRICT;

CREATE INDEX attempts_by_key ON attempts (key, at_ms);
CREATE INDEX attempts_by_age ON attempts (at_ms);
