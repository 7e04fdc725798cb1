-- Catalogue: outside identifiers of titles (EIDR, a licensor's ContentID or
-- AltID), by which avails sheets name them, and the titles created from
-- avails rows whose metadata someone still has to complete.
--
-- issuer is '' for identifiers that mean the same from anyone (EIDR), and the
-- licensor's name, trimmed and in lower case, for a licensor's own.
CREATE TABLE title_identifiers (
	title_id BIGINT NOT NULL REFERENCES titles(id) ON DELETE CASCADE,
	scheme TEXT NOT NULL,
	issuer TEXT NOT NULL DEFAULT '',
	value TEXT NOT NULL,
	PRIMARY KEY (scheme, issuer, value)
);
CREATE INDEX title_identifiers_title ON title_identifiers (title_id);
CREATE INDEX title_identifiers_value ON title_identifiers (value);

ALTER TABLE titles ADD COLUMN metadata_pending BOOLEAN NOT NULL DEFAULT FALSE;
