-- The people a listing showed, kept once per distinct set rather than once per run (issue 15's
-- case 5). A handläggare's "Idag" shows the same few hundred people run after run until the
-- register changes; writing them again each run wrote hundreds of entries into the by-person index,
-- each on its own page, for every view (nine tenths of a view's cost at 50 000 episodes). Now a run's
-- audit row names its set; a set is written the first time it is shown and shared by every row
-- that showed exactly those people, so each row still says precisely whom it showed.
--
-- audit_shown_set.digest: SHA-256 of the set's person ids, ascending, joined by ",". NULL for the sets
-- made below from 0006's rows (one per audit row, not shared). Sets are append-only; a set goes
-- when no audit row names it any more (purge, after the rows past the retention), its people with it.
CREATE TABLE audit_shown_set (
    id      INTEGER PRIMARY KEY,
    digest  BLOB UNIQUE CHECK (digest IS NULL OR length(digest) = 32),
    size    INTEGER NOT NULL CHECK (size > 0)
) STRICT;

CREATE TABLE audit_shown_person (
    set_id     INTEGER NOT NULL REFERENCES audit_shown_set(id) ON DELETE CASCADE,
    person_id  INTEGER NOT NULL,
    PRIMARY KEY (set_id, person_id)
) STRICT, WITHOUT ROWID;
CREATE INDEX audit_shown_person_by_person ON audit_shown_person(person_id, set_id);

-- An audit row's set; a set named by a row cannot be deleted (the foreign key).
ALTER TABLE audit_log ADD COLUMN shown_set INTEGER REFERENCES audit_shown_set(id);
CREATE INDEX audit_log_by_shown_set ON audit_log(shown_set) WHERE shown_set IS NOT NULL;

-- 0006's rows: one set per audit row, with the same id. The log refuses updates, so its trigger is
-- lifted for this one statement and put back as it was.
INSERT INTO audit_shown_set (id, digest, size) SELECT audit_id, NULL, count(*) FROM audit_log_person GROUP BY audit_id;
INSERT INTO audit_shown_person (set_id, person_id) SELECT audit_id, person_id FROM audit_log_person;
DROP TRIGGER audit_log_refuses_update;
UPDATE audit_log SET shown_set = id WHERE id IN (SELECT id FROM audit_shown_set);
CREATE TRIGGER audit_log_refuses_update BEFORE UPDATE ON audit_log
BEGIN
    SELECT RAISE(ABORT, 'audit_log is append-only: rows cannot be changed');
END;
DROP TABLE audit_log_person;

CREATE TRIGGER audit_shown_set_refuses_update BEFORE UPDATE ON audit_shown_set
BEGIN
    SELECT RAISE(ABORT, 'audit_shown_set is append-only: sets cannot be changed');
END;
CREATE TRIGGER audit_shown_person_refuses_update BEFORE UPDATE ON audit_shown_person
BEGIN
    SELECT RAISE(ABORT, 'audit_shown_person is append-only: rows cannot be changed');
END;
-- A set's people go only with the set (the cascade of its deletion).
CREATE TRIGGER audit_shown_person_refuses_delete BEFORE DELETE ON audit_shown_person
WHEN EXISTS (SELECT 1 FROM audit_shown_set WHERE id = OLD.set_id)
BEGIN
    SELECT RAISE(ABORT, 'audit_shown_person rows go only with their set');
END;
