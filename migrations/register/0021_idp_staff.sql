-- Staff who sign in through the kommun's identity provider (issue 18, OpenID Connect). Such an
-- account has no password and no TOTP secret here (the IdP does both factors); it is bound to the
-- IdP's subject (issuer and `sub`), so a login name reused by another person at the IdP does not
-- inherit the account. Its role follows the IdP's groups at every login; `disabled` set here wins
-- over the IdP. Logins may now be e-mail-like (`anna.andersson@kommun.se`, from `preferred_username`).
--
-- SQLite cannot relax NOT NULL or a CHECK in place, so the table is rebuilt (the documented
-- twelve steps; the migrator runs this with foreign keys off and checks them before committing).
CREATE TABLE staff_new (
    id                    INTEGER PRIMARY KEY,
    login                 TEXT NOT NULL UNIQUE
                          CHECK (length(login) BETWEEN 2 AND 128 AND login NOT GLOB '*[^a-z0-9._@-]*'),
    name                  TEXT NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    role                  TEXT NOT NULL CHECK (role IN ('handlaggare', 'samordnare', 'granskare', 'admin')),
    password_hash         TEXT CHECK (password_hash LIKE '$argon2id$%'),
    must_change_password  INTEGER NOT NULL DEFAULT 1 CHECK (must_change_password IN (0, 1)),
    totp_secret           BLOB CHECK (length(totp_secret) >= 16),
    last_totp_step        INTEGER,
    failed_attempts       INTEGER NOT NULL DEFAULT 0 CHECK (failed_attempts >= 0),
    locked_until          TEXT,
    disabled              INTEGER NOT NULL DEFAULT 0 CHECK (disabled IN (0, 1)),
    created_at            TEXT NOT NULL,
    -- 'local': password and TOTP here; 'idp': the kommun's identity provider.
    source                TEXT NOT NULL DEFAULT 'local' CHECK (source IN ('local', 'idp')),
    -- The IdP's issuer and subject, "ISSUER SUB" (a space never occurs in either's checked form).
    idp_subject           TEXT UNIQUE CHECK (length(idp_subject) BETWEEN 3 AND 700),
    -- UTC time of the last successful login (either way).
    last_login_at         TEXT,
    CHECK (CASE source
             WHEN 'local' THEN password_hash IS NOT NULL AND totp_secret IS NOT NULL AND idp_subject IS NULL
             ELSE password_hash IS NULL AND totp_secret IS NULL AND idp_subject IS NOT NULL AND must_change_password = 0
           END)
) STRICT;

INSERT INTO staff_new (id, login, name, role, password_hash, must_change_password, totp_secret, last_totp_step, failed_attempts,
                       locked_until, disabled, created_at, source)
SELECT id, login, name, role, password_hash, must_change_password, totp_secret, last_totp_step, failed_attempts,
       locked_until, disabled, created_at, 'local' FROM staff;

DROP TABLE staff;
ALTER TABLE staff_new RENAME TO staff;

-- The triggers of migration 0011, which went with the old table.
CREATE TRIGGER register_change_on_staff_insert AFTER INSERT ON staff
BEGIN UPDATE register_change SET counter = counter + 1; END;
CREATE TRIGGER register_change_on_staff_update AFTER UPDATE OF login, name, role, disabled ON staff
BEGIN UPDATE register_change SET counter = counter + 1; END;

-- How a session was begun, the client's address at login (behind a trusted proxy: the forwarded
-- one), and for an IdP session the ID token, sent back as `id_token_hint` at logout (RP-initiated
-- logout); the row, and with it the token, is deleted when the session ends.
ALTER TABLE web_session ADD COLUMN method TEXT NOT NULL DEFAULT 'password' CHECK (method IN ('password', 'idp'));
ALTER TABLE web_session ADD COLUMN client TEXT CHECK (length(client) <= 64);
ALTER TABLE web_session ADD COLUMN id_token_hint TEXT CHECK (length(id_token_hint) <= 16384);
