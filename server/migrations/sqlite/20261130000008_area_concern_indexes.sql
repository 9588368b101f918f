-- The inbox filter "area with concerns": one partial index per charted area
-- over the open observations with concerns in it, in inbox order, so the first
-- page and its count read a small index instead of every row's JSON (over a
-- million observations the filter took 2.5 s at p95 without them). The WHERE
-- clauses must stay word for word what the store's filter writes
-- (`push_filter` in store/sqlite/triage.rs), or SQLite will not use them.
CREATE INDEX submissions_open_appearance_concerns ON submissions (severity_rank, acknowledged_at IS NOT NULL, received_at)
    WHERE status <> 'closed' AND json_extract(answers, '$.appearance.value.value') IN ('some_concerns', 'serious_concerns');
CREATE INDEX submissions_open_environment_concerns ON submissions (severity_rank, acknowledged_at IS NOT NULL, received_at)
    WHERE status <> 'closed' AND json_extract(answers, '$.environment.value.value') IN ('some_concerns', 'serious_concerns');
CREATE INDEX submissions_open_interaction_concerns ON submissions (severity_rank, acknowledged_at IS NOT NULL, received_at)
    WHERE status <> 'closed' AND json_extract(answers, '$.interaction.value.value') IN ('some_concerns', 'serious_concerns');
CREATE INDEX submissions_open_staffing_concerns ON submissions (severity_rank, acknowledged_at IS NOT NULL, received_at)
    WHERE status <> 'closed' AND json_extract(answers, '$.staffing.value.value') IN ('some_concerns', 'serious_concerns');
