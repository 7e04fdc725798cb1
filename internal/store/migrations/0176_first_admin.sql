-- first_admin holds one row once the first-run setup link has made the
-- first administrator: the setup links that two nodes print can then make
-- only one, whichever commits first (issue 10 item 4).
CREATE TABLE first_admin (
	id INTEGER PRIMARY KEY CHECK (id = 1),
	user_id BIGINT NOT NULL,
	created_at BIGINT NOT NULL
);
