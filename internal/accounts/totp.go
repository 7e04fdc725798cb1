package accounts

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/pquerna/otp"
	"github.com/pquerna/otp/totp"

	"github.com/lineup/lineup/internal/store"
)

// Two-factor sign-in (issue 10 item 3). An account turns it on in two
// steps: EnrolmentKey shows a TOTP key (as text, QR image and otpauth://
// URI) and ConfirmTOTP checks a first code from the authenticator app,
// turns two-factor on and returns the recovery codes, once. From then on
// SignIn and SignInWithLink open no session after the password: they
// return a *SecondFactorError holding a short-lived challenge, and
// SignInSecondFactor opens the session for the challenge and a code from
// the app or a recovery code. Codes are limited like PINs
// (Config.PINLimit wrong ones per window), and a code is accepted at most
// once: a code seen over a shoulder or replayed within its 30-second step
// does not work again.

// PurposeSecondFactor is the challenge between a right password and the
// code; it is not mailed.
const PurposeSecondFactor Purpose = "2fa"

// ChallengeTTL is how long the code may take after the password.
const ChallengeTTL = 5 * time.Minute

// RecoveryCodeCount is how many recovery codes ConfirmTOTP makes.
const RecoveryCodeCount = 10

var (
	// ErrSecondFactor is matched by every *SecondFactorError.
	ErrSecondFactor = errors.New("enter the code from your authenticator app to finish signing in")
	// ErrWrongCode says a TOTP or recovery code is not right (or was
	// already used).
	ErrWrongCode = errors.New("that code is not right or was already used: enter the code your authenticator app shows now, or an unused recovery code")
	// ErrNotEnrolling says ConfirmTOTP came without a key shown first.
	ErrNotEnrolling = errors.New("no two-factor key was shown for this account: open the two-factor page again")
	// ErrChallengeExpired says the code came too late after the password,
	// or for a challenge already used.
	ErrChallengeExpired = errors.New("this sign-in took too long: enter your email and password again")
)

// SecondFactorError is what SignIn returns for the right password of an
// account with two-factor sign-in: no session yet, only a challenge for
// SignInSecondFactor. errors.Is(err, ErrSecondFactor) matches it.
type SecondFactorError struct {
	// Challenge is a secret the client sends back with the code; it
	// works once, for ChallengeTTL.
	Challenge string
}

func (e *SecondFactorError) Error() string { return ErrSecondFactor.Error() }

// Is makes errors.Is(err, ErrSecondFactor) true.
func (e *SecondFactorError) Is(target error) bool { return target == ErrSecondFactor }

// secondFactor returns the *SecondFactorError for a user who passed the
// password (or an emailed link).
func (s *Service) secondFactor(ctx context.Context, u User) error {
	c, err := s.issueToken(ctx, u.ID, PurposeSecondFactor, ChallengeTTL)
	if err != nil {
		return err
	}
	return &SecondFactorError{Challenge: c}
}

// totpOpts are the parameters every authenticator app uses by default.
var totpOpts = totp.ValidateOpts{Period: 30, Digits: otp.DigitsSix, Algorithm: otp.AlgorithmSHA1}

// EnrolmentKey returns the TOTP key offered to a user who has not turned
// two-factor sign-in on: the same key until it is confirmed, a new one
// when none is pending. issuer names the service in the app.
func (s *Service) EnrolmentKey(ctx context.Context, userID int64, issuer string) (*otp.Key, error) {
	var email, pending string
	err := s.db.QueryRowContext(ctx, `SELECT email, totp_pending FROM users WHERE id = $1`, userID).Scan(&email, &pending)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("accounts: user %d: %w", userID, store.ErrNotFound)
	}
	if err != nil {
		return nil, fmt.Errorf("accounts: enrolment key: %w", err)
	}
	if pending != "" {
		if k, err := otp.NewKeyFromURL(pending); err == nil {
			return k, nil
		}
	}
	k, err := totp.Generate(totp.GenerateOpts{Issuer: issuer, AccountName: email, Period: totpOpts.Period, Digits: totpOpts.Digits, Algorithm: totpOpts.Algorithm})
	if err != nil {
		return nil, fmt.Errorf("accounts: make TOTP key: %w", err)
	}
	if _, err := s.db.ExecContext(ctx, `UPDATE users SET totp_pending = $1 WHERE id = $2`, k.String(), userID); err != nil {
		return nil, fmt.Errorf("accounts: keep TOTP key: %w", err)
	}
	return k, nil
}

