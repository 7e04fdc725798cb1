-- Plays: what viewers watch, for views and the Top 10 (internal/charts,
-- plays.go and topten.go). Every play start, heartbeat and stop is appended
-- to play_events; the viewing time each one adds is summed, in the same
-- transaction, into view_seconds per title, territory and local day, which
-- is all the charts read. Instants are unix milliseconds.

-- play_events is the append-only log of play events, built to hold 100
-- million rows on PostgreSQL: the row is narrow (on PostgreSQL about 60
-- bytes with its header, so 100 million rows are about 6 GB; the columns are
-- ordered widest first so that none is padded) and it carries no key and no
-- index. Nothing reads it one row at a time: the live path reads play_last
-- and the charts read view_seconds; the log is read only whole or by period
-- (rebuilding view_seconds, an export, an audit), and those scan. A primary
-- key would add a B-tree of 2 to 3 GB at that size and a second write to
-- every insert for no reader. (SQLite gives every table its rowid anyway.)
-- There are no foreign keys either: a title or profile deleted later would
-- cascade into a scan of the whole log; rows of deleted titles are simply
-- not shown, since the charts join titles.
--
-- kind: 1 start, 2 heartbeat, 3 stop. seconds: the viewing time the event
-- added (0 for a start, after a gap or a stop). territory: the viewer's
-- country (ISO 3166-1 alpha-2) when the event happened.
--
-- Past 100 million rows, or to drop old events cheaply, partition it by
-- month on PostgreSQL (range partitions on at_ms, months in UTC). Once,
-- during a quiet moment:
--   BEGIN;
--   ALTER TABLE play_events RENAME TO play_events_until_2026_04;
--   CREATE TABLE play_events (LIKE play_events_until_2026_04)
--     PARTITION BY RANGE (at_ms);
--   -- Attaching scans the old table once to check the bound; add the
--   -- matching CHECK (at_ms < 1775001600000) first to skip that scan.
--   ALTER TABLE play_events ATTACH PARTITION play_events_until_2026_04
--     FOR VALUES FROM (MINVALUE) TO (1775001600000);        -- 2026-04-01Z
--   CREATE TABLE play_events_2026_04 PARTITION OF play_events
--     FOR VALUES FROM (1775001600000) TO (1777593600000);   -- 2026-05-01Z
--   COMMIT;
-- then create each next month's partition ahead of time (a monthly job, or
-- pg_partman), and DETACH and DROP the oldest ones to keep a fixed history.
-- The inserts stay the same: PostgreSQL routes each row to its month. If a
-- period is ever read often, a BRIN index on at_ms (a few MB: rows arrive in
-- time order) serves it without the cost of a B-tree.
CREATE TABLE play_events (
	profile_id BIGINT NOT NULL,
	title_id BIGINT NOT NULL,
	at_ms BIGINT NOT NULL,
	seconds INTEGER NOT NULL,
	kind SMALLINT NOT NULL,
	territory TEXT NOT NULL
);

-- play_last keeps, per profile and title being played, the instant of the
-- last event: the next heartbeat adds the wall time since then. A stop
-- deletes the row (what follows a stop is not viewing), and a start clears
-- its profile's rows older than a minute (a player closed without a stop),
-- so the table holds about one row per player open now.
CREATE TABLE play_last (
	profile_id BIGINT NOT NULL,
	title_id BIGINT NOT NULL,
	at_ms BIGINT NOT NULL,
	PRIMARY KEY (profile_id, title_id)
);

-- view_seconds is the daily rollup of viewing time: seconds watched of a
-- title in a territory on a day, the day being the calendar date
-- (YYYY-MM-DD) of each event in the territory's time zone. The key leads
-- with territory and day, so a week's or a rolling week's chart of one
-- territory reads one range of it (at most 7 × titles rows). No foreign key,
-- for the same reason as play_events.
CREATE TABLE view_seconds (
	title_id BIGINT NOT NULL,
	territory TEXT NOT NULL,
	local_day TEXT NOT NULL,
	seconds BIGINT NOT NULL,
	PRIMARY KEY (territory, local_day, title_id)
);
