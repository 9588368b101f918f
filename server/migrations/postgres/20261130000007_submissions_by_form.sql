-- A service's page shows the newest submission of each checklist; without this
-- index that walks every submission about the service until one matches.
CREATE INDEX submissions_by_service_form ON submissions (service_location_id, form_id, received_at);
