-- The default inbox shows open observations only; most observations end up
-- closed, so a partial index over the open ones keeps the first page and its
-- count small however many closed ones pile up.
CREATE INDEX submissions_open_inbox ON submissions (severity_rank, (acknowledged_at IS NOT NULL), received_at)
    WHERE status <> 'closed';

-- A service's observations in inbox order (the service filter, the service page).
CREATE INDEX submissions_service_inbox ON submissions (service_location_id, severity_rank, (acknowledged_at IS NOT NULL), received_at);

-- One status at a time ("new", say) in inbox order.
CREATE INDEX submissions_status_inbox ON submissions (status, severity_rank, (acknowledged_at IS NOT NULL), received_at);
