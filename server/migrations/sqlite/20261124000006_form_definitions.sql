-- Form definitions, versioned. The built-in ones are copied in at start; an
-- admin publishes new versions without a new release. A version, once stored,
-- never changes and is never deleted: submissions name it, and a draft on it
-- may still arrive months later.
CREATE TABLE form_definitions (
    form_id TEXT NOT NULL,
    version INTEGER NOT NULL CHECK (version >= 1),
    definition TEXT NOT NULL,
    content_hash TEXT NOT NULL,
    published_at TEXT NOT NULL,
    -- NULL for the definitions built into the release.
    published_by INTEGER REFERENCES users (id),
    PRIMARY KEY (form_id, version)
) STRICT;

CREATE TRIGGER form_definitions_never_change BEFORE UPDATE ON form_definitions
BEGIN
    SELECT RAISE(ABORT, 'a published form definition never changes');
END;

CREATE TRIGGER form_definitions_never_go BEFORE DELETE ON form_definitions
BEGIN
    SELECT RAISE(ABORT, 'a published form definition is never deleted');
END;
