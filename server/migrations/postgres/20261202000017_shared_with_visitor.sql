-- Closing the loop with the visitor (issue 14). Each step says whether its
-- note may be read by the professional who sent the observation; the default
-- is not, and the choice is part of the audit line, written once.
ALTER TABLE triage_events ADD COLUMN shared_with_visitor BOOLEAN NOT NULL DEFAULT false;

-- A phone asks what changed among its own submissions since its cursor (the
-- last audit line it saw): one device's submissions, then their new lines.
CREATE INDEX submissions_by_device ON submissions (device_id);
