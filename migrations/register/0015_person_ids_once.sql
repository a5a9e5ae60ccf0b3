-- A person's id is never given twice (review of issue 15's change). Gallring deletes people; SQLite
-- gives a new row the largest id + 1, so deleting the newest person would hand their id to the next
-- one registered, and with it the old person's audit rows (`audit_log.person_id`, the sets of people
-- shown). The register now inserts people with an id above the highest ever used.
CREATE TABLE person_id_high_water (
    id      INTEGER PRIMARY KEY CHECK (id = 1),
    max_id  INTEGER NOT NULL
) STRICT;
INSERT INTO person_id_high_water (id, max_id) VALUES (1, coalesce((SELECT max(id) FROM person), 0));
CREATE TRIGGER person_id_high_water_on_insert AFTER INSERT ON person
BEGIN UPDATE person_id_high_water SET max_id = max(max_id, NEW.id); END;

-- A follow-up changed in place moves its person's version too (0008 covered insert and delete).
CREATE TRIGGER person_version_on_follow_up_update AFTER UPDATE ON measure_follow_up
BEGIN UPDATE person SET version = version + 1
      WHERE id = (SELECT e.person_id FROM measure m JOIN episode e ON e.id = m.episode_id WHERE m.id = NEW.measure_id); END;
