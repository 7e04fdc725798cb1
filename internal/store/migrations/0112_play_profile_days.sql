-- play_profile_days: the viewing time each profile added to a title on a
-- local day (issue 10 row 9), so that a profile counts toward the Top 10
-- only past a minimum watched time and at most one view (the runtime) of a
-- title a day. One row per profile, title and day watched; old days can be
-- deleted freely (the rollup in view_seconds keeps the totals).
CREATE TABLE play_profile_days (
	profile_id BIGINT NOT NULL,
	title_id BIGINT NOT NULL,
	local_day TEXT NOT NULL,
	seconds BIGINT NOT NULL,
	PRIMARY KEY (profile_id, title_id, local_day)
);
