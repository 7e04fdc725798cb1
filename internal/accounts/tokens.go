package accounts

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/base64"
	"errors"
	"fmt"
	"time"

	"github.com/lineup/lineup/internal/store"
)

// Purpose says what an emailed link does.
type Purpose string

// The emailed links.
const (
	// PurposeReset sets a new password (ResetPassword).
	PurposeReset Purpose = "reset"
	// PurposeSignIn signs in without the password and without the
	// sign-in delays (SignInWithLink): the owner's way in while an
	// attacker keeps the account slowed down.
	PurposeSignIn Purpose = "signin"
	// PurposeVerify confirms a new account's email (VerifyEmail).
	PurposeVerify Purpose = "verify"
)

// LinkTTL is how long an emailed link works: 30 minutes, once.
const LinkTTL = 30 * time.Minute

// ErrBadLink says an emailed link is unknown, used or expired.
var ErrBadLink = errors.New("this link has expired or was already used: ask for a new one")

// IssueLink makes a single-use token for an emailed link of the given
// purpose for a user, valid for LinkTTL. Only its hash is stored.
func (s *Service) IssueLink(ctx context.Context, userID int64, p Purpose) (string, error) {
	return s.issueToken(ctx, userID, p, LinkTTL)
}

// issueToken makes a single-use token of a purpose for a user, valid for
// ttl; only its hash is stored.
func (s *Service) issueToken(ctx context.Context, userID int64, p Purpose, ttl time.Duration) (string, error) {
	b := make([]byte, tokenBytes)
	rand.Read(b)
	token := base64.RawURLEncoding.EncodeToString(b)
	now := s.now()
	_, err := s.db.ExecContext(ctx, `INSERT INTO account_tokens (id, user_id, purpose, created_at, expires_at) VALUES ($1, $2, $3, $4, $5)`,
		sessionID(token), userID, string(p), millis(now), millis(now.Add(ttl)))
	if err != nil {
		return "", fmt.Errorf("accounts: issue %s link: %w", p, err)
	}
	return token, nil
}

// useLink spends a token of the purpose inside tx and returns its user's
// ID; an unknown, used, expired or other-purpose token is ErrBadLink.
func (s *Service) useLink(ctx context.Context, tx *sql.Tx, token string, p Purpose) (int64, error) {
	if token == "" || len(token) > 256 {
		return 0, fmt.Errorf("accounts: %s link: %w", p, ErrBadLink)
	}
	now := millis(s.now())
	var userID int64
	err := tx.QueryRowContext(ctx, `UPDATE account_tokens SET used_at = $1
		WHERE id = $2 AND purpose = $3 AND used_at IS NULL AND expires_at > $1 RETURNING user_id`,
		now, sessionID(token), string(p)).Scan(&userID)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, fmt.Errorf("accounts: %s link: %w", p, ErrBadLink)
	}
	if err != nil {
		return 0, fmt.Errorf("accounts: %s link: %w", p, err)
	}
	return userID, nil
}

// ResetPassword sets a new password with an emailed reset link, spends the
// link, ends every session of the user and forgets the account's failed
// sign-ins. A weak password is a *FieldError and leaves the link unspent.
func (s *Service) ResetPassword(ctx context.Context, token, password string) (User, error) {
	if err := s.checkNewPassword(ctx, password, ""); err != nil {
		return User{}, err
	}
	hash, err := s.createHash(ctx, password)
	if err != nil {
		return User{}, fmt.Errorf("accounts: hash password: %w", err)
	}
	var u User
	err = s.db.InTx(ctx, func(tx *sql.Tx) error {
		id, err := s.useLink(ctx, tx, token, PurposeReset)
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE users SET password_hash = $1, email_unverified = FALSE WHERE id = $2`, hash, id); err != nil {
			return fmt.Errorf("accounts: reset password: %w", err)
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM sessions WHERE user_id = $1`, id); err != nil {
			return fmt.Errorf("accounts: end sessions: %w", err)
		}
		u, err = scanUser(tx.QueryRowContext(ctx, `SELECT `+userColumns+` FROM users WHERE id = $1`, id))
		return err
	})
	if err != nil {
		return User{}, err
	}
	return u, s.clear(ctx, "account:"+emailKey(u.Email))
}

// SignInWithLink opens a session with an emailed sign-in link, whatever
// the sign-in delays say, and forgets the account's failed sign-ins.
func (s *Service) SignInWithLink(ctx context.Context, token string) (Session, error) {
	u, err := s.useMailedLink(ctx, token, PurposeSignIn)
	if err != nil {
		return Session{}, err
	}
	if err := s.clear(ctx, "account:"+emailKey(u.Email)); err != nil {
		return Session{}, err
	}
	if u.TwoFactor {
		// The mailbox is one factor: the app's code is still asked.
		return Session{}, s.secondFactor(ctx, u)
	}
	return s.openSession(ctx, u)
}

// useMailedLink spends an emailed link of purpose and returns its user,
// whose email the link has just proved.
func (s *Service) useMailedLink(ctx context.Context, token string, purpose Purpose) (User, error) {
	var u User
	err := s.db.InTx(ctx, func(tx *sql.Tx) error {
		id, err := s.useLink(ctx, tx, token, purpose)
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE users SET email_unverified = FALSE WHERE id = $1`, id); err != nil {
			return err
		}
		u, err = scanUser(tx.QueryRowContext(ctx, `SELECT `+userColumns+` FROM users WHERE id = $1`, id))
		return err
	})
	return u, err
}

// VerifyEmail confirms a new account's email with its emailed link, and
// opens a session for it.
func (s *Service) VerifyEmail(ctx context.Context, token string) (Session, error) {
	u, err := s.useMailedLink(ctx, token, PurposeVerify)
	if err != nil {
		return Session{}, err
	}
	if u.TwoFactor {
		return Session{}, s.secondFactor(ctx, u)
	}
	return s.openSession(ctx, u)
}

// ChangePassword replaces the password of the user of a session, after
// checking the current one (a wrong one is ErrInvalidCredentials, counted
// as a failed sign-in), and ends every other session of the user: whoever
// else was signed in is signed out.
func (s *Service) ChangePassword(ctx context.Context, sess Session, current, password string) error {
	if err := s.CheckPassword(ctx, sess.User.ID, current); err != nil {
		return err
	}
	if err := s.checkNewPassword(ctx, password, sess.User.Email); err != nil {
		return err
	}
	hash, err := s.createHash(ctx, password)
	if err != nil {
		return fmt.Errorf("accounts: hash password: %w", err)
	}
	return s.db.InTx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE users SET password_hash = $1 WHERE id = $2`, hash, sess.User.ID)
		if err != nil {
			return fmt.Errorf("accounts: change password: %w", err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return fmt.Errorf("accounts: change password of user %d: %w", sess.User.ID, store.ErrNotFound)
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM sessions WHERE user_id = $1 AND id <> $2`, sess.User.ID, sess.ID); err != nil {
			return fmt.Errorf("accounts: end other sessions: %w", err)
		}
		return nil
	})
}
