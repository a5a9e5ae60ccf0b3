-- The coordinators' web UI (issue 15): sessions, a version per person for forms edited from a
-- stale view, and where an audit row's act came from.
--
-- web_session: one row per logged-in browser. id_hash is SHA-256 of the 256-bit session id the
-- cookie holds (the id itself is never stored, so a copy of the file logs nobody in). csrf is the
-- per-session token every form posts back. must_change_password: the session was made with a
-- one-time password and may only set a new one. Times are seconds since 1970 (UTC).
CREATE TABLE web_session (
    id_hash               BLOB PRIMARY KEY CHECK (length(id_hash) = 32),
    staff_id              INTEGER NOT NULL REFERENCES staff(id),
    csrf                  TEXT NOT NULL CHECK (length(csrf) >= 32),
    must_change_password  INTEGER NOT NULL DEFAULT 0 CHECK (must_change_password IN (0, 1)),
    created_at            INTEGER NOT NULL,
    last_seen_at          INTEGER NOT NULL
) STRICT, WITHOUT ROWID;
CREATE INDEX web_session_by_staff ON web_session(staff_id);

-- via: 'web' for an act of a logged-in staff member (staff is their login), 'cli' for a command
-- (staff is the OS user). Rows from before this migration are the CLI's.
ALTER TABLE audit_log ADD COLUMN via TEXT NOT NULL DEFAULT 'cli' CHECK (via IN ('cli', 'web'));

-- version: bumped by every change to the person or their records, so that a form shows the
-- version it was made from and a write from a stale view is refused rather than lost.
ALTER TABLE person ADD COLUMN version INTEGER NOT NULL DEFAULT 0;

CREATE TRIGGER person_version_on_update AFTER UPDATE OF personnummer, first_name, last_name, address, postal_code, city, phone, email, is_protected ON person
BEGIN UPDATE person SET version = version + 1 WHERE id = NEW.id; END;

CREATE TRIGGER person_version_on_episode_insert AFTER INSERT ON episode
BEGIN UPDATE person SET version = version + 1 WHERE id = NEW.person_id; END;
CREATE TRIGGER person_version_on_episode_update AFTER UPDATE ON episode
BEGIN UPDATE person SET version = version + 1 WHERE id = NEW.person_id; END;
CREATE TRIGGER person_version_on_episode_delete AFTER DELETE ON episode
BEGIN UPDATE person SET version = version + 1 WHERE id = OLD.person_id; END;

CREATE TRIGGER person_version_on_contact_insert AFTER INSERT ON contact
BEGIN UPDATE person SET version = version + 1 WHERE id = (SELECT person_id FROM episode WHERE id = NEW.episode_id); END;
CREATE TRIGGER person_version_on_contact_update AFTER UPDATE ON contact
BEGIN UPDATE person SET version = version + 1 WHERE id = (SELECT person_id FROM episode WHERE id = NEW.episode_id); END;
CREATE TRIGGER person_version_on_contact_delete AFTER DELETE ON contact
BEGIN UPDATE person SET version = version + 1 WHERE id = (SELECT person_id FROM episode WHERE id = OLD.episode_id); END;

CREATE TRIGGER person_version_on_occupation_insert AFTER INSERT ON occupation_fact
BEGIN UPDATE person SET version = version + 1 WHERE id = (SELECT person_id FROM episode WHERE id = NEW.episode_id); END;
CREATE TRIGGER person_version_on_occupation_update AFTER UPDATE ON occupation_fact
BEGIN UPDATE person SET version = version + 1 WHERE id = (SELECT person_id FROM episode WHERE id = NEW.episode_id); END;
CREATE TRIGGER person_version_on_occupation_delete AFTER DELETE ON occupation_fact
BEGIN UPDATE person SET version = version + 1 WHERE id = (SELECT person_id FROM episode WHERE id = OLD.episode_id); END;

CREATE TRIGGER person_version_on_measure_insert AFTER INSERT ON measure
BEGIN UPDATE person SET version = version + 1 WHERE id = (SELECT person_id FROM episode WHERE id = NEW.episode_id); END;
CREATE TRIGGER person_version_on_measure_update AFTER UPDATE ON measure
BEGIN UPDATE person SET version = version + 1 WHERE id = (SELECT person_id FROM episode WHERE id = NEW.episode_id); END;
CREATE TRIGGER person_version_on_measure_delete AFTER DELETE ON measure
BEGIN UPDATE person SET version = version + 1 WHERE id = (SELECT person_id FROM episode WHERE id = OLD.episode_id); END;

CREATE TRIGGER person_version_on_follow_up_insert AFTER INSERT ON measure_follow_up
BEGIN UPDATE person SET version = version + 1
      WHERE id = (SELECT e.person_id FROM measure m JOIN episode e ON e.id = m.episode_id WHERE m.id = NEW.measure_id); END;
CREATE TRIGGER person_version_on_follow_up_delete AFTER DELETE ON measure_follow_up
BEGIN UPDATE person SET version = version + 1
      WHERE id = (SELECT e.person_id FROM measure m JOIN episode e ON e.id = m.episode_id WHERE m.id = OLD.measure_id); END;

CREATE TRIGGER person_version_on_caseload_insert AFTER INSERT ON caseload
BEGIN UPDATE person SET version = version + 1 WHERE id = NEW.person_id; END;
CREATE TRIGGER person_version_on_caseload_update AFTER UPDATE ON caseload
BEGIN UPDATE person SET version = version + 1 WHERE id = NEW.person_id; END;
CREATE TRIGGER person_version_on_caseload_delete AFTER DELETE ON caseload
BEGIN UPDATE person SET version = version + 1 WHERE id = OLD.person_id; END;
