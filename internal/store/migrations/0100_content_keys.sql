-- Content keys: the AES-128 keys an asset's media segments are encrypted
-- with (HLS METHOD=AES-128), one per key period. A key is never stored in
-- the clear: wrapped holds it sealed by the key-encryption key (AES-256-GCM,
-- nonce then ciphertext) and kek_id names that KEK. key_set is the blob
-- prefix the encode attempt wrote, so an abandoned attempt's keys never
-- mix with the published one's. Instants are unix milliseconds.
CREATE TABLE content_keys (
	asset_id BIGINT NOT NULL REFERENCES assets(id) ON DELETE CASCADE,
	key_set TEXT NOT NULL,
	key_index INTEGER NOT NULL,
	wrapped {{bytes}} NOT NULL,
	kek_id TEXT NOT NULL,
	created_at BIGINT NOT NULL,
	PRIMARY KEY (asset_id, key_set, key_index)
);
