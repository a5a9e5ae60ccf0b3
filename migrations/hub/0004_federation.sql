-- A hub of hubs (issue 20). On an upper hub (the ÖMS hub, a national one), a relay is a regional
-- hub that forwards its kommuner's exact cells with the same protocol as a kommun (design §7), one
-- generation and seq stream per kommun. On a regional hub, the forward outbox holds those streams.
-- Still no personal data: counts per cell, kommun codes and the relays' names.

-- A regional hub allowed to write the sites of the kommuner assigned to it (site.relay).
CREATE TABLE relay (
    name             TEXT PRIMARY KEY CHECK (length(name) BETWEEN 1 AND 40 AND name NOT GLOB '*[^a-z0-9-]*'),
    -- SHA-256 of the relay's secret token, as for a site; NULL once revoked.
    token_hash       BLOB UNIQUE CHECK (token_hash IS NULL OR length(token_hash) = 32),
    created_at       TEXT NOT NULL,
    token_issued_at  TEXT,
    revoked_at       TEXT,
    -- The publication parameters the relay last forwarded with (Hub.protection): the upper hub
    -- refuses to start with other ones, since a kommun's figure would then differ between levels.
    protection       TEXT,
    last_contact_at  TEXT,
    rejects          INTEGER NOT NULL DEFAULT 0 CHECK (rejects >= 0)
) STRICT;

-- The relay that feeds a kommun's site, if any: one at most, and a relayed kommun has no token of
-- its own (a kommun is never fed both directly and through a relay).
ALTER TABLE site ADD COLUMN relay TEXT REFERENCES relay(name) CHECK (relay IS NULL OR token_hash IS NULL);
CREATE INDEX site_by_relay ON site(relay) WHERE relay IS NOT NULL;

-- The publication parameters `kaa-hub serve` last started with (Hub.protection): what `kaa-hub
-- forward` must send, whatever configuration the nightly job itself was started with.
CREATE TABLE publication_parameters (
    id           INTEGER PRIMARY KEY CHECK (id = 1),
    protection   TEXT NOT NULL,
    recorded_at  TEXT NOT NULL
) STRICT;

-- The forward outbox of a regional hub: per kommun, its generations (the highest id is current;
-- an explicit key, since VACUUM may renumber an implicit rowid)...
CREATE TABLE forward_generation (
    id          INTEGER PRIMARY KEY,
    kommun      TEXT NOT NULL REFERENCES site(kommun),
    generation  TEXT NOT NULL CHECK (length(generation) = 32),
    started_at  TEXT NOT NULL,
    reason      TEXT NOT NULL,
    UNIQUE (kommun, generation)
) STRICT;

-- ...its sealed batches, immutable and re-sent byte-identical until acknowledged...
CREATE TABLE forward_batch (
    kommun           TEXT NOT NULL,
    generation       TEXT NOT NULL,
    seq              INTEGER NOT NULL CHECK (seq >= 1),
    body             BLOB NOT NULL,
    prev_digest      TEXT NOT NULL,
    digest           TEXT NOT NULL,
    cells            INTEGER NOT NULL,
    sealed_at        TEXT NOT NULL,
    acknowledged_at  TEXT,
    PRIMARY KEY (kommun, generation, seq),
    FOREIGN KEY (kommun, generation) REFERENCES forward_generation(kommun, generation)
) STRICT;

-- ...and the kommun's cells as of its last sealed batch (what the next night compares with).
CREATE TABLE forward_cell (
    kommun      TEXT NOT NULL REFERENCES site(kommun),
    table_name  TEXT NOT NULL,
    period      TEXT NOT NULL,
    dims        TEXT NOT NULL,
    n           INTEGER NOT NULL CHECK (n > 0),
    ck          INTEGER NOT NULL CHECK (ck BETWEEN 0 AND 4294967295),
    PRIMARY KEY (kommun, table_name, period, dims)
) STRICT;
