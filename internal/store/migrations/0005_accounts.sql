-- Accounts: users and their profiles, server-side sessions, sign-in and PIN
-- attempt counters, My List and playback progress. Instants are unix
-- milliseconds.

-- users: email is kept as entered; email_key (the email in lower case) is
-- what makes an address unique, whatever its case. password_hash is an
-- argon2id hash in the reference encoding ($argon2id$v=19$m=...).
-- home_territory is the subscriber's country of residence (ISO 3166-1
-- alpha-2, or '' when unknown), used by the EU portability rule.
CREATE TABLE users (
	id {{id}},
	email TEXT NOT NULL,
	email_key TEXT NOT NULL UNIQUE,
	password_hash TEXT NOT NULL,
	role TEXT NOT NULL DEFAULT 'viewer' CHECK (role IN ('viewer', 'admin')),
	home_territory TEXT NOT NULL DEFAULT '',
	created_at BIGINT NOT NULL
);

-- profiles: at most five per user (enforced by accounts.AddProfile under a
-- lock on the user). max_age is the maturity limit: titles whose min_age is
-- above it are not shown or played. pin_hash is an argon2id hash of a
-- 4-digit PIN, '' when the profile has none.
CREATE TABLE profiles (
	id {{id}},
	user_id BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
	name TEXT NOT NULL,
	language TEXT NOT NULL,
	max_age INTEGER NOT NULL,
	kids BOOLEAN NOT NULL DEFAULT FALSE,
	pin_hash TEXT NOT NULL DEFAULT '',
	created_at BIGINT NOT NULL
);
CREATE INDEX profiles_user ON profiles (user_id, id);

-- sessions: id is the hex SHA-256 of the session token; the token itself
-- is never stored. profile_id is the profile chosen in this session, NULL
-- until one is picked.
CREATE TABLE sessions (
	id TEXT PRIMARY KEY,
	user_id BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
	profile_id BIGINT REFERENCES profiles(id) ON DELETE SET NULL,
	created_at BIGINT NOT NULL,
	expires_at BIGINT NOT NULL
);
CREATE INDEX sessions_user ON sessions (user_id);
CREATE INDEX sessions_profile ON sessions (profile_id);
CREATE INDEX sessions_expires ON sessions (expires_at);

-- attempt_failures counts failed sign-ins and PIN entries per scope
-- ("account:<email>", "address:<ip or /64>", "pin:<profile id>") in a fixed
-- window that opens at the first failure (window_start).
CREATE TABLE attempt_failures (
	scope TEXT PRIMARY KEY,
	window_start BIGINT NOT NULL,
	failures INTEGER NOT NULL
);
CREATE INDEX attempt_failures_window ON attempt_failures (window_start);

-- my_list: the titles a profile keeps to watch later.
CREATE TABLE my_list (
	profile_id BIGINT NOT NULL REFERENCES profiles(id) ON DELETE CASCADE,
	title_id BIGINT NOT NULL REFERENCES titles(id) ON DELETE CASCADE,
	added_at BIGINT NOT NULL,
	PRIMARY KEY (profile_id, title_id)
);
CREATE INDEX my_list_added ON my_list (profile_id, added_at);
CREATE INDEX my_list_title ON my_list (title_id);

-- progress: where a profile stopped in a title. asset_id is the asset that
-- was playing (no foreign key: a title's asset may be replaced and the
-- position still stands). position_ms and duration_ms are as the player
-- last reported them.
CREATE TABLE progress (
	profile_id BIGINT NOT NULL REFERENCES profiles(id) ON DELETE CASCADE,
	title_id BIGINT NOT NULL REFERENCES titles(id) ON DELETE CASCADE,
	asset_id BIGINT NOT NULL,
	position_ms BIGINT NOT NULL,
	duration_ms BIGINT NOT NULL,
	updated_at BIGINT NOT NULL,
	PRIMARY KEY (profile_id, title_id)
);
CREATE INDEX progress_recent ON progress (profile_id, updated_at);
CREATE INDEX progress_title ON progress (title_id);
