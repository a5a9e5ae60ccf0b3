-- A counter that moves with every change that can alter what the web server computes for a
-- viewer (issue 15's case 5): a worklist, a name, a caseload, a review item. The server keeps each
-- viewer's "Idag" lists and search directory while the counter stands still, and computes them
-- again from the register once it moves, whoever wrote (the web, a command, the nightly job).
--
-- A person's records (episodes, contacts, occupation, measures, follow-ups, caseload rows) already
-- bump person.version by the triggers of 0008, so an update of person covers them all. Audit rows,
-- sessions, sync state and figures do not move it: reading a page must not empty the cache.
CREATE TABLE register_change (
    id       INTEGER PRIMARY KEY CHECK (id = 1),
    counter  INTEGER NOT NULL
) STRICT;
INSERT INTO register_change (id, counter) VALUES (1, 0);

CREATE TRIGGER register_change_on_person_insert AFTER INSERT ON person
BEGIN UPDATE register_change SET counter = counter + 1; END;
CREATE TRIGGER register_change_on_person_update AFTER UPDATE ON person
BEGIN UPDATE register_change SET counter = counter + 1; END;
CREATE TRIGGER register_change_on_person_delete AFTER DELETE ON person
BEGIN UPDATE register_change SET counter = counter + 1; END;

-- A caseload row's staff member may be gone with the person (no version to bump then).
CREATE TRIGGER register_change_on_caseload_insert AFTER INSERT ON caseload
BEGIN UPDATE register_change SET counter = counter + 1; END;
CREATE TRIGGER register_change_on_caseload_update AFTER UPDATE ON caseload
BEGIN UPDATE register_change SET counter = counter + 1; END;
CREATE TRIGGER register_change_on_caseload_delete AFTER DELETE ON caseload
BEGIN UPDATE register_change SET counter = counter + 1; END;

CREATE TRIGGER register_change_on_review_insert AFTER INSERT ON review_item
BEGIN UPDATE register_change SET counter = counter + 1; END;
CREATE TRIGGER register_change_on_review_update AFTER UPDATE ON review_item
BEGIN UPDATE register_change SET counter = counter + 1; END;
CREATE TRIGGER register_change_on_review_delete AFTER DELETE ON review_item
BEGIN UPDATE register_change SET counter = counter + 1; END;

-- Staff: a deactivated or renamed handläggare, or a changed role, changes who reaches whom and the
-- names shown (a login's TOTP step and failed attempts do not; accounts are never deleted).
CREATE TRIGGER register_change_on_staff_insert AFTER INSERT ON staff
BEGIN UPDATE register_change SET counter = counter + 1; END;
CREATE TRIGGER register_change_on_staff_update AFTER UPDATE OF login, name, role, disabled ON staff
BEGIN UPDATE register_change SET counter = counter + 1; END;

-- Where a person's details came from (shown beside them).
CREATE TRIGGER register_change_on_detail_source_insert AFTER INSERT ON person_detail_source
BEGIN UPDATE register_change SET counter = counter + 1; END;
CREATE TRIGGER register_change_on_detail_source_update AFTER UPDATE ON person_detail_source
BEGIN UPDATE register_change SET counter = counter + 1; END;
CREATE TRIGGER register_change_on_detail_source_delete AFTER DELETE ON person_detail_source
BEGIN UPDATE register_change SET counter = counter + 1; END;
