-- Licenses change: amended, terminated early, withdrawn. Nothing is
-- deleted. Each change is a row of license_changes (who, when, why, the
-- license before and after, as JSON); the windows a change replaced move to
-- license_windows_past with the span of recorded time in which they were
-- believed, so that any answer can be asked "as of" a past moment.
--
-- status is active, terminated or withdrawn; version counts the license's
-- states (1 when created, +1 per change); zone is a time zone the license
-- names for its dates ("" means each territory's own).
ALTER TABLE licenses ADD COLUMN status TEXT NOT NULL DEFAULT 'active';
ALTER TABLE licenses ADD COLUMN version BIGINT NOT NULL DEFAULT 1;
ALTER TABLE licenses ADD COLUMN updated_at BIGINT NOT NULL DEFAULT 0;
ALTER TABLE licenses ADD COLUMN zone TEXT NOT NULL DEFAULT '';
UPDATE licenses SET updated_at = created_at;

-- license_windows holds the windows believed now. recorded_from is when
-- each was written; start_dated and end_dated say that the start (end) was
-- a date without a time in the territory's zone, so a viewer's own zone
-- may move it to the viewer's local midnight. licensee is now the licensee
-- folded (trimmed, lower case): licensees match case-insensitively.
ALTER TABLE license_windows ADD COLUMN recorded_from BIGINT NOT NULL DEFAULT 0;
ALTER TABLE license_windows ADD COLUMN start_dated BOOLEAN NOT NULL DEFAULT FALSE;
ALTER TABLE license_windows ADD COLUMN end_dated BOOLEAN NOT NULL DEFAULT FALSE;
UPDATE license_windows SET
	licensee = LOWER(TRIM(licensee)),
	recorded_from = (SELECT l.created_at FROM licenses l WHERE l.id = license_windows.license_id),
	start_dated = (SELECT l.start_date IS NOT NULL FROM licenses l WHERE l.id = license_windows.license_id),
	end_dated = (SELECT l.end_date IS NOT NULL FROM licenses l WHERE l.id = license_windows.license_id);

-- license_windows_past holds windows no longer believed: believed from
-- recorded_from until recorded_to (exclusive), unix milliseconds.
CREATE TABLE license_windows_past (
	title_id BIGINT NOT NULL REFERENCES titles(id) ON DELETE CASCADE,
	territory TEXT NOT NULL,
	license_id BIGINT NOT NULL,
	licensee TEXT NOT NULL,
	license_type TEXT NOT NULL,
	exclusive BOOLEAN NOT NULL,
	starts_at BIGINT NOT NULL,
	ends_at BIGINT NOT NULL,
	start_dated BOOLEAN NOT NULL,
	end_dated BOOLEAN NOT NULL,
	recorded_from BIGINT NOT NULL,
	recorded_to BIGINT NOT NULL
);
CREATE INDEX license_windows_past_title ON license_windows_past
	(title_id, territory, licensee, license_type, recorded_to);
CREATE INDEX license_windows_past_territory ON license_windows_past
	(territory, licensee, recorded_to);

-- license_changes is append-only: one row per change of a license.
-- action is amended, terminated or withdrawn; version the license's
-- version after the change; before_json and after_json the license.
CREATE TABLE license_changes (
	id {{id}},
	license_id BIGINT NOT NULL REFERENCES licenses(id) ON DELETE CASCADE,
	title_id BIGINT NOT NULL REFERENCES titles(id) ON DELETE CASCADE,
	version BIGINT NOT NULL,
	action TEXT NOT NULL,
	actor TEXT NOT NULL,
	reason TEXT NOT NULL,
	changed_at BIGINT NOT NULL,
	before_json TEXT NOT NULL,
	after_json TEXT NOT NULL
);
CREATE INDEX license_changes_license ON license_changes (license_id, id);
CREATE INDEX license_changes_time ON license_changes (changed_at, id);
