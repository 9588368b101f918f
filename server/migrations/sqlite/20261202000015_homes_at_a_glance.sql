-- All homes at a glance (`/triage/homes`): per service, its last 90 days in
-- figures. Worked out from the observations, never typed in, and kept here so
-- that the view over every service in England reads one small row each
-- instead of a million observations.
CREATE TABLE service_stats (
    location_id      TEXT PRIMARY KEY NOT NULL REFERENCES services (location_id),
    red              INTEGER NOT NULL,  -- received in the window (the last 90 days)
    amber            INTEGER NOT NULL,
    green            INTEGER NOT NULL,
    concerns_before  INTEGER NOT NULL,  -- amber and red in the 90 days before the window
    pattern          INTEGER NOT NULL,  -- amber and red in the pattern rule's window
    open_items       INTEGER NOT NULL,  -- not closed, however old
    last_observed_at TEXT,
    -- The worst rating each charted area got in the window:
    -- 1 good, 2 some concerns, 3 serious concerns; NULL if never rated.
    worst_appearance  INTEGER,
    worst_environment INTEGER,
    worst_interaction INTEGER,
    worst_staffing    INTEGER,
    computed_at      TEXT NOT NULL
) STRICT;

-- Services whose figures an observation or a step has changed since they were
-- last worked out. Triggers fill it, so no writer can forget; the homes view
-- works out these few again before it reads.
CREATE TABLE service_stats_stale (
    location_id TEXT PRIMARY KEY NOT NULL
) STRICT, WITHOUT ROWID;

CREATE TRIGGER service_stats_on_observation AFTER INSERT ON submissions
BEGIN
    INSERT OR IGNORE INTO service_stats_stale (location_id) VALUES (NEW.service_location_id);
END;

CREATE TRIGGER service_stats_on_step AFTER UPDATE OF status ON submissions
BEGIN
    INSERT OR IGNORE INTO service_stats_stale (location_id) VALUES (NEW.service_location_id);
END;

-- Every service is worked out once at the next start (the server also works
-- them all out again every hour, as the window moves on).
INSERT INTO service_stats_stale (location_id) SELECT location_id FROM services;

-- The window's observations, read in time order by the full refresh.
CREATE INDEX submissions_by_received ON submissions (received_at);

-- Each service's open items, counted from the index alone. (Not a partial
-- index over the open ones: SQLite would then take it for the inbox's area
-- filters too, instead of their own indexes.)
CREATE INDEX submissions_status_by_service ON submissions (service_location_id, status);