// ConfirmTOTP turns two-factor sign-in on with a first code from the key
// EnrolmentKey showed, and returns the recovery codes (shown once; only
// their hashes are kept). A wrong code is ErrWrongCode (wrapped), counted
// as codes at sign-in are.
func (s *Service) ConfirmTOTP(ctx context.Context, userID int64, code string) ([]string, error) {
	var pending string
	err := s.db.QueryRowContext(ctx, `SELECT totp_pending FROM users WHERE id = $1`, userID).Scan(&pending)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("accounts: user %d: %w", userID, store.ErrNotFound)
	}
	if err != nil {
		return nil, fmt.Errorf("accounts: confirm TOTP: %w", err)
	}
	k, err := otp.NewKeyFromURL(pending)
	if pending == "" || err != nil {
		return nil, fmt.Errorf("accounts: confirm TOTP: %w", ErrNotEnrolling)
	}
	sc := codeScope(userID, s.cfg.PINLimit)
	if err := s.hit(ctx, sc); err != nil {
		return nil, err
	}
	step, ok := s.matchTOTP(k.Secret(), code, 0)
	if !ok {
		return nil, fmt.Errorf("accounts: confirm TOTP: %w", ErrWrongCode)
	}
	codes, hashes := newRecoveryCodes()
	err = s.db.InTx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `UPDATE users SET totp_secret = $1, totp_pending = '', totp_last_step = $2 WHERE id = $3`, k.Secret(), step, userID); err != nil {
			return err
		}
		return replaceRecoveryCodes(ctx, tx, userID, hashes)
	})
	if err != nil {
		return nil, fmt.Errorf("accounts: confirm TOTP: %w", err)
	}
	return codes, s.clear(ctx, sc.key)
}

// NewRecoveryCodes replaces a two-factor account's recovery codes with
// new ones and returns them (shown once).
func (s *Service) NewRecoveryCodes(ctx context.Context, userID int64) ([]string, error) {
	codes, hashes := newRecoveryCodes()
	err := s.db.InTx(ctx, func(tx *sql.Tx) error { return replaceRecoveryCodes(ctx, tx, userID, hashes) })
	if err != nil {
		return nil, fmt.Errorf("accounts: new recovery codes: %w", err)
	}
	return codes, nil
}

// RecoveryCodesLeft says how many unused recovery codes a user has.
func (s *Service) RecoveryCodesLeft(ctx context.Context, userID int64) (int, error) {
	var n int
	if err := s.db.QueryRowContext(ctx, `SELECT COUNT(*) FROM recovery_codes WHERE user_id = $1 AND used_at IS NULL`, userID).Scan(&n); err != nil {
		return 0, fmt.Errorf("accounts: recovery codes: %w", err)
	}
	return n, nil
}

// SignInSecondFactor finishes a sign-in that SignIn (or SignInWithLink)
// left at a *SecondFactorError: with the challenge and a current code
// from the app, or an unused recovery code, it opens the session and
// spends the challenge. A wrong code is ErrWrongCode (the challenge stays
// usable until it expires); too many a *LimitError; an unknown, used or
// expired challenge ErrChallengeExpired.
func (s *Service) SignInSecondFactor(ctx context.Context, challenge, code string) (Session, error) {
	if challenge == "" || len(challenge) > 256 {
		return Session{}, fmt.Errorf("accounts: second factor: %w", ErrChallengeExpired)
	}
	var userID int64
	err := s.db.QueryRowContext(ctx, `SELECT user_id FROM account_tokens WHERE id = $1 AND purpose = $2 AND used_at IS NULL AND expires_at > $3`,
		sessionID(challenge), string(PurposeSecondFactor), millis(s.now())).Scan(&userID)
	if errors.Is(err, sql.ErrNoRows) {
		return Session{}, fmt.Errorf("accounts: second factor: %w", ErrChallengeExpired)
	}
	if err != nil {
		return Session{}, fmt.Errorf("accounts: second factor: %w", err)
	}
	if err := s.checkSecondFactor(ctx, userID, code); err != nil {
		return Session{}, err
	}
	var u User
	err = s.db.InTx(ctx, func(tx *sql.Tx) error {
		if _, err := s.useLink(ctx, tx, challenge, PurposeSecondFactor); err != nil {
			return fmt.Errorf("accounts: second factor: %w", ErrChallengeExpired)
		}
		u, err = scanUser(tx.QueryRowContext(ctx, `SELECT `+userColumns+` FROM users WHERE id = $1`, userID))
		return err
	})
	if err != nil {
		return Session{}, err
	}
	return s.openSession(ctx, u)
}

