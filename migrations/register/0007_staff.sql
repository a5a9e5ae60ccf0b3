-- Staff accounts and caseloads (issue 15): the logins the web UI will check, and which handläggare
-- works which person. The CLI keeps attributing its own acts to the OS user.
--
-- password_hash: Argon2id in the PHC string form (its parameters inside, so raising them later
-- leaves old hashes verifiable). totp_secret: the raw TOTP key (shown once, as Base32, when made).
-- last_totp_step: the RFC 6238 time step of the last code accepted, so no code is accepted twice.
-- failed_attempts counts failures since the last success or lockout; locked_until is a UTC
-- timestamp like audit_log.at. Accounts are disabled, never deleted, so audit rows keep naming
-- someone the register knows.
CREATE TABLE staff (
    id                    INTEGER PRIMARY KEY,
    login                 TEXT NOT NULL UNIQUE
                          CHECK (length(login) BETWEEN 2 AND 64 AND login NOT GLOB '*[^a-z0-9._-]*'),
    name                  TEXT NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    role                  TEXT NOT NULL CHECK (role IN ('handlaggare', 'samordnare', 'granskare', 'admin')),
    password_hash         TEXT NOT NULL CHECK (password_hash LIKE '$argon2id$%'),
    must_change_password  INTEGER NOT NULL DEFAULT 1 CHECK (must_change_password IN (0, 1)),
    totp_secret           BLOB NOT NULL CHECK (length(totp_secret) >= 16),
    last_totp_step        INTEGER,
    failed_attempts       INTEGER NOT NULL DEFAULT 0 CHECK (failed_attempts >= 0),
    locked_until          TEXT,
    disabled              INTEGER NOT NULL DEFAULT 0 CHECK (disabled IN (0, 1)),
    created_at            TEXT NOT NULL
) STRICT;

-- One handläggare per person. The row goes with the person (purge, removal of a wrong record).
CREATE TABLE caseload (
    person_id    INTEGER PRIMARY KEY REFERENCES person(id) ON DELETE CASCADE,
    staff_id     INTEGER NOT NULL REFERENCES staff(id),
    assigned_at  TEXT NOT NULL
) STRICT;
CREATE INDEX caseload_by_staff ON caseload(staff_id);
