-- The sync outbox (design §7): sealed batches, immutable, kept until acknowledged and re-sent
-- byte-identical; and the state after the last sealed batch, which the next night diffs against.

-- A generation is a random id; the current one is the latest started.
CREATE TABLE sync_generation (
    generation  TEXT PRIMARY KEY CHECK (length(generation) = 32),
    started_at  TEXT NOT NULL,
    reason      TEXT NOT NULL
) STRICT;

CREATE TABLE sync_batch (
    generation       TEXT NOT NULL REFERENCES sync_generation(generation),
    seq              INTEGER NOT NULL CHECK (seq >= 1),
    body             BLOB NOT NULL,
    prev_digest      TEXT NOT NULL,
    digest           TEXT NOT NULL,
    cells            INTEGER NOT NULL,
    sealed_at        TEXT NOT NULL,
    acknowledged_at  TEXT,
    PRIMARY KEY (generation, seq)
) STRICT;

CREATE TRIGGER sync_batch_is_immutable BEFORE UPDATE OF body, prev_digest, digest, generation, seq ON sync_batch
BEGIN
    SELECT RAISE(ABORT, 'a sealed batch cannot change');
END;

-- The cells as of the last sealed batch of the current generation.
CREATE TABLE sync_state_cell (
    table_name  TEXT NOT NULL,
    period      TEXT NOT NULL,
    dims        TEXT NOT NULL,
    n           INTEGER NOT NULL CHECK (n > 0),
    ck          INTEGER NOT NULL CHECK (ck BETWEEN 0 AND 4294967295),
    PRIMARY KEY (table_name, period, dims)
) STRICT;
