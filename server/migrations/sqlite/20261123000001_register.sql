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
    rated_on          TEXT,
    created_at        TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    updated_at        TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
) STRICT;

CREATE INDEX services_by_name ON services (name COLLATE NOCASE);
CREATE INDEX services_by_town ON services (town COLLATE NOCASE);
