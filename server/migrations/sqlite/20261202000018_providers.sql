-- Providers (issue 14): a care home's own accounts. Each sees only its own
-- services, and only what a commissioner shared with the home; it replies
-- within a window and keeps an action plan.
--
-- `users.role` gains 'provider'. Widening a CHECK changes nothing stored, so
-- it is done the way SQLite documents for such changes ("Making Other Kinds
-- Of Table Schema Changes"): the table's definition is edited in place and
-- the schema version moved on, inside this migration's transaction. Rebuilding
-- the table is not possible here: with foreign keys on (they cannot be turned
-- off inside a transaction) a rename rewrites every `REFERENCES users`.
PRAGMA writable_schema = ON;
UPDATE sqlite_schema
    SET sql = replace(sql, 'CHECK (role IN (''commissioner'', ''admin''))', 'CHECK (role IN (''commissioner'', ''admin'', ''provider''))')
    WHERE type = 'table' AND name = 'users';
PRAGMA writable_schema = OFF;
PRAGMA writable_schema = RESET;

-- The services a provider account answers for.
CREATE TABLE provider_services (
    user_id             INTEGER NOT NULL REFERENCES users (id),
    service_location_id TEXT NOT NULL REFERENCES services (location_id),
    PRIMARY KEY (user_id, service_location_id)
) STRICT, WITHOUT ROWID;

-- An observation shared with its home: when, by when the home should reply
-- (none for a compliment), and when it first did.
ALTER TABLE submissions ADD COLUMN shared_with_provider_at TEXT;
ALTER TABLE submissions ADD COLUMN compliment INTEGER NOT NULL DEFAULT 0 CHECK (compliment IN (0, 1));
ALTER TABLE submissions ADD COLUMN reply_due_at TEXT;
ALTER TABLE submissions ADD COLUMN replied_at TEXT;

CREATE INDEX submissions_shared_by_service ON submissions (service_location_id, shared_with_provider_at)
    WHERE shared_with_provider_at IS NOT NULL;

-- The home's replies: written once, never changed.
CREATE TABLE provider_replies (
    id            INTEGER PRIMARY KEY,
    submission_id TEXT NOT NULL REFERENCES submissions (id),
    user_id       INTEGER NOT NULL REFERENCES users (id),
    user_name     TEXT NOT NULL,
    at            TEXT NOT NULL,
    text          TEXT NOT NULL
) STRICT;

CREATE INDEX provider_replies_by_submission ON provider_replies (submission_id, id);

CREATE TRIGGER provider_replies_no_update BEFORE UPDATE ON provider_replies
BEGIN
    SELECT RAISE(ABORT, 'a reply cannot be changed');
END;

CREATE TRIGGER provider_replies_no_delete BEFORE DELETE ON provider_replies
BEGIN
    SELECT RAISE(ABORT, 'a reply cannot be deleted');
END;

-- The home's action plan: what, who, by when; each marked done once, with the date.
CREATE TABLE provider_actions (
    id            INTEGER PRIMARY KEY,
    submission_id TEXT NOT NULL REFERENCES submissions (id),
    what          TEXT NOT NULL,
    who           TEXT NOT NULL,
    due_on        TEXT NOT NULL,
    created_by    TEXT NOT NULL,
    created_at    TEXT NOT NULL,
    done_on       TEXT,
    done_by       TEXT,
    done_at       TEXT
) STRICT;

CREATE INDEX provider_actions_by_submission ON provider_actions (submission_id, id);

-- Only "done" is ever written after an action is added, and only once.
CREATE TRIGGER provider_actions_done_once BEFORE UPDATE ON provider_actions
WHEN OLD.done_on IS NOT NULL OR NEW.what IS NOT OLD.what OR NEW.who IS NOT OLD.who OR NEW.due_on IS NOT OLD.due_on
    OR NEW.submission_id IS NOT OLD.submission_id OR NEW.created_at IS NOT OLD.created_at
BEGIN
    SELECT RAISE(ABORT, 'an action can only be marked done, once');
END;

CREATE TRIGGER provider_actions_no_delete BEFORE DELETE ON provider_actions
BEGIN
    SELECT RAISE(ABORT, 'an action cannot be deleted');
END;

-- A home's own My Home Life self-assessments, on the same form definitions,
-- seen by the unit only once the home shares one.
CREATE TABLE self_assessments (
    id                  TEXT PRIMARY KEY NOT NULL,
    service_location_id TEXT NOT NULL REFERENCES services (location_id),
    user_id             INTEGER NOT NULL REFERENCES users (id),
    user_name           TEXT NOT NULL,
    form_id             TEXT NOT NULL,
    form_version        INTEGER NOT NULL,
    answers             TEXT NOT NULL,
    created_at          TEXT NOT NULL,
    shared_at           TEXT
) STRICT;

CREATE INDEX self_assessments_by_service ON self_assessments (service_location_id, created_at);
