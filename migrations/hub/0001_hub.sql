-- The regional hub (design §7, §8). No personal data: counts per cell and the sites that send them.

-- A kommun enrolled at the hub, its credential and its sync state.
CREATE TABLE site (
    kommun           TEXT PRIMARY KEY CHECK (length(kommun) = 4),
    name             TEXT NOT NULL,
    -- SHA-256 of the kommun's secret token (a random 256-bit token needs no slow KDF).
    token_hash       BLOB UNIQUE CHECK (token_hash IS NULL OR length(token_hash) = 32),
    created_at       TEXT NOT NULL,
    token_issued_at  TEXT,
    revoked_at       TEXT,
    generation       TEXT,
    last_seq         INTEGER NOT NULL DEFAULT 0 CHECK (last_seq >= 0),
    digest           TEXT NOT NULL,
    last_batch_at    TEXT,
    last_contact_at  TEXT,
    rejects          INTEGER NOT NULL DEFAULT 0
) STRICT;

-- Every applied batch, keyed by (kommun, generation, seq); body_digest decides 200 vs 422 on a repeat.
CREATE TABLE ledger (
    kommun       TEXT NOT NULL REFERENCES site(kommun),
    generation   TEXT NOT NULL,
    seq          INTEGER NOT NULL CHECK (seq >= 1),
    body_digest  TEXT NOT NULL,
    digest       TEXT NOT NULL,
    cells        INTEGER NOT NULL,
    applied_at   TEXT NOT NULL,
    PRIMARY KEY (kommun, generation, seq)
) STRICT;

-- The exact cells of each kommun (never served as they are: publication perturbs them).
CREATE TABLE cell (
    kommun      TEXT NOT NULL REFERENCES site(kommun),
    table_name  TEXT NOT NULL,
    period      TEXT NOT NULL,
    dims        TEXT NOT NULL,
    n           INTEGER NOT NULL CHECK (n > 0),
    ck          INTEGER NOT NULL CHECK (ck BETWEEN 0 AND 4294967295),
    PRIMARY KEY (kommun, table_name, period, dims)
) STRICT;
CREATE INDEX cell_by_period ON cell(period, table_name);

-- Requests the hub refused after authentication, for the operator (no bodies kept).
CREATE TABLE reject (
    id       INTEGER PRIMARY KEY,
    kommun   TEXT NOT NULL,
    at       TEXT NOT NULL,
    status   INTEGER NOT NULL,
    reason   TEXT NOT NULL
) STRICT;

-- What the operator did (site add, rotate, revoke).
CREATE TABLE admin_audit (
    id      INTEGER PRIMARY KEY,
    at      TEXT NOT NULL,
    actor   TEXT NOT NULL,
    action  TEXT NOT NULL,
    kommun  TEXT,
    detail  TEXT
) STRICT;
