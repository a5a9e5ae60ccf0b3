-- Månadskörning (issue 16): every month run committed from the web, with its report kept.
--
-- month_run says what was run (the date, who, the files by name, size and SHA-256: no personal
-- data) and its counts. month_run_entry holds the report's lines, one per person: who entered
-- ('in', code = registration reason), left ('ut', code = de-registration reason), whose contact
-- detail the extract changed or gives differently ('uppgift', code = field), which items were left
-- for review ('granska', code = kind) and what the coordinator chose for an item ('val', code =
-- the decision). A line names its person by id, so gallring of the person removes their lines
-- (the cascade); the names are read from the register when the report is shown.
CREATE TABLE month_run (
    id            INTEGER PRIMARY KEY,
    run_on        TEXT NOT NULL CHECK (run_on GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]'),
    committed_at  TEXT NOT NULL,
    committed_by  TEXT NOT NULL,
    files         TEXT NOT NULL,
    rows          INTEGER NOT NULL CHECK (rows >= 0),
    population    INTEGER NOT NULL CHECK (population >= 0),
    entered       INTEGER NOT NULL CHECK (entered >= 0),
    left_count    INTEGER NOT NULL CHECK (left_count >= 0),
    unchanged     INTEGER NOT NULL CHECK (unchanged >= 0),
    details       INTEGER NOT NULL CHECK (details >= 0),
    review        INTEGER NOT NULL CHECK (review >= 0),
    digest        TEXT NOT NULL CHECK (length(digest) = 64)
) STRICT;

CREATE TABLE month_run_entry (
    run_id     INTEGER NOT NULL REFERENCES month_run(id) ON DELETE CASCADE,
    person_id  INTEGER NOT NULL REFERENCES person(id) ON DELETE CASCADE,
    kind       TEXT NOT NULL CHECK (kind IN ('in', 'ut', 'uppgift', 'granska', 'val')),
    code       TEXT NOT NULL,
    detail     TEXT NOT NULL
) STRICT;
CREATE INDEX month_run_entry_by_run ON month_run_entry (run_id, kind);
CREATE INDEX month_run_entry_by_person ON month_run_entry (person_id);
