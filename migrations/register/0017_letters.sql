-- Massutskick (issue 16): the three letter templates a samordnare edits, and each batch of letters
-- registered as sent.
--
-- letter_template: one row per kind (under 18: to the youth, with a line for the guardian; turning
-- 20: about the hand-over; general), plain text with placeholders ({förnamn}, {datum}, …) that the
-- register checks on every save. The defaults are seeded here; a change is audited before → after.
CREATE TABLE letter_template (
    kind        TEXT PRIMARY KEY CHECK (kind IN ('under18', 'turning20', 'general')),
    title       TEXT NOT NULL CHECK (length(title) BETWEEN 1 AND 200),
    body        TEXT NOT NULL CHECK (length(body) BETWEEN 1 AND 10000),
    updated_at  TEXT,
    updated_by  TEXT
) STRICT;

INSERT INTO letter_template (kind, title, body) VALUES
('under18', 'Vi vill gärna träffa dig',
'{kommun}, {datum}

Hej {förnamn}!

Vi på {kommun} arbetar med det kommunala aktivitetsansvaret för unga under 20 år som inte går i gymnasieskolan. Vi vill gärna höra hur du har det och berätta vad vi kan hjälpa dig med: att hitta en utbildning, en praktikplats eller ett arbete.

Hör av dig till mig, så bestämmer vi en tid att ses eller prata i telefon.

Med vänliga hälsningar
{handläggare}
{kommun}

Till vårdnadshavare till {förnamn} {efternamn}: det här brevet skickas till ungdomar under 18 år inom kommunens aktivitetsansvar (29 kap. 9 § skollagen). Hör gärna av er till oss om ni har frågor.'),
('turning20', 'När du fyller 20 år',
'{kommun}, {datum}

Hej {förnamn}!

Snart fyller du 20 år, och då upphör kommunens aktivitetsansvar för dig. Vi vill att du ska få fortsatt stöd om du behöver det. Om du vill kan vi hjälpa dig vidare till Arbetsförmedlingen, kommunens arbetsmarknadsenhet, Försäkringskassan eller någon annan som kan stödja dig.

Vi lämnar bara över uppgifter om dig om du säger ja till det. Hör av dig till mig, så går vi igenom vad som passar dig.

Med vänliga hälsningar
{handläggare}
{kommun}'),
('general', 'Vi har försökt nå dig',
'{kommun}, {datum}

Hej {förnamn}!

Vi har försökt nå dig men inte lyckats. Vi på {kommun} arbetar med stöd till unga som inte går i gymnasieskolan: utbildning, praktik, arbete eller något annat som passar dig.

Hör av dig till mig, så berättar jag mer.

Med vänliga hälsningar
{handläggare}
{kommun}');

-- letter_batch: one row per "Registrera som skickade", so that posting the same form twice logs
-- nothing the second time (digest: SHA-256 of the template kind, the letter date and the recipients'
-- ids; the same letters to the same people on the same day are one batch). audit_id names the audit
-- row (action letters.sent) whose shown set is the recipients; the row itself holds no personal data.
CREATE TABLE letter_batch (
    id           INTEGER PRIMARY KEY,
    digest       BLOB NOT NULL UNIQUE CHECK (length(digest) = 32),
    audit_id     INTEGER NOT NULL,
    sent_at      TEXT NOT NULL,
    staff        TEXT NOT NULL,
    kind         TEXT NOT NULL REFERENCES letter_template(kind),
    letter_date  TEXT NOT NULL CHECK (letter_date GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]'),
    recipients   INTEGER NOT NULL CHECK (recipients > 0)
) STRICT;
