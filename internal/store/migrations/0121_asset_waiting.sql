-- When an encode first found the media store down (milliseconds; 0 when it
-- is not waiting). While the store stays down the encode is retried with a
-- growing pause for media.Config.StoreRetryWindow, without using up its
-- attempts.
ALTER TABLE assets ADD COLUMN waiting_since BIGINT NOT NULL DEFAULT 0;
