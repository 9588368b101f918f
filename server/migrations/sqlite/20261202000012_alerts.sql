-- Alerts about red observations, one row per observation and channel, written
-- in the same transaction as the observation: an alert is queued if and only
-- if the observation was stored, and survives any restart until delivered.
CREATE TABLE alerts (
    submission_id   TEXT NOT NULL REFERENCES submissions (id),
    channel         TEXT NOT NULL CHECK (channel IN ('email', 'webhook')),
    created_at      TEXT NOT NULL,
    attempts        INTEGER NOT NULL DEFAULT 0,
    -- When the sender may next take it; moved on while a send is under way,
    -- so no other sender takes it meanwhile.
    next_attempt_at TEXT NOT NULL,
    delivered_at    TEXT,
    PRIMARY KEY (submission_id, channel)
) STRICT;

CREATE INDEX alerts_due ON alerts (next_attempt_at) WHERE delivered_at IS NULL;

-- Each delivery and each failure, shown in the observation's audit trail.
-- Written once and never changed, like the trail itself.
CREATE TABLE alert_log (
    id            INTEGER PRIMARY KEY,
    submission_id TEXT NOT NULL REFERENCES submissions (id),
    channel       TEXT NOT NULL,
    at            TEXT NOT NULL,
    delivered     INTEGER NOT NULL CHECK (delivered IN (0, 1)),
    detail        TEXT NOT NULL
) STRICT;

CREATE INDEX alert_log_by_submission ON alert_log (submission_id, id);

CREATE TRIGGER alert_log_no_update BEFORE UPDATE ON alert_log
BEGIN
    SELECT RAISE(ABORT, 'the audit trail cannot be changed');
END;

CREATE TRIGGER alert_log_no_delete BEFORE DELETE ON alert_log
BEGIN
    SELECT RAISE(ABORT, 'the audit trail cannot be deleted');
END;

-- The daily digest: one row per day it was sent, taken before sending so that
-- two senders (or a restart) never send one day's digest twice.
CREATE TABLE digests (
    day     TEXT PRIMARY KEY NOT NULL,
    sent_at TEXT NOT NULL
) STRICT;
