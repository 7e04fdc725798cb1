-- Caption appearance per profile, applied to the player's subtitles with
-- ::cue: caption_size is small, medium or large; caption_background is box
-- (a dark box behind the words) or none (an outline only).
ALTER TABLE profiles ADD COLUMN caption_size TEXT NOT NULL DEFAULT 'medium';
ALTER TABLE profiles ADD COLUMN caption_background TEXT NOT NULL DEFAULT 'box';
