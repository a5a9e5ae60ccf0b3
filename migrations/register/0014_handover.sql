-- Utslussning (issue 16): when a young person turns 20 (or leaves earlier), the hand-over to the
-- party that takes over, with the youth's answer on sharing their information: a fact of the
-- episode, counted in the kommun's period report.
--
-- consent: 1 if the youth agreed that their information be shared with the receiver, 0 if not;
-- consent_on and consent_method say when and how they answered. One hand-over per episode (a
-- correction replaces it, audited). Receivers and methods are code lists like the others.
CREATE TABLE handover_receiver (code TEXT PRIMARY KEY, label TEXT NOT NULL) STRICT;
CREATE TABLE consent_method    (code TEXT PRIMARY KEY, label TEXT NOT NULL) STRICT;

CREATE TABLE handover (
    episode_id      INTEGER PRIMARY KEY REFERENCES episode(id) ON DELETE CASCADE,
    receiver        TEXT NOT NULL REFERENCES handover_receiver(code),
    handed_over_on  TEXT NOT NULL CHECK (handed_over_on GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]'),
    consent         INTEGER NOT NULL CHECK (consent IN (0, 1)),
    consent_on      TEXT NOT NULL CHECK (consent_on GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]'),
    consent_method  TEXT NOT NULL REFERENCES consent_method(code),
    recorded_at     TEXT NOT NULL
) STRICT;

CREATE TRIGGER person_version_on_handover_insert AFTER INSERT ON handover
BEGIN UPDATE person SET version = version + 1 WHERE id = (SELECT person_id FROM episode WHERE id = NEW.episode_id); END;
CREATE TRIGGER person_version_on_handover_update AFTER UPDATE ON handover
BEGIN UPDATE person SET version = version + 1 WHERE id = (SELECT person_id FROM episode WHERE id = NEW.episode_id); END;
CREATE TRIGGER person_version_on_handover_delete AFTER DELETE ON handover
BEGIN UPDATE person SET version = version + 1 WHERE id = (SELECT person_id FROM episode WHERE id = OLD.episode_id); END;
