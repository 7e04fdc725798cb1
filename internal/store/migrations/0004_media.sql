-- Media: each ingest of a film is an asset, encoded once by a worker and
-- published under its own prefix of the blob store; title_media says which
-- ready asset of a title plays. Instants are unix milliseconds.
CREATE TABLE assets (
	id {{id}},
	title_id BIGINT NOT NULL REFERENCES titles(id) ON DELETE CASCADE,
	-- queued, probing, encoding, publishing, ready, failed or cancelled.
	state TEXT NOT NULL DEFAULT 'queued',
	-- Encode progress in percent (0-100) and speed in × real time.
	progress DOUBLE PRECISION NOT NULL DEFAULT 0,
	speed DOUBLE PRECISION NOT NULL DEFAULT 0,
	-- The source as uploaded: blob key, original file name, size in bytes.
	source_key TEXT NOT NULL,
	source_filename TEXT NOT NULL DEFAULT '',
	source_size BIGINT NOT NULL DEFAULT 0,
	-- The River job that encodes the asset, and its latest attempt.
	job_id BIGINT NOT NULL DEFAULT 0,
	attempt INTEGER NOT NULL DEFAULT 0,
	-- Where the current attempt writes, unique to it: an attempt writes to
	-- the row only while it still carries its prefix. Once ready,
	-- published_prefix is where the asset lives (it holds the manifest).
	staging_prefix TEXT NOT NULL DEFAULT '',
	published_prefix TEXT NOT NULL DEFAULT '',
	-- What the encode found and made: the real duration (what the streams
	-- hold, not what the container claims), the source's display size and
	-- frame rate, and the ladder as JSON.
	duration_ms BIGINT NOT NULL DEFAULT 0,
	width INTEGER NOT NULL DEFAULT 0,
	height INTEGER NOT NULL DEFAULT 0,
	frame_rate TEXT NOT NULL DEFAULT '',
	ladder TEXT NOT NULL DEFAULT '[]',
	-- Why the asset failed, for a person, and the tail of ffmpeg's stderr.
	error TEXT NOT NULL DEFAULT '',
	stderr_tail TEXT NOT NULL DEFAULT '',
	created_at BIGINT NOT NULL,
	updated_at BIGINT NOT NULL,
	ready_at BIGINT
);
CREATE INDEX assets_title ON assets (title_id, id);

-- asset_tracks lists an asset's extra audio tracks and subtitles as
-- uploaded (kind 'audio' or 'subtitle'), in order. Audio streams inside the
-- source are found by probing and are not listed.
CREATE TABLE asset_tracks (
	asset_id BIGINT NOT NULL REFERENCES assets(id) ON DELETE CASCADE,
	kind TEXT NOT NULL,
	position INTEGER NOT NULL,
	language TEXT NOT NULL,
	source_key TEXT NOT NULL,
	filename TEXT NOT NULL DEFAULT '',
	PRIMARY KEY (asset_id, kind, position)
);

-- title_media points a title at the ready asset that plays. It is switched
-- only in the transaction that marks that asset ready.
CREATE TABLE title_media (
	title_id BIGINT PRIMARY KEY REFERENCES titles(id) ON DELETE CASCADE,
	asset_id BIGINT NOT NULL REFERENCES assets(id),
	switched_at BIGINT NOT NULL
);
CREATE INDEX title_media_asset ON title_media (asset_id);
