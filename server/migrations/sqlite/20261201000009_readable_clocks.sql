-- Releases before 2026-12-01 stored any year chrono would parse, signed and
-- five-digit ones included ("+10000-01-01T00:00:00+00:00"), which it then
-- refused to read back. Such a device clock tells nothing, so it becomes the
-- time the server received the observation, which is always readable.
UPDATE submissions
SET submitted_at = received_at
WHERE submitted_at NOT GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]T[0-9][0-9]:[0-9][0-9]:[0-9][0-9]*';
