-- Inställningar (issue 16): settings an admin changes in the web UI (or kommun IT with
-- `kaa settings set`) over the config file's value. One row per changed key; no row: the config
-- file's value, else the built-in default. Who changed it and when is kept here for the page; the
-- change itself (before → after) is an audit row. The values are not personal data, and nothing
-- Idag or search shows depends on them (ViewCacheTests: not tracked).
CREATE TABLE register_setting (
    key        TEXT PRIMARY KEY CHECK (length(key) BETWEEN 1 AND 64),
    value      TEXT NOT NULL CHECK (length(value) <= 65536),
    changed_at TEXT NOT NULL,
    changed_by TEXT NOT NULL
) STRICT;
