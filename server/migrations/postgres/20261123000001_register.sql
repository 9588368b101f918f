-- The PostgreSQL history mirrors migrations/sqlite file for file (same names
-- and versions), so the two schemas can be compared step by step.
--
-- Times are RFC 3339 text in UTC, exactly as the SQLite backend writes them,
-- not timestamptz: both backends then store and return the very same values
-- (a receipt reads back to the nanosecond, a phone's own clock keeps its
-- offset), and the Rust side formats, binds and parses times one way for
-- both. Every time column is COLLATE "C" so that text comparison is byte
-- order, which for these fixed formats is time order, whatever collation
-- the database was created with.
--
-- Integers are BIGINT throughout (SQLite's INTEGER is 64-bit, and the Rust
-- side reads them as i64); flags are BOOLEAN.

-- SQLite's strftime('%Y-%m-%dT%H:%M:%fZ', 'now'): the current time as text,
-- to the millisecond, for column defaults and "now" in queries.
CREATE FUNCTION utc_now_text() RETURNS text
    LANGUAGE sql STABLE
    AS $$ SELECT to_char(now() AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') $$;

-- The register of services: one row per CQC location.
CREATE TABLE services (
    location_id       TEXT PRIMARY KEY NOT NULL,
    name              TEXT NOT NULL,
    kind              TEXT NOT NULL CHECK (kind IN ('residential_home', 'nursing_home', 'home_care')),
    town              TEXT NOT NULL,
    rating_overall    TEXT,
    rating_safe       TEXT,
    rating_effective  TEXT,
    rating_caring     TEXT,
    rating_responsive TEXT,
    rating_well_led   TEXT,
    rated_on          TEXT COLLATE "C",
    created_at        TEXT COLLATE "C" NOT NULL DEFAULT utc_now_text(),
    updated_at        TEXT COLLATE "C" NOT NULL DEFAULT utc_now_text()
);

-- SQLite's COLLATE NOCASE indexes: the same order, from lower-cased names
-- compared byte by byte.
CREATE INDEX services_by_name ON services ((lower(name) COLLATE "C"));
CREATE INDEX services_by_town ON services ((lower(town) COLLATE "C"));
