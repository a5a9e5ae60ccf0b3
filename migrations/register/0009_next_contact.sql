-- The coordinators' web UI (issue 15): "log contact (with 'next contact' date)". The next contact
-- agreed or planned when a contact was logged; a plan, so it may lie after today, never before the
-- contact itself.
ALTER TABLE contact ADD COLUMN next_contact_on TEXT
    CHECK (next_contact_on IS NULL OR (date(next_contact_on) IS next_contact_on AND next_contact_on > contacted_on));
