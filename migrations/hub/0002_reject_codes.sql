-- Refusals keep a fixed reason code, never text from the request: the reason used to carry the
-- hub's error message, which quotes what the client sent (a table name, a period), and a
-- personnummer sent as a table name ended up in the hub file. The history is bounded (the hub
-- keeps the latest 1000 per kommun); counts for /metrics live in reject_count, which never shrinks.

CREATE TABLE reject_new (
    id       INTEGER PRIMARY KEY,
    kommun   TEXT NOT NULL,
    at       TEXT NOT NULL,
    status   INTEGER NOT NULL,
    reason   TEXT NOT NULL CHECK (reason IN ('bad_request', 'forbidden_site', 'not_found', 'method_not_allowed', 'conflict',
                                             'too_large', 'unsupported_media_type', 'unprocessable', 'busy', 'internal', 'refused'))
) STRICT;

-- Old rows keep their status; their text becomes the code of that status.
INSERT INTO reject_new (id, kommun, at, status, reason)
SELECT id, kommun, at, status,
       CASE status WHEN 400 THEN 'bad_request' WHEN 403 THEN 'forbidden_site' WHEN 404 THEN 'not_found'
                   WHEN 405 THEN 'method_not_allowed' WHEN 409 THEN 'conflict' WHEN 413 THEN 'too_large'
                   WHEN 415 THEN 'unsupported_media_type' WHEN 422 THEN 'unprocessable' WHEN 503 THEN 'busy'
                   WHEN 500 THEN 'internal' ELSE 'refused' END
FROM (SELECT *, row_number() OVER (PARTITION BY kommun ORDER BY id DESC) AS age FROM reject)
WHERE age <= 1000;

-- Refusals by status since the hub began, for kaa_hub_batches_total (a counter must not go down
-- when old history is dropped).
CREATE TABLE reject_count (
    status  INTEGER PRIMARY KEY,
    count   INTEGER NOT NULL CHECK (count >= 0)
) STRICT;
INSERT INTO reject_count (status, count) SELECT status, count(*) FROM reject GROUP BY status;

-- Dropped with secure_delete on (every connection sets it), so the old text is overwritten.
DROP TABLE reject;
ALTER TABLE reject_new RENAME TO reject;
CREATE INDEX reject_by_kommun ON reject(kommun, id);
