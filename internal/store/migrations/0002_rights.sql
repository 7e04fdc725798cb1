-- Rights: licenses as entered, their holdbacks, the per-territory windows
-- derived from them, and the conflicts a caller forced through.
--
-- Instants are unix milliseconds (BIGINT). A start, end or until is kept as
-- entered: either a date without a time (the *_date column, "YYYY-MM-DD",
-- local midnight in each territory) or an instant (the *_at column); at most
-- one of the pair is set, and an end with neither is open.
CREATE TABLE licenses (
	id {{id}},
	title_id BIGINT NOT NULL REFERENCES titles(id) ON DELETE CASCADE,
	licensor TEXT NOT NULL,
	licensee TEXT NOT NULL,
	license_type TEXT NOT NULL,
	-- Territories as entered (ZZ, WW and EU allowed), comma separated.
	territories TEXT NOT NULL,
	excluded_territories TEXT NOT NULL DEFAULT '',
	start_date TEXT,
	start_at BIGINT,
	end_date TEXT,
	end_at BIGINT,
	exclusive BOOLEAN NOT NULL DEFAULT FALSE,
	original_branding BOOLEAN NOT NULL DEFAULT FALSE,
	forced BOOLEAN NOT NULL DEFAULT FALSE,
	external_id TEXT NOT NULL DEFAULT '',
	created_at BIGINT NOT NULL,
	CHECK (start_date IS NOT NULL OR start_at IS NOT NULL)
);
CREATE INDEX licenses_title ON licenses (title_id, id);

CREATE TABLE holdbacks (
	id {{id}},
	license_id BIGINT NOT NULL REFERENCES licenses(id) ON DELETE CASCADE,
	title_id BIGINT NOT NULL REFERENCES titles(id) ON DELETE CASCADE,
	-- Held-back license types and territories (as entered), comma separated.
	license_types TEXT NOT NULL,
	territories TEXT NOT NULL,
	until_date TEXT,
	until_at BIGINT,
	CHECK (until_date IS NOT NULL OR until_at IS NOT NULL)
);
CREATE INDEX holdbacks_title ON holdbacks (title_id, license_id);
CREATE INDEX holdbacks_license ON holdbacks (license_id);

-- license_windows is derived from licenses: one row per license per covered
-- country, with the window resolved in that country's time zone. An open end
-- is 9223372036854775807 so that every range predicate can use an index.
-- title_id, licensee, license_type and exclusive are copied from the license
-- so that availability, lineup rows and conflict checks filter inside the
-- indexes. It carries no foreign key to licenses (a cascade from there would
-- scan it); rows go when their title goes, and code that deletes a license
-- deletes its windows.
CREATE TABLE license_windows (
	title_id BIGINT NOT NULL REFERENCES titles(id) ON DELETE CASCADE,
	territory TEXT NOT NULL,
	license_id BIGINT NOT NULL,
	licensee TEXT NOT NULL,
	license_type TEXT NOT NULL,
	exclusive BOOLEAN NOT NULL,
	starts_at BIGINT NOT NULL,
	ends_at BIGINT NOT NULL,
	-- licensee and license_type follow from license_id; they sit in the key
	-- so that a lookup of one title's windows of this service in one
	-- territory (availability, the lineup's correlated subqueries) matches
	-- four key columns and every planner, with or without statistics,
	-- prefers this index to the wide ones below.
	PRIMARY KEY (title_id, territory, licensee, license_type, license_id)
);
-- Available now and coming soon: by territory and licensee in start order.
CREATE INDEX license_windows_start ON license_windows
	(territory, licensee, starts_at, title_id, ends_at, license_type, license_id);
-- Leaving soon: by territory and licensee in end order.
CREATE INDEX license_windows_end ON license_windows
	(territory, licensee, ends_at, title_id, starts_at, license_type, license_id);

-- license_conflicts records each conflict of a license stored by force.
CREATE TABLE license_conflicts (
	id {{id}},
	title_id BIGINT NOT NULL REFERENCES titles(id) ON DELETE CASCADE,
	license_id BIGINT NOT NULL REFERENCES licenses(id) ON DELETE CASCADE,
	other_license_id BIGINT NOT NULL REFERENCES licenses(id) ON DELETE CASCADE,
	kind TEXT NOT NULL,
	territory TEXT NOT NULL,
	overlap_start BIGINT NOT NULL,
	overlap_end BIGINT,
	created_at BIGINT NOT NULL
);
CREATE INDEX license_conflicts_title ON license_conflicts (title_id, id);
CREATE INDEX license_conflicts_license ON license_conflicts (license_id);
CREATE INDEX license_conflicts_other ON license_conflicts (other_license_id);
