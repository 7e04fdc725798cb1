-- Editorial: interviews and stories attached to titles and people, imported
-- from Markdown (docs/editorial.md) and kept both as written and parsed into
-- blocks. Days are "YYYY-MM-DD"; instants are unix milliseconds.
CREATE TABLE stories (
	id {{id}},
	-- A stable key from the front matter (or made from date and headline):
	-- importing a story with the same slug again replaces it.
	slug TEXT NOT NULL UNIQUE,
	-- 'interview' or 'story'.
	kind TEXT NOT NULL,
	headline TEXT NOT NULL,
	standfirst TEXT NOT NULL DEFAULT '',
	publication TEXT NOT NULL DEFAULT '',
	author TEXT NOT NULL DEFAULT '',
	published_on TEXT NOT NULL,
	language TEXT NOT NULL DEFAULT '',
	-- The Markdown as imported.
	markdown TEXT NOT NULL,
	created_at BIGINT NOT NULL,
	updated_at BIGINT NOT NULL
);

CREATE TABLE story_titles (
	story_id BIGINT NOT NULL REFERENCES stories(id) ON DELETE CASCADE,
	title_id BIGINT NOT NULL REFERENCES titles(id) ON DELETE CASCADE,
	position INTEGER NOT NULL,
	PRIMARY KEY (story_id, title_id)
);
CREATE INDEX story_titles_title ON story_titles (title_id, story_id);

-- The people a story is about: everyone who answers in it, and the people
-- its front matter names.
CREATE TABLE story_people (
	story_id BIGINT NOT NULL REFERENCES stories(id) ON DELETE CASCADE,
	person_id BIGINT NOT NULL REFERENCES people(id) ON DELETE CASCADE,
	position INTEGER NOT NULL,
	PRIMARY KEY (story_id, person_id)
);
CREATE INDEX story_people_person ON story_people (person_id, story_id);

-- The body, in order: 'paragraph', 'heading', 'question', 'answer' (by
-- person_id, labelled as written in speaker) or 'image'. body holds the
-- text in the convention's inline syntax; an answer's paragraphs are
-- separated by a blank line.
CREATE TABLE story_blocks (
	story_id BIGINT NOT NULL REFERENCES stories(id) ON DELETE CASCADE,
	position INTEGER NOT NULL,
	kind TEXT NOT NULL,
	body TEXT NOT NULL DEFAULT '',
	speaker TEXT NOT NULL DEFAULT '',
	person_id BIGINT REFERENCES people(id) ON DELETE SET NULL,
	image_key TEXT NOT NULL DEFAULT '',
	caption TEXT NOT NULL DEFAULT '',
	credit TEXT NOT NULL DEFAULT '',
	PRIMARY KEY (story_id, position)
);
