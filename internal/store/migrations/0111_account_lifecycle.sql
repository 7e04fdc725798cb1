-- Account lifecycle (issue 10): email verification, single-use emailed
-- links, the session idle timeout and the evidence of residence.

-- email_unverified: the account was made by sign-up with verification on
-- and its owner has not followed the emailed link yet; it cannot sign in.
-- Accounts made before (or by an operator) are not affected.
ALTER TABLE users ADD COLUMN email_unverified BOOLEAN NOT NULL DEFAULT FALSE;

-- seen_at: when the session was last used (unix milliseconds; 0 = never
-- since this column came, which counts as its created_at). A session
-- unused for the idle timeout has ended.
ALTER TABLE sessions ADD COLUMN seen_at BIGINT NOT NULL DEFAULT 0;

-- account_tokens are the emailed links: id is the hex SHA-256 of the
-- token (the token itself is only in the mail), purpose says what it does
-- ('reset', 'signin', 'verify'), used_at makes it single-use.
CREATE TABLE account_tokens (
	id TEXT PRIMARY KEY,
	user_id BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
	purpose TEXT NOT NULL,
	created_at BIGINT NOT NULL,
	expires_at BIGINT NOT NULL,
	used_at BIGINT
);
CREATE INDEX account_tokens_user ON account_tokens (user_id, purpose);
CREATE INDEX account_tokens_expires ON account_tokens (expires_at);

-- residence_evidence: the countries a user's sign-ins came from, one row
-- per user, country and local day (YYYY-MM-DD in UTC), with how many
-- sign-ins that day. The EU portability claim (Regulation 2017/1128) is
-- re-checked against it at each sign-in.
CREATE TABLE residence_evidence (
	user_id BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
	country TEXT NOT NULL,
	day TEXT NOT NULL,
	sign_ins INTEGER NOT NULL,
	PRIMARY KEY (user_id, country, day)
);
