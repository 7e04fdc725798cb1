-- Rights: one avails import at a time. An import holds this lease while it
-- applies a sheet (it renews nothing: a lease outlives any import), so two
-- uploads of the same sheet cannot both create its licenses; a lease left
-- by a process that died expires.
CREATE TABLE avail_import_lock (
	name TEXT PRIMARY KEY,
	holder TEXT NOT NULL,
	expires_at BIGINT NOT NULL
);
