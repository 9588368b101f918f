-- The inbox filter "area with concerns": one partial index per charted area
-- over the open observations with concerns in it, in inbox order, so the first
-- page and its count read a small index instead of every row's JSON. The
-- WHERE clauses must stay word for word what the store's filter writes
-- (`area_with_concerns` in store/postgres/triage.rs), or PostgreSQL will not
-- use them. `answers` is JSON text; `::json` reads it without rewriting it.
CREATE INDEX submissions_open_appearance_concerns ON submissions (severity_rank, (acknowledged_at IS NOT NULL), received_at)
    WHERE status <> 'closed' AND (answers::json #>> '{appearance,value,value}') IN ('some_concerns', 'serious_concerns');
CREATE INDEX submissions_open_environment_concerns ON submissions (severity_rank, (acknowledged_at IS NOT NULL), received_at)
    WHERE status <> 'closed' AND (answers::json #>> '{environment,value,value}') IN ('some_concerns', 'serious_concerns');
CREATE INDEX submissions_open_interaction_concerns ON submissions (severity_rank, (acknowledged_at IS NOT NULL), received_at)
    WHERE status <> 'closed' AND (answers::json #>> '{interaction,value,value}') IN ('some_concerns', 'serious_concerns');
CREATE INDEX submissions_open_staffing_concerns ON submissions (severity_rank, (acknowledged_at IS NOT NULL), received_at)
    WHERE status <> 'closed' AND (answers::json #>> '{staffing,value,value}') IN ('some_concerns', 'serious_concerns');
