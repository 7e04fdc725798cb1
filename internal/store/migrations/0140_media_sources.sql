-- Issue 13: what the encode found about the source and did with it.
-- loudness is a JSON list, one entry per audio rendition, of the source's
-- measured loudness (EBU R128: integrated LUFS, true peak, range) and the
-- target it was normalised to. subtitles_not_converted is a JSON list of
-- the embedded subtitle streams that did not become WebVTT (image
-- subtitles: PGS, DVD), with their codec and language.
ALTER TABLE assets ADD COLUMN loudness TEXT NOT NULL DEFAULT '[]';
ALTER TABLE assets ADD COLUMN subtitles_not_converted TEXT NOT NULL DEFAULT '[]';
-- The text encoding an uploader named for a subtitle file ('' = detect).
ALTER TABLE asset_tracks ADD COLUMN charset TEXT NOT NULL DEFAULT '';
