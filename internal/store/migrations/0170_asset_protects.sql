-- Issue 9: `lineup media protect --all` encrypts an asset published before
-- encryption existed into a new asset of the same title, which replaces it
-- the way a new encode does. protects_asset_id is the clear asset it
-- encrypts (0 for an asset made by an encode): it keeps the command
-- idempotent and says on the jobs page what the row is.
ALTER TABLE assets ADD COLUMN protects_asset_id BIGINT NOT NULL DEFAULT 0;