// checkSecondFactor accepts a current TOTP code not accepted before, or an
// unused recovery code (which it spends).
func (s *Service) checkSecondFactor(ctx context.Context, userID int64, code string) error {
	sc := codeScope(userID, s.cfg.PINLimit)
	if err := s.hit(ctx, sc); err != nil {
		return err
	}
	code = normalizeCode(code)
	var secret string
	var last int64
	if err := s.db.QueryRowContext(ctx, `SELECT totp_secret, totp_last_step FROM users WHERE id = $1`, userID).Scan(&secret, &last); err != nil {
		return fmt.Errorf("accounts: second factor: %w", err)
	}
	ok := false
	if secret == "" {
		// Two-factor was turned off since the password was checked.
		ok = true
	} else if step, match := s.matchTOTP(secret, code, last); match {
		// Only one request can move the step past a code.
		res, err := s.db.ExecContext(ctx, `UPDATE users SET totp_last_step = $1 WHERE id = $2 AND totp_last_step < $1`, step, userID)
		if err != nil {
			return fmt.Errorf("accounts: second factor: %w", err)
		}
		n, _ := res.RowsAffected()
		ok = n == 1
	} else if len(code) == recoveryCodeLength {
		res, err := s.db.ExecContext(ctx, `UPDATE recovery_codes SET used_at = $1 WHERE user_id = $2 AND code_hash = $3 AND used_at IS NULL`,
			millis(s.now()), userID, hashCode(code))
		if err != nil {
			return fmt.Errorf("accounts: second factor: %w", err)
		}
		n, _ := res.RowsAffected()
		ok = n == 1
	}
	if !ok {
		return fmt.Errorf("accounts: second factor: %w", ErrWrongCode)
	}
	return s.clear(ctx, sc.key)
}

// matchTOTP compares code, in constant time, with the codes of the current
// step and of the one before and after it (clocks drift), skipping steps
// at or before after; it returns the step that matched.
func (s *Service) matchTOTP(secret, code string, after int64) (int64, bool) {
	code = normalizeCode(code)
	if len(code) != int(totpOpts.Digits) {
		return 0, false
	}
	now := s.now().Unix() / int64(totpOpts.Period)
	for _, step := range []int64{now - 1, now, now + 1} {
		if step <= after {
			continue
		}
		want, err := totp.GenerateCodeCustom(secret, time.Unix(step*int64(totpOpts.Period), 0), totpOpts)
		if err == nil && subtle.ConstantTimeCompare([]byte(want), []byte(code)) == 1 {
			return step, true
		}
	}
	return 0, false
}

func codeScope(userID int64, limit int) limitScope {
	return limitScope{kind: "code", key: fmt.Sprintf("code:%d", userID), limit: limit}
}

// recoveryCodeLength is the length of a recovery code without its dash:
// ten base32 letters, 50 random bits.
const recoveryCodeLength = 10

// newRecoveryCodes makes RecoveryCodeCount codes, as shown ("abcde-fghij")
// and as stored.
func newRecoveryCodes() (codes, hashes []string) {
	for range RecoveryCodeCount {
		c := strings.ToLower(rand.Text()[:recoveryCodeLength])
		codes = append(codes, c[:5]+"-"+c[5:])
		hashes = append(hashes, hashCode(c))
	}
	return codes, hashes
}

func replaceRecoveryCodes(ctx context.Context, tx *sql.Tx, userID int64, hashes []string) error {
	if _, err := tx.ExecContext(ctx, `DELETE FROM recovery_codes WHERE user_id = $1`, userID); err != nil {
		return err
	}
	for _, h := range hashes {
		if _, err := tx.ExecContext(ctx, `INSERT INTO recovery_codes (user_id, code_hash) VALUES ($1, $2)`, userID, h); err != nil {
			return err
		}
	}
	return nil
}

// normalizeCode drops the spaces and dashes people type in codes.
func normalizeCode(c string) string {
	c = strings.Map(func(r rune) rune {
		if r == ' ' || r == '-' {
			return -1
		}
		return r
	}, c)
	if len(c) > 64 {
		return ""
	}
	return strings.ToLower(c)
}

func hashCode(c string) string {
	sum := sha256.Sum256([]byte(c))
	return hex.EncodeToString(sum[:])
}
