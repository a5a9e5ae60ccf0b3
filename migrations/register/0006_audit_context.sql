-- The audit log says what changed and in what context (issue 13, "The log and the data subject").
--
-- changes: for a write, "field: before → after" per changed field, joined by "; ". Codes, dates and
-- flags are written out; personal details (name, address, phone, e-mail) and free text only as
-- "ändrad" / "tillagd" / "borttagen", so the log copies nothing of them (design §5 "Who did it").
-- context: for a read, where the data was shown: person, worklist, search, export, letter, list,
-- report, subject_access.
ALTER TABLE audit_log ADD COLUMN changes TEXT;
ALTER TABLE audit_log ADD COLUMN context TEXT;

-- One audit row per listing run (a worklist of 600 people is one row, not 600), with the people it
-- showed here. Rows go only with their audit row: purge deletes the audit row past the retention
-- and the cascade takes these along; nothing else may change or delete them.
CREATE TABLE audit_log_person (
    audit_id   INTEGER NOT NULL REFERENCES audit_log(id) ON DELETE CASCADE,
    person_id  INTEGER NOT NULL,
    PRIMARY KEY (audit_id, person_id)
) STRICT, WITHOUT ROWID;
CREATE INDEX audit_log_person_by_person ON audit_log_person(person_id, audit_id);

CREATE TRIGGER audit_log_person_refuses_update BEFORE UPDATE ON audit_log_person
BEGIN
    SELECT RAISE(ABORT, 'audit_log_person is append-only: rows cannot be changed');
END;

-- Deleting is allowed only with an audit row that is gone or past the retention (as audit_log's).
CREATE TRIGGER audit_log_person_refuses_early_delete BEFORE DELETE ON audit_log_person
WHEN (SELECT at FROM audit_log WHERE id = OLD.audit_id) >= strftime('%Y-%m-%dT%H:%M:%SZ', 'now',
        '-' || coalesce((SELECT CAST(value AS INTEGER) FROM setting WHERE key = 'audit_retention_months'), 24) || ' months')
BEGIN
    SELECT RAISE(ABORT, 'audit_log_person rows of an audit row younger than the audit retention cannot be deleted');
END;
