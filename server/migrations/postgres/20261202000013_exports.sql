-- The analysts' export reads one form version's submissions over a date
-- range, a page at a time in received order.
CREATE INDEX submissions_by_form_version ON submissions (form_id, form_version, received_at, id);
