-- The form a device is filling in without JavaScript, one per device and form.
-- Its id becomes the submission's id, so sending twice cannot make two.
CREATE TABLE drafts (
    device_id    TEXT NOT NULL REFERENCES devices (id),
    form_id      TEXT NOT NULL,
    id           TEXT NOT NULL UNIQUE,
    form_version INTEGER NOT NULL,
    state        TEXT NOT NULL,
    updated_at   TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    PRIMARY KEY (device_id, form_id)
) STRICT;
