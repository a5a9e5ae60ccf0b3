-- SCB-rapport in the web UI (issue 16): every SCB file downloaded, when, by whom, for which
-- half-year, its SHA-256 digest and row count, and its lines, so that the next download of the
-- same period can be compared with it (rows added, removed, changed, by person).
--
-- A line holds a personnummer, so each belongs to its person and goes with them at gallring
-- (ON DELETE CASCADE); the header keeps no personal data. is_draft: 1 for a draft (DRAFT first
-- line, not to be submitted), which the diff never takes as "the previous submission".
CREATE TABLE scb_submission (
    id            INTEGER PRIMARY KEY,
    period        TEXT NOT NULL CHECK (period GLOB '[0-9][0-9][0-9][0-9]-H[12]'),
    downloaded_at TEXT NOT NULL,
    staff         TEXT NOT NULL,
    digest        TEXT NOT NULL CHECK (length(digest) = 64),
    row_count     INTEGER NOT NULL CHECK (row_count >= 0),
    is_draft      INTEGER NOT NULL CHECK (is_draft IN (0, 1))
) STRICT;
CREATE INDEX scb_submission_period ON scb_submission (period, id);

-- line: the row's number in the file (0 the header); person_id NULL for the header and a draft's
-- first line. fields: the row's fields joined by the unit separator (U+001F).
CREATE TABLE scb_submission_line (
    submission_id INTEGER NOT NULL REFERENCES scb_submission(id) ON DELETE CASCADE,
    line          INTEGER NOT NULL,
    person_id     INTEGER REFERENCES person(id) ON DELETE CASCADE,
    fields        TEXT NOT NULL,
    PRIMARY KEY (submission_id, line)
) STRICT;
CREATE INDEX scb_submission_line_person ON scb_submission_line (person_id);
