-- Admin two-factor sign-in, recovery codes and the parental PIN (issue 10
-- items 3 and row 1).

-- totp_secret is the base32 TOTP secret of an account that turned
-- two-factor sign-in on ('' = off); totp_pending is the otpauth:// URI of
-- a key shown for enrolment and not yet confirmed by a first code. totp_last_step is the
-- 30-second step of the last code accepted: a code is never accepted twice.
ALTER TABLE users ADD COLUMN totp_secret TEXT NOT NULL DEFAULT '';
ALTER TABLE users ADD COLUMN totp_pending TEXT NOT NULL DEFAULT '';
ALTER TABLE users ADD COLUMN totp_last_step BIGINT NOT NULL DEFAULT 0;

-- parental_pin_hash is an argon2id hash of the account's parental PIN ('' =
-- none), which stands in for the password when adding or changing a
-- profile.
ALTER TABLE users ADD COLUMN parental_pin_hash TEXT NOT NULL DEFAULT '';

-- recovery_codes: the one-time codes that replace a TOTP code when the
-- phone is lost. code_hash is the hex SHA-256 of the code (each holds 50
-- random bits and their use is rate-limited); used_at makes each
-- single-use.
CREATE TABLE recovery_codes (
	user_id BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
	code_hash TEXT NOT NULL,
	used_at BIGINT,
	PRIMARY KEY (user_id, code_hash)
);
