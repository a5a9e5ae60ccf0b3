-- The kommun's KAA register (design §5). Only the fields SFS 2006:39 § 4 allows.
-- Dates are ISO calendar dates (YYYY-MM-DD) in the kommun's time zone; times are UTC.

CREATE TABLE setting (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
) STRICT;

-- The cell-key secret (design §6): random at init, never leaves the kommun.
CREATE TABLE secret (
    name  TEXT PRIMARY KEY,
    value BLOB NOT NULL CHECK (length(value) >= 32)
) STRICT;

-- Reference data, seeded from seeds/ (codes.csv, kommuner.csv). Codes are never deleted.
CREATE TABLE county (code TEXT PRIMARY KEY CHECK (length(code) = 2), name TEXT NOT NULL) STRICT;
CREATE TABLE kommun (
    code   TEXT PRIMARY KEY CHECK (length(code) = 4),
    name   TEXT NOT NULL,
    county TEXT NOT NULL
) STRICT;
CREATE TABLE registration_reason   (code TEXT PRIMARY KEY, label TEXT NOT NULL) STRICT;
CREATE TABLE deregistration_reason (code TEXT PRIMARY KEY, label TEXT NOT NULL) STRICT;
CREATE TABLE occupation            (code TEXT PRIMARY KEY, label TEXT NOT NULL) STRICT;
CREATE TABLE measure_type          (code TEXT PRIMARY KEY, label TEXT NOT NULL) STRICT;
CREATE TABLE measure_end_reason    (code TEXT PRIMARY KEY, label TEXT NOT NULL) STRICT;
CREATE TABLE contact_channel       (code TEXT PRIMARY KEY, label TEXT NOT NULL) STRICT;

-- A young person. A protected identity (skyddad folkbokföring / sekretessmarkering) has no address.
CREATE TABLE person (
    id            INTEGER PRIMARY KEY,
    personnummer  TEXT NOT NULL UNIQUE
                  CHECK (length(personnummer) = 12 AND personnummer NOT GLOB '*[^0-9]*'),
    first_name    TEXT,
    last_name     TEXT,
    address       TEXT,
    postal_code   TEXT,
    city          TEXT,
    phone         TEXT,
    email         TEXT,
    is_protected  INTEGER NOT NULL DEFAULT 0 CHECK (is_protected IN (0, 1)),
    CHECK (is_protected = 0 OR (address IS NULL AND postal_code IS NULL AND city IS NULL))
) STRICT;

-- A period in the aktivitetsansvar: covers registered_on <= d < deregistered_on.
CREATE TABLE episode (
    id                     INTEGER PRIMARY KEY,
    person_id              INTEGER NOT NULL REFERENCES person(id) ON DELETE CASCADE,
    registered_on          TEXT NOT NULL CHECK (date(registered_on) IS registered_on),
    registration_reason    TEXT NOT NULL REFERENCES registration_reason(code),
    deregistered_on        TEXT CHECK (deregistered_on IS NULL OR date(deregistered_on) IS deregistered_on),
    deregistration_reason  TEXT REFERENCES deregistration_reason(code),
    CHECK ((deregistered_on IS NULL) = (deregistration_reason IS NULL)),
    CHECK (deregistered_on IS NULL OR deregistered_on >= registered_on)
) STRICT;
CREATE UNIQUE INDEX episode_one_open_per_person ON episode(person_id) WHERE deregistered_on IS NULL;
CREATE INDEX episode_by_person ON episode(person_id, registered_on);

CREATE TABLE contact (
    id            INTEGER PRIMARY KEY,
    episode_id    INTEGER NOT NULL REFERENCES episode(id) ON DELETE CASCADE,
    contacted_on  TEXT NOT NULL CHECK (date(contacted_on) IS contacted_on),
    channel       TEXT NOT NULL REFERENCES contact_channel(code),
    is_reached    INTEGER NOT NULL CHECK (is_reached IN (0, 1)),
    occupation    TEXT REFERENCES occupation(code),
    CHECK (occupation IS NULL OR is_reached = 1)
) STRICT;
CREATE INDEX contact_by_episode ON contact(episode_id, contacted_on);

-- What the youth does, as learned on a date (besides contacts and measure ends).
CREATE TABLE occupation_fact (
    id          INTEGER PRIMARY KEY,
    episode_id  INTEGER NOT NULL REFERENCES episode(id) ON DELETE CASCADE,
    noted_on    TEXT NOT NULL CHECK (date(noted_on) IS noted_on),
    occupation  TEXT NOT NULL REFERENCES occupation(code)
) STRICT;
CREATE INDEX occupation_fact_by_episode ON occupation_fact(episode_id, noted_on);

