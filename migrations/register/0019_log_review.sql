-- Loggkontroll (issue 16): a granskare's monthly sample-and-sign-off of person reads, and indexes
-- for the risk views (Register+LogRisks.swift).
--
-- log_review: one per calendar month (YYYY-MM, the kommun's time zone), drawn once: a second draw
-- for the same month is refused, so a sample cannot be redrawn until it suits. population: how many
-- person reads the month held when drawn (the sample's base). Signed off once (signed_at, signed_by);
-- after that neither the review nor its items change. Reviews are never deleted, also not by gallring:
-- each item keeps what it needs (time, staff, action, context, person by internal id) so the review
-- stands after the audit rows it came from are purged; it names no personnummer or name.
CREATE TABLE log_review (
    id          INTEGER PRIMARY KEY,
    month       TEXT NOT NULL UNIQUE CHECK (length(month) = 7 AND month GLOB '[0-9][0-9][0-9][0-9]-[01][0-9]'),
    drawn_at    TEXT NOT NULL,
    drawn_by    TEXT NOT NULL,
    population  INTEGER NOT NULL CHECK (population > 0),
    signed_at   TEXT,
    signed_by   TEXT,
    CHECK ((signed_at IS NULL) = (signed_by IS NULL))
) STRICT;

-- One sampled read. audit_id has no foreign key: the audit row may be purged, the item stays.
-- verdict: NULL until judged; comment: the granskare's words (required when not justified).
CREATE TABLE log_review_item (
    review_id   INTEGER NOT NULL REFERENCES log_review(id),
    position    INTEGER NOT NULL CHECK (position > 0),
    audit_id    INTEGER NOT NULL,
    at          TEXT NOT NULL,
    staff       TEXT NOT NULL,
    action      TEXT NOT NULL,
    context     TEXT,
    person_id   INTEGER NOT NULL,
    verdict     TEXT CHECK (verdict IN ('justified', 'unjustified')),
    comment     TEXT CHECK (comment IS NULL OR length(comment) <= 2000),
    judged_at   TEXT,
    judged_by   TEXT,
    PRIMARY KEY (review_id, position),
    UNIQUE (review_id, audit_id),
    CHECK (verdict IS NOT NULL OR (comment IS NULL AND judged_at IS NULL AND judged_by IS NULL))
) STRICT, WITHOUT ROWID;

CREATE TRIGGER log_review_refuses_delete BEFORE DELETE ON log_review
BEGIN
    SELECT RAISE(ABORT, 'log_review rows are kept: a review cannot be deleted');
END;
-- Only the sign-off changes a review, once.
CREATE TRIGGER log_review_refuses_update BEFORE UPDATE ON log_review
WHEN OLD.signed_at IS NOT NULL OR NEW.id IS NOT OLD.id OR NEW.month IS NOT OLD.month OR NEW.drawn_at IS NOT OLD.drawn_at
     OR NEW.drawn_by IS NOT OLD.drawn_by OR NEW.population IS NOT OLD.population
BEGIN
    SELECT RAISE(ABORT, 'log_review: a signed-off review cannot be changed, and only its sign-off can be written');
END;
CREATE TRIGGER log_review_item_refuses_delete BEFORE DELETE ON log_review_item
BEGIN
    SELECT RAISE(ABORT, 'log_review_item rows are kept: a sampled read cannot be deleted');
END;
CREATE TRIGGER log_review_item_refuses_insert_when_signed BEFORE INSERT ON log_review_item
WHEN (SELECT signed_at FROM log_review WHERE id = NEW.review_id) IS NOT NULL
BEGIN
    SELECT RAISE(ABORT, 'log_review_item: a signed-off review cannot be changed');
END;
-- Only the judgement changes an item, and only before the sign-off.
CREATE TRIGGER log_review_item_refuses_update BEFORE UPDATE ON log_review_item
WHEN (SELECT signed_at FROM log_review WHERE id = OLD.review_id) IS NOT NULL
     OR NEW.review_id IS NOT OLD.review_id OR NEW.position IS NOT OLD.position OR NEW.audit_id IS NOT OLD.audit_id
     OR NEW.at IS NOT OLD.at OR NEW.staff IS NOT OLD.staff OR NEW.action IS NOT OLD.action
     OR NEW.context IS NOT OLD.context OR NEW.person_id IS NOT OLD.person_id
BEGIN
    SELECT RAISE(ABORT, 'log_review_item: a signed-off review cannot be changed, and only a judgement can be written');
END;

-- The risk view "reads outside the caseload" finds a person's caseload at the time of a read from
-- the log's own caseload_assign / caseload_unassign rows: the latest one before the read.
CREATE INDEX audit_log_caseload_by_person ON audit_log(person_id, id) WHERE action IN ('caseload_assign', 'caseload_unassign');
-- The risk views and the sample read the person reads (rows with a person and a read context) of a
-- period; by time, with the person and staff member in the index, so they are read from it alone.
CREATE INDEX audit_log_person_reads_by_time ON audit_log(at, staff, person_id) WHERE person_id IS NOT NULL AND context IS NOT NULL;
