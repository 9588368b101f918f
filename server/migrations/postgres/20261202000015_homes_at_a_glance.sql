-- All homes at a glance (`/triage/homes`): per service, its last 90 days in
-- figures. Worked out from the observations, never typed in, and kept here so
-- that the view over every service in England reads one small row each
-- instead of a million observations.
CREATE TABLE service_stats (
    location_id      TEXT PRIMARY KEY NOT NULL REFERENCES services (location_id),
    red              BIGINT NOT NULL,  -- received in the window (the last 90 days)
    amber            BIGINT NOT NULL,
    green            BIGINT NOT NULL,
    concerns_before  BIGINT NOT NULL,  -- amber and red in the 90 days before the window
    pattern          BIGINT NOT NULL,  -- amber and red in the pattern rule's window
    open_items       BIGINT NOT NULL,  -- not closed, however old
    last_observed_at TEXT COLLATE "C",
    -- The worst rating each charted area got in the window:
    -- 1 good, 2 some concerns, 3 serious concerns; NULL if never rated.
    worst_appearance  BIGINT,
    worst_environment BIGINT,
    worst_interaction BIGINT,
    worst_staffing    BIGINT,
    computed_at      TEXT COLLATE "C" NOT NULL
);

-- Services whose figures an observation or a step has changed since they were
-- last worked out. Triggers fill it, so no writer can forget; the homes view
-- works out these few again before it reads.
CREATE TABLE service_stats_stale (
    location_id TEXT PRIMARY KEY NOT NULL
);

CREATE FUNCTION mark_service_stats_stale() RETURNS trigger
    LANGUAGE plpgsql
    AS $$
BEGIN
    INSERT INTO service_stats_stale (location_id) VALUES (NEW.service_location_id) ON CONFLICT DO NOTHING;
    RETURN NULL;
END
$$;

CREATE TRIGGER service_stats_on_observation AFTER INSERT ON submissions
    FOR EACH ROW EXECUTE FUNCTION mark_service_stats_stale();

CREATE TRIGGER service_stats_on_step AFTER UPDATE OF status ON submissions
    FOR EACH ROW EXECUTE FUNCTION mark_service_stats_stale();

-- Every service is worked out once at the next start (the server also works
-- them all out again every hour, as the window moves on).
INSERT INTO service_stats_stale (location_id) SELECT location_id FROM services;

-- The window's observations, read in time order by the full refresh.
CREATE INDEX submissions_by_received ON submissions (received_at);

-- Each service's open items, counted from the index alone.
CREATE INDEX submissions_status_by_service ON submissions (service_location_id, status);
