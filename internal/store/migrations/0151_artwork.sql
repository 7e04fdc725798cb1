-- Artwork: each title's poster and backdrop. The renditions are JPEG files
-- in the media store under key_prefix ("artwork/<title>/<hash>/poster"),
-- one per width ("-320.jpg"); widths lists them, smallest first, as
-- comma-separated numbers. The hash is of the uploaded image, so a new
-- image gets new keys and every rendition can be cached for ever.
CREATE TABLE title_artwork (
	title_id BIGINT NOT NULL REFERENCES titles(id) ON DELETE CASCADE,
	kind TEXT NOT NULL CHECK (kind IN ('poster', 'backdrop')),
	key_prefix TEXT NOT NULL,
	widths TEXT NOT NULL,
	created_at BIGINT NOT NULL,
	PRIMARY KEY (title_id, kind)
);
