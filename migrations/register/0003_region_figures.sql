-- The region's protected figures, fetched by kaa sync after each upload (design §7 "the exchange"),
-- for comparing the kommun with its region (kaa compare). Counts only, already perturbed.
CREATE TABLE region_fetch (
    period        TEXT PRIMARY KEY,
    fetched_at    TEXT NOT NULL,
    preliminary   INTEGER NOT NULL CHECK (preliminary IN (0, 1)),
    reporting     INTEGER NOT NULL,
    enrolled      INTEGER NOT NULL
) STRICT;

CREATE TABLE region_figure (
    period      TEXT NOT NULL REFERENCES region_fetch(period) ON DELETE CASCADE,
    table_name  TEXT NOT NULL,
    dims        TEXT NOT NULL,
    value       INTEGER NOT NULL CHECK (value >= 0),
    PRIMARY KEY (period, table_name, dims)
) STRICT;
