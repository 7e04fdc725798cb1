-- Stream leases: one row per stream an account is playing now. The player's
-- heartbeat renews renewed_at; a lease lapses 60 seconds after its last
-- renewal and is then free for another stream. slot is the lease's place
-- among the account's LINEUP_MAX_STREAMS: the unique key on (user_id, slot)
-- is what stops two players that start at the same instant from both taking
-- the last place, on either database. Profile name and device are kept to
-- tell a refused viewer who is playing; the territory to tell a viewer who
-- moved from a window that ended. Instants are unix milliseconds.
CREATE TABLE stream_leases (
	id {{id}},
	user_id BIGINT NOT NULL,
	slot INTEGER NOT NULL,
	session_id TEXT NOT NULL,
	profile_id BIGINT NOT NULL,
	profile_name TEXT NOT NULL,
	device TEXT NOT NULL,
	title_id BIGINT NOT NULL,
	-- The country the stream was started in.
	territory TEXT NOT NULL,
	started_at BIGINT NOT NULL,
	renewed_at BIGINT NOT NULL
);
CREATE UNIQUE INDEX stream_leases_slot ON stream_leases (user_id, slot);
