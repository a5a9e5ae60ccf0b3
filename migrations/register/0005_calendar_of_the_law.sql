-- The calendar of the law (issue 13): a measure's planned start, its follow-ups as records, and
-- the contact that brought the news of a de-registration.

-- When a measure is planned to begin (SFS 2006:39 § 4 names its timing); unlike started_on it may
-- lie after today, since it is an agreement, not a fact.
ALTER TABLE measure ADD COLUMN planned_start_on TEXT
    CHECK (planned_start_on IS NULL OR (date(planned_start_on) IS planned_start_on AND planned_start_on >= offered_on));

-- Each follow-up done, with the next one agreed: "tidpunkter för uppföljning och utvärdering".
-- measure.follow_up_on stays the first date due; after a follow-up the latest next_on is due.
CREATE TABLE measure_follow_up (
    id          INTEGER PRIMARY KEY,
    measure_id  INTEGER NOT NULL REFERENCES measure(id) ON DELETE CASCADE,
    done_on     TEXT NOT NULL CHECK (date(done_on) IS done_on),
    next_on     TEXT CHECK (next_on IS NULL OR (date(next_on) IS next_on AND next_on > done_on)),
    note        TEXT CHECK (note IS NULL OR length(note) <= 2000)
) STRICT;
CREATE INDEX measure_follow_up_by_measure ON measure_follow_up(measure_id, done_on);

-- A contact that reported the de-registration may be dated after the episode's end (the
-- coordinator learns on 19 November that the youth started studying on 9 November).
ALTER TABLE contact ADD COLUMN reports_deregistration INTEGER NOT NULL DEFAULT 0
    CHECK (reports_deregistration IN (0, 1));
