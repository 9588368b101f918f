-- Device tokens expire when a device goes unused for the configured lifetime
-- (180 days by default); each use in the second half of it renews the token.
-- Devices enrolled before get a full lifetime from now.
ALTER TABLE devices ADD COLUMN token_expires_at TEXT COLLATE "C";
UPDATE devices SET token_expires_at = to_char((now() + interval '180 days') AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"');

-- An organisation's access code can be withdrawn (`server org disable`); a
-- new one (`server org rotate-code`) puts it back in use.
ALTER TABLE organisations ADD COLUMN code_withdrawn_at TEXT COLLATE "C";
