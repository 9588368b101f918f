-- A report that someone is at immediate risk of harm is first in the inbox
-- until someone acknowledges it, whatever else is waiting. Whether a report
-- says so is decided at intake from its form's definition (the yes/no
-- question flagged `risk_of_harm`), and kept here so the inbox can order and
-- count by it without reading the answers.
ALTER TABLE submissions ADD COLUMN risk_of_harm BOOLEAN NOT NULL DEFAULT false;

-- Reports received before this column: every form that asks the question so
-- far calls it `risk_of_harm`, and a yes is stored as JSON true.
UPDATE submissions SET risk_of_harm = true WHERE (answers::json #>> '{risk_of_harm,value}') = 'true';

-- 0 while a risk-of-harm report waits for someone to acknowledge it.
ALTER TABLE submissions ADD COLUMN harm_rank BIGINT
    GENERATED ALWAYS AS (CASE WHEN risk_of_harm AND acknowledged_at IS NULL THEN 0 ELSE 1 END) STORED;

-- The inbox's indexes again, with the new first key, so each order and count
-- still reads an index in order (see migrations 4, 5 and 8 for why each exists).
DROP INDEX submissions_inbox;
CREATE INDEX submissions_inbox ON submissions (harm_rank, severity_rank, (acknowledged_at IS NOT NULL), received_at);
DROP INDEX submissions_open_inbox;
CREATE INDEX submissions_open_inbox ON submissions (harm_rank, severity_rank, (acknowledged_at IS NOT NULL), received_at)
    WHERE status <> 'closed';
DROP INDEX submissions_service_inbox;
CREATE INDEX submissions_service_inbox ON submissions (service_location_id, harm_rank, severity_rank, (acknowledged_at IS NOT NULL), received_at);
DROP INDEX submissions_status_inbox;
CREATE INDEX submissions_status_inbox ON submissions (status, harm_rank, severity_rank, (acknowledged_at IS NOT NULL), received_at);
DROP INDEX submissions_open_appearance_concerns;
CREATE INDEX submissions_open_appearance_concerns ON submissions (harm_rank, severity_rank, (acknowledged_at IS NOT NULL), received_at)
    WHERE status <> 'closed' AND (answers::json #>> '{appearance,value,value}') IN ('some_concerns', 'serious_concerns');
DROP INDEX submissions_open_environment_concerns;
CREATE INDEX submissions_open_environment_concerns ON submissions (harm_rank, severity_rank, (acknowledged_at IS NOT NULL), received_at)
    WHERE status <> 'closed' AND (answers::json #>> '{environment,value,value}') IN ('some_concerns', 'serious_concerns');
DROP INDEX submissions_open_interaction_concerns;
CREATE INDEX submissions_open_interaction_concerns ON submissions (harm_rank, severity_rank, (acknowledged_at IS NOT NULL), received_at)
    WHERE status <> 'closed' AND (answers::json #>> '{interaction,value,value}') IN ('some_concerns', 'serious_concerns');
DROP INDEX submissions_open_staffing_concerns;
CREATE INDEX submissions_open_staffing_concerns ON submissions (harm_rank, severity_rank, (acknowledged_at IS NOT NULL), received_at)
    WHERE status <> 'closed' AND (answers::json #>> '{staffing,value,value}') IN ('some_concerns', 'serious_concerns');

-- "Since you last looked": when each commissioner last opened the inbox.
ALTER TABLE users ADD COLUMN inbox_seen_at TEXT COLLATE "C";
