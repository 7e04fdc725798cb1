-- Box office: daily and cumulative grosses per title, territory and day, as
-- imported, with their source; the figures they replaced; and the dated
-- exchange rates that turn them into US dollars. What is shown (daily,
-- cumulative, milestones, records) is derived from these rows when asked for
-- (internal/charts, docs/boxoffice.md).
--
-- Days are calendar dates in the territory ("YYYY-MM-DD" TEXT, which sorts
-- as it reads). Amounts are integers in the currency's minor units (fen for
-- CNY, cents for USD, yen for JPY). Instants are unix milliseconds.
CREATE TABLE boxoffice_imports (
	id {{id}},
	-- What the figures came from, for a person: a file name, "demo", "api".
	origin TEXT NOT NULL DEFAULT '',
	row_count INTEGER NOT NULL,
	created_at BIGINT NOT NULL
);

CREATE TABLE boxoffice_grosses (
	id {{id}},
	title_id BIGINT NOT NULL REFERENCES titles(id) ON DELETE CASCADE,
	territory TEXT NOT NULL,
	day TEXT NOT NULL,
	-- 'daily' (the day's own gross; negative for a refund or adjustment) or
	-- 'cumulative' (the total from the start of the run to the end of day).
	kind TEXT NOT NULL DEFAULT 'daily',
	source TEXT NOT NULL,
	amount BIGINT NOT NULL,
	currency TEXT NOT NULL,
	estimate BOOLEAN NOT NULL DEFAULT FALSE,
	note TEXT NOT NULL DEFAULT '',
	-- The import that last wrote the figure: a later import of the same
	-- title, territory, day, kind and source replaces it (and the old
	-- figure moves to boxoffice_gross_revisions).
	import_id BIGINT NOT NULL REFERENCES boxoffice_imports(id),
	revision INTEGER NOT NULL DEFAULT 1,
	updated_at BIGINT NOT NULL,
	UNIQUE (title_id, territory, day, kind, source)
);
CREATE INDEX boxoffice_grosses_territory ON boxoffice_grosses (territory, title_id, day);

-- Figures that a later import replaced, kept so that a revision can be
-- audited: the figure as it was and the import that had written it.
CREATE TABLE boxoffice_gross_revisions (
	gross_id BIGINT NOT NULL REFERENCES boxoffice_grosses(id) ON DELETE CASCADE,
	revision INTEGER NOT NULL,
	amount BIGINT NOT NULL,
	estimate BOOLEAN NOT NULL,
	note TEXT NOT NULL DEFAULT '',
	import_id BIGINT NOT NULL,
	replaced_at BIGINT NOT NULL,
	PRIMARY KEY (gross_id, revision)
);

-- How many units of a currency one US dollar bought on a day, as a decimal
-- string ("6.3412") so that no rate is rounded on the way in. The rate in
-- force on a day is the latest one dated on or before it.
CREATE TABLE exchange_rates (
	currency TEXT NOT NULL,
	day TEXT NOT NULL,
	per_usd TEXT NOT NULL,
	source TEXT NOT NULL DEFAULT '',
	PRIMARY KEY (currency, day)
);
