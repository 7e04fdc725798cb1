-- Catalogue: titles, their localized titles and synopses, people and credits.
CREATE TABLE titles (
	id {{id}},
	original_title TEXT NOT NULL,
	original_language TEXT NOT NULL,
	year INTEGER,
	runtime_minutes INTEGER,
	kind TEXT NOT NULL DEFAULT 'movie',
	min_age INTEGER NOT NULL DEFAULT 0,
	source_work TEXT NOT NULL DEFAULT '',
	created_at BIGINT NOT NULL
);

CREATE TABLE title_alternate_titles (
	title_id BIGINT NOT NULL REFERENCES titles(id) ON DELETE CASCADE,
	title TEXT NOT NULL,
	language TEXT NOT NULL DEFAULT '',
	PRIMARY KEY (title_id, title)
);

CREATE TABLE title_localizations (
	title_id BIGINT NOT NULL REFERENCES titles(id) ON DELETE CASCADE,
	language TEXT NOT NULL,
	title TEXT NOT NULL DEFAULT '',
	synopsis TEXT NOT NULL DEFAULT '',
	PRIMARY KEY (title_id, language)
);

CREATE TABLE title_genres (
	title_id BIGINT NOT NULL REFERENCES titles(id) ON DELETE CASCADE,
	genre TEXT NOT NULL,
	PRIMARY KEY (title_id, genre)
);
CREATE INDEX title_genres_genre ON title_genres (genre, title_id);

CREATE TABLE people (
	id {{id}},
	name TEXT NOT NULL,
	gender TEXT NOT NULL DEFAULT '',
	created_at BIGINT NOT NULL
);

CREATE TABLE person_names (
	person_id BIGINT NOT NULL REFERENCES people(id) ON DELETE CASCADE,
	language TEXT NOT NULL,
	name TEXT NOT NULL,
	PRIMARY KEY (person_id, language)
);

CREATE TABLE credits (
	id {{id}},
	title_id BIGINT NOT NULL REFERENCES titles(id) ON DELETE CASCADE,
	person_id BIGINT NOT NULL REFERENCES people(id),
	job TEXT NOT NULL,
	billing_order INTEGER NOT NULL DEFAULT 0,
	character_name TEXT NOT NULL DEFAULT ''
);
CREATE INDEX credits_title ON credits (title_id, billing_order);
CREATE INDEX credits_person ON credits (person_id);

CREATE TABLE credit_character_names (
	credit_id BIGINT NOT NULL REFERENCES credits(id) ON DELETE CASCADE,
	language TEXT NOT NULL,
	name TEXT NOT NULL,
	PRIMARY KEY (credit_id, language)
);
