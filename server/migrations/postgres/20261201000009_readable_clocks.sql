-- Releases before 2026-12-01 stored any year chrono would parse, signed and
-- five-digit ones included ("+10000-01-01T00:00:00+00:00"), which it then
-- refused to read back. Such a device clock tells nothing, so it becomes the
-- time the server received the observation, which is always readable.
-- (SQLite's GLOB pattern, as a regular expression.)
UPDATE submissions
SET submitted_at = received_at
WHERE submitted_at !~ '^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}';
