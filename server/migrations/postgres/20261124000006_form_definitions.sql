-- Form definitions, versioned. The built-in ones are copied in at start; an
-- admin publishes new versions without a new release. A version, once stored,
-- never changes and is never deleted: submissions name it, and a draft on it
-- may still arrive months later.
CREATE TABLE form_definitions (
    form_id TEXT NOT NULL,
    version BIGINT NOT NULL CHECK (version >= 1),
    definition TEXT NOT NULL,
    content_hash TEXT NOT NULL,
    published_at TEXT COLLATE "C" NOT NULL,
    -- NULL for the definitions built into the release.
    published_by BIGINT REFERENCES users (id),
    PRIMARY KEY (form_id, version)
);

CREATE TRIGGER form_definitions_never_change BEFORE UPDATE ON form_definitions
    FOR EACH ROW EXECUTE FUNCTION refuse_change('a published form definition never changes');

CREATE TRIGGER form_definitions_never_go BEFORE DELETE ON form_definitions
    FOR EACH ROW EXECUTE FUNCTION refuse_change('a published form definition is never deleted');

CREATE TRIGGER form_definitions_never_truncated BEFORE TRUNCATE ON form_definitions
    FOR EACH STATEMENT EXECUTE FUNCTION refuse_change('a published form definition is never deleted');
