-- When each period's published figures last changed (design §8), for the API's Last-Modified and
-- 304 answers. Written in the same transaction that applies a batch (the batch's periods, and for
-- a new generation's snapshot every period the kommun held before), so it never runs ahead of or
-- behind the cells. Periods changed before this migration get the time it ran: their true time is
-- unknown, and a later time only costs a client one full answer.
CREATE TABLE period_change (
    period      TEXT PRIMARY KEY,
    changed_at  TEXT NOT NULL
) STRICT;

INSERT INTO period_change (period, changed_at)
SELECT DISTINCT period, strftime('%Y-%m-%dT%H:%M:%SZ', 'now') FROM cell WHERE true;
