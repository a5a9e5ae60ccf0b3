-- The Personkort's timeline reads a person's events (audit rows with no read context); its reads
-- (`show`, context person) are as many as the times the card was opened, and in audit_log_by_person
-- they came along, to be skipped one by one (a card opened a thousand times read a thousand rows).
-- A partial index holds the events only.
CREATE INDEX audit_log_events_by_person ON audit_log(person_id, id) WHERE context IS NULL;
