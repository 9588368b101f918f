-- The form a device is filling in without JavaScript, one per device and form.
-- Its id becomes the submission's id, so sending twice cannot make two.
CREATE TABLE drafts (
    device_id    TEXT NOT NULL REFERENCES devices (id),
    form_id      TEXT NOT NULL,
    id           TEXT NOT NULL UNIQUE,
    form_version BIGINT NOT NULL,
    state        TEXT NOT NULL,
    updated_at   TEXT COLLATE "C" NOT NULL DEFAULT utc_now_text(),
    PRIMARY KEY (device_id, form_id)
);
