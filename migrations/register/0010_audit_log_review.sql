-- The log view of a granskare (issue 15) filters by who and by what, newest first: an index for
-- each, so a review of one staff member's reads stays quick on a log of years.
CREATE INDEX audit_log_by_staff ON audit_log(staff, id);
CREATE INDEX audit_log_by_action ON audit_log(action, id);