-- An individual measure (åtgärd). plan is the only free text the law's documentation needs.
CREATE TABLE measure (
    id                INTEGER PRIMARY KEY,
    episode_id        INTEGER NOT NULL REFERENCES episode(id) ON DELETE CASCADE,
    measure_type      TEXT NOT NULL REFERENCES measure_type(code),
    offered_on        TEXT NOT NULL CHECK (date(offered_on) IS offered_on),
    decision          TEXT CHECK (decision IN ('ACCEPTERAD', 'AVBOJD')),
    started_on        TEXT CHECK (started_on IS NULL OR date(started_on) IS started_on),
    ended_on          TEXT CHECK (ended_on IS NULL OR date(ended_on) IS ended_on),
    end_reason        TEXT REFERENCES measure_end_reason(code),
    occupation_after  TEXT REFERENCES occupation(code),
    responsible       TEXT,
    plan              TEXT,
    follow_up_on      TEXT CHECK (follow_up_on IS NULL OR date(follow_up_on) IS follow_up_on),
    CHECK ((ended_on IS NULL) = (end_reason IS NULL)),
    CHECK (occupation_after IS NULL OR ended_on IS NOT NULL),
    CHECK (started_on IS NULL OR started_on >= offered_on),
    CHECK (started_on IS NULL OR decision IS NOT 'AVBOJD'),
    CHECK (ended_on IS NULL OR ended_on >= coalesce(started_on, offered_on))
) STRICT;
CREATE INDEX measure_by_episode ON measure(episode_id, offered_on);

-- Cells of frozen periods (design §5, §6): computed once when the period freezes, then read.
CREATE TABLE frozen_period (
    period             TEXT PRIMARY KEY,
    frozen_on          TEXT NOT NULL,
    catalogue_version  INTEGER NOT NULL
) STRICT;
CREATE TABLE frozen_cell (
    period      TEXT NOT NULL REFERENCES frozen_period(period),
    table_name  TEXT NOT NULL,
    dims        TEXT NOT NULL,
    n           INTEGER NOT NULL CHECK (n > 0),
    ck          INTEGER NOT NULL CHECK (ck BETWEEN 0 AND 4294967295),
    PRIMARY KEY (period, table_name, dims)
) STRICT;

-- The population (folkbokförda 16-19) of each folkbokföring extract: counts only, no person.
-- ck is kept with the month's and the half-year's period keys of the extract's date.
CREATE TABLE population_extract (
    extract_on  TEXT PRIMARY KEY CHECK (date(extract_on) IS extract_on),
    imported_at TEXT NOT NULL
) STRICT;
CREATE TABLE population_cell (
    extract_on   TEXT NOT NULL REFERENCES population_extract(extract_on) ON DELETE CASCADE,
    period_kind  TEXT NOT NULL CHECK (period_kind IN ('month', 'half')),
    sex          TEXT NOT NULL CHECK (sex IN ('K', 'M')),
    age          INTEGER NOT NULL CHECK (age BETWEEN 16 AND 19),
    n            INTEGER NOT NULL CHECK (n > 0),
    ck           INTEGER NOT NULL CHECK (ck BETWEEN 0 AND 4294967295),
    PRIMARY KEY (extract_on, period_kind, sex, age)
) STRICT;

-- Who read or wrote what (design §5). Names the person by internal id only, never by
-- personnummer or name; person_id has no foreign key so the trail outlives gallring.
CREATE TABLE audit_log (
    id         INTEGER PRIMARY KEY,
    at         TEXT NOT NULL,
    staff      TEXT NOT NULL,
    action     TEXT NOT NULL,
    person_id  INTEGER,
    detail     TEXT
) STRICT;
CREATE INDEX audit_log_by_person ON audit_log(person_id, at);
CREATE INDEX audit_log_by_time ON audit_log(at);

CREATE TRIGGER audit_log_refuses_update BEFORE UPDATE ON audit_log
BEGIN
    SELECT RAISE(ABORT, 'audit_log is append-only: rows cannot be changed');
END;

-- Rows younger than the audit retention (setting audit_retention_months, default 24) stay.
CREATE TRIGGER audit_log_refuses_early_delete BEFORE DELETE ON audit_log
WHEN OLD.at >= strftime('%Y-%m-%dT%H:%M:%SZ', 'now',
        '-' || coalesce((SELECT CAST(value AS INTEGER) FROM setting WHERE key = 'audit_retention_months'), 24) || ' months')
BEGIN
    SELECT RAISE(ABORT, 'audit_log rows younger than the audit retention cannot be deleted');
END;
