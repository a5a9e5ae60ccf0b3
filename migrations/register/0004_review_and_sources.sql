-- Identify proposes, the coordinator decides (design §12, issue 13): which episode states are a
-- coordinator's decisions, where each contact detail came from, the "Att granska" items, and the
-- occupation list's split of komvux by level.

-- 1 when the episode's current state is a coordinator's decision: a manual registration or a
-- reopening (while open), a manual de-registration or correction of it (once closed). Identify
-- never changes such an episode; it proposes instead.
ALTER TABLE episode ADD COLUMN decided_by_staff INTEGER NOT NULL DEFAULT 0 CHECK (decided_by_staff IN (0, 1));

-- Before this version nothing recorded who decided, but some codes only a coordinator sets.
UPDATE episode SET decided_by_staff = 1
WHERE (deregistered_on IS NULL AND registration_reason = 'INFLYTTAD')
   OR deregistration_reason IN ('UTVANDRAT', 'AVLIDEN', 'FELREGISTRERAD');

-- Where each contact detail of a person (and the protected-identity flag) came from: a
-- folkbokföring extract of a date, a coordinator (who, when), or a history import. A detail
-- without a row predates this version.
CREATE TABLE person_detail_source (
    person_id   INTEGER NOT NULL REFERENCES person(id) ON DELETE CASCADE,
    field       TEXT NOT NULL CHECK (field IN ('first_name', 'last_name', 'address', 'postal_code', 'city', 'phone', 'email', 'is_protected')),
    source      TEXT NOT NULL CHECK (source IN ('extract', 'staff', 'import')),
    source_on   TEXT NOT NULL CHECK (date(source_on) IS source_on),
    entered_by  TEXT,
    entered_at  TEXT,
    CHECK ((source = 'staff') = (entered_by IS NOT NULL)),
    PRIMARY KEY (person_id, field)
) STRICT;

-- "Att granska": what identify (or a migration) found that disagrees with the register and left
-- for a coordinator. evidence identifies what was seen (the file row, the extract's value), so the
-- same evidence never raises a second item, and a resolved item stays resolved.
CREATE TABLE review_item (
    id               INTEGER PRIMARY KEY,
    person_id        INTEGER NOT NULL REFERENCES person(id) ON DELETE CASCADE,
    episode_id       INTEGER REFERENCES episode(id) ON DELETE CASCADE,
    kind             TEXT NOT NULL CHECK (kind IN ('BESLUT_SKILJER', 'SAKNAS_I_UTTAGET', 'UPPGIFT_SKILJER', 'REGEL', 'SYSSELSATTNING_KOMVUX')),
    evidence         TEXT NOT NULL,
    message          TEXT NOT NULL,
    -- What "andra" would do: de-register with a reason on a date, or set a detail to a value.
    proposed_reason  TEXT REFERENCES deregistration_reason(code),
    proposed_on      TEXT CHECK (proposed_on IS NULL OR date(proposed_on) IS proposed_on),
    field            TEXT CHECK (field IS NULL OR field IN ('first_name', 'last_name', 'address', 'postal_code', 'city', 'phone', 'email')),
    proposed_value   TEXT,
    seen_on          TEXT NOT NULL CHECK (date(seen_on) IS seen_on),
    created_at       TEXT NOT NULL,
    created_by       TEXT NOT NULL,
    resolved_at      TEXT,
    resolved_by      TEXT,
    decision         TEXT CHECK (decision IS NULL OR decision IN ('BEHALL', 'ANDRA', 'KLAR')),
    CHECK ((decision IS NULL) = (resolved_at IS NULL) AND (decision IS NULL) = (resolved_by IS NULL)),
    UNIQUE (person_id, kind, evidence)
) STRICT;
CREATE INDEX review_item_open ON review_item(resolved_at, id);

-- Komvux at gymnasial nivå ends KAA, at grundläggande nivå it does not: the old code becomes the
-- grund variant (the common case while in KAA), and each person so changed gets an item to check.
-- The codes are inserted here because seeding runs after migrations.
INSERT OR IGNORE INTO occupation (code, label) VALUES
    ('STUDIER_KOMVUX_GRUND', 'Studier på komvux, grundläggande nivå'),
    ('STUDIER_KOMVUX_GY', 'Studier på komvux, gymnasial nivå'),
    ('STUDIER_GYMNASIUM_NP', 'Studier på nationellt program i gymnasieskolan'),
    ('STUDIER_GYMNASIUM_IM', 'Studier på introduktionsprogram i gymnasieskolan');

INSERT INTO review_item (person_id, kind, evidence, message, seen_on, created_at, created_by)
SELECT DISTINCT e.person_id, 'SYSSELSATTNING_KOMVUX', 'STUDIER_KOMVUX',
       'Sysselsättningen "Studier på komvux" har blivit "komvux, grundläggande nivå". Kontrollera nivån: '
       || 'komvux på gymnasial nivå avslutar aktivitetsansvaret (rätta då med kaa occupation correct eller kaa contact correct).',
       date('now'), strftime('%Y-%m-%dT%H:%M:%SZ', 'now'), 'migrering 0004'
FROM episode e
WHERE e.id IN (SELECT episode_id FROM contact WHERE occupation = 'STUDIER_KOMVUX'
               UNION SELECT episode_id FROM occupation_fact WHERE occupation = 'STUDIER_KOMVUX'
               UNION SELECT episode_id FROM measure WHERE occupation_after = 'STUDIER_KOMVUX');

UPDATE contact SET occupation = 'STUDIER_KOMVUX_GRUND' WHERE occupation = 'STUDIER_KOMVUX';
UPDATE occupation_fact SET occupation = 'STUDIER_KOMVUX_GRUND' WHERE occupation = 'STUDIER_KOMVUX';
UPDATE measure SET occupation_after = 'STUDIER_KOMVUX_GRUND' WHERE occupation_after = 'STUDIER_KOMVUX';
