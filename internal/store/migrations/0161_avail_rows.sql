-- Rights: every avails row imported, keyed by its identity from one sheet
-- to the next (licensor, licensee, AvailID or ALID or title, territory,
-- license type; see avails.Row.Key), with the license it belongs to. A
-- sheet imported again changes nothing; a row whose terms changed amends
-- its license; a row withdrawn (EntryType Full Delete) withdraws it; and
-- every AvailID of the rows gathered into one license is kept, to be
-- exported on its own row.
--
-- status is 'active' (the row is part of license_id), 'pending' (its
-- window is to be announced: no license yet) or 'withdrawn'. terms is the
-- row's grant in one comparable string (avails.Row.Terms); cells every
-- non-blank cell of the row as JSON, the columns Lineup does not use
-- included.
CREATE TABLE avail_rows (
	id {{id}},
	row_key TEXT NOT NULL UNIQUE,
	avail_id TEXT NOT NULL DEFAULT '',
	licensor TEXT NOT NULL,
	licensee TEXT NOT NULL,
	title_id BIGINT NOT NULL REFERENCES titles(id) ON DELETE CASCADE,
	territory TEXT NOT NULL,
	excluded TEXT NOT NULL DEFAULT '',
	license_type TEXT NOT NULL,
	license_id BIGINT REFERENCES licenses(id) ON DELETE SET NULL,
	terms TEXT NOT NULL,
	status TEXT NOT NULL,
	pending TEXT NOT NULL DEFAULT '',
	cells TEXT NOT NULL DEFAULT '{}',
	source TEXT NOT NULL DEFAULT '',
	created_at BIGINT NOT NULL,
	updated_at BIGINT NOT NULL
);
CREATE INDEX avail_rows_license ON avail_rows (license_id, id);
CREATE INDEX avail_rows_title ON avail_rows (title_id);
