package accounts

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"database/sql"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"time"
)

// Session is a signed-in browser or API client.
type Session struct {
	// ID names the session without granting it: the hex SHA-256 of the
	// token. It is what the database keys on and what CSRF tokens are
	// derived from; it is safe to log.
	ID string
	// Token is the secret the client presents (cookie or Bearer). It is
	// set only in the Session that SignIn returns: the database does not
	// keep it.
	Token string
	User  User
	// ProfileID is the profile chosen in this session, 0 until one is.
	ProfileID int64
	// Profile is the chosen profile as it is now, read by Session in the
	// same query as the session; nil until one is chosen, or when it has
	// been deleted since.
	Profile   *Profile
	CreatedAt time.Time
	ExpiresAt time.Time
}

// tokenBytes is the size of a session token's randomness.
const tokenBytes = 32

// sessionID returns the stored name of a token: its SHA-256 in hex.
func sessionID(token string) string {
	sum := sha256.Sum256([]byte(token))
	return hex.EncodeToString(sum[:])
}

// SignIn checks an email and password and opens a session. addr is the
// client's address (as (*geo.Locator).ClientAddr finds it), "" when unknown; failed
// attempts are counted per email and per address, and once either passes
// its limit within the window SignIn returns a *LimitError without checking
// the password. A wrong password and an unknown email both return
// ErrInvalidCredentials, after the same amount of hashing. A success clears
// the email's count.
func (s *Service) SignIn(ctx context.Context, email, password, addr string) (Session, error) {
	key := emailKey(email)
	if len(key) > 254 {
		// No account has such an email (AddUser refuses it); answering
		// at once reveals nothing and keeps junk out of the counters.
		return Session{}, fmt.Errorf("accounts: sign in: %w", ErrInvalidCredentials)
	}
	scopes := []limitScope{{"account", "account:" + key, s.cfg.AccountLimit}}
	if a := addressScope(addr); a != "" {
		scopes = append(scopes, limitScope{"address", a, s.cfg.AddressLimit})
	}
	// Reserve a failure before hashing, so that a burst of parallel
	// guesses cannot all pass the check before any of them is counted.
	if err := s.reserveAll(ctx, scopes); err != nil {
		return Session{}, err
	}

	var hash string
	var u User
	var unverified bool
	u, err := scanUser(s.db.QueryRowContext(ctx, `SELECT `+userColumns+`, password_hash, email_unverified FROM users WHERE email_key = $1`, key), &hash, &unverified)
	known := err == nil
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return Session{}, fmt.Errorf("accounts: sign in: %w", err)
	}
	if !known {
		hash = s.dummyHash
	}
	ok := false
	if len(password) <= 4*MaxPasswordLength {
		ok, err = s.compareHash(ctx, password, hash)
		if err != nil {
			return Session{}, fmt.Errorf("accounts: sign in: check hash: %w", err)
		}
	}
	if !ok || !known {
		return Session{}, fmt.Errorf("accounts: sign in: %w", ErrInvalidCredentials)
	}
	if unverified {
		// Only the right password learns this, and it is its owner's
		// own sign-up.
		return Session{}, fmt.Errorf("accounts: sign in: %w", ErrUnverified)
	}
	// Success: forget the account's failures and give the address back
	// the attempt reserved for this one.
	if err := s.clear(ctx, scopes[0].key); err != nil {
		return Session{}, err
	}
	if len(scopes) > 1 {
		if err := s.release(ctx, scopes[1].key); err != nil {
			return Session{}, err
		}
	}
	if u.TwoFactor {
		return Session{}, s.secondFactor(ctx, u)
	}
	return s.openSession(ctx, u)
}

func (s *Service) openSession(ctx context.Context, u User) (Session, error) {
	b := make([]byte, tokenBytes)
	if _, err := rand.Read(b); err != nil {
		return Session{}, fmt.Errorf("accounts: session token: %w", err)
	}
	now := fromMillis(millis(s.now()))
	sess := Session{
		Token:     base64.RawURLEncoding.EncodeToString(b),
		User:      u,
		CreatedAt: now,
		ExpiresAt: now.Add(s.cfg.SessionTTL),
	}
	sess.ID = sessionID(sess.Token)
	_, err := s.db.ExecContext(ctx, `INSERT INTO sessions (id, user_id, created_at, expires_at) VALUES ($1, $2, $3, $4)`,
		sess.ID, u.ID, millis(sess.CreatedAt), millis(sess.ExpiresAt))
	if err != nil {
		return Session{}, fmt.Errorf("accounts: open session: %w", err)
	}
	return sess, nil
}

// Session returns the live session a token names, with its user and chosen
// profile. An unknown, signed-out or expired token is ErrNoSession
// (wrapped). The returned Session's Token is left empty.
func (s *Service) Session(ctx context.Context, token string) (Session, error) {
	if token == "" || len(token) > 256 {
		return Session{}, fmt.Errorf("accounts: session: %w", ErrNoSession)
	}
	id := sessionID(token)
	var sess Session
	var profile sql.NullInt64
	var created, expires int64
	now := s.now()
	var seen int64
	// The chosen profile comes in the same query: a key request (issue 9)
	// reads the session and the profile's maturity limit at each use, and
	// one read is what it can afford.
	var pID, pUser, pMaxAge, pCreated sql.NullInt64
	var pName, pLang, pSize, pBackground sql.NullString
	var pKids, pPIN sql.NullBool
	u, err := scanUser(s.db.QueryRowContext(ctx, `SELECT u.id, u.email, u.role, u.home_territory, u.created_at, u.totp_secret <> '',
			s.profile_id, s.created_at, s.expires_at, s.seen_at,
			p.id, p.user_id, p.name, p.language, p.max_age, p.kids, p.pin_hash <> '', p.created_at, p.caption_size, p.caption_background
		FROM sessions s JOIN users u ON u.id = s.user_id
		LEFT JOIN profiles p ON p.id = s.profile_id AND p.user_id = s.user_id
		WHERE s.id = $1 AND s.expires_at > $2 AND (CASE WHEN s.seen_at = 0 THEN s.created_at ELSE s.seen_at END) > $3`,
		id, millis(now), millis(now.Add(-s.cfg.SessionIdle))), &profile, &created, &expires, &seen,
		&pID, &pUser, &pName, &pLang, &pMaxAge, &pKids, &pPIN, &pCreated, &pSize, &pBackground)
	if errors.Is(err, sql.ErrNoRows) {
		return Session{}, fmt.Errorf("accounts: session: %w", ErrNoSession)
	}
	if err != nil {
		return Session{}, fmt.Errorf("accounts: session: %w", err)
	}
	sess.ID, sess.User, sess.ProfileID = id, u, profile.Int64
	if pID.Valid {
		sess.Profile = &Profile{ID: pID.Int64, UserID: pUser.Int64, Name: pName.String, Language: pLang.String, MaxAge: int(pMaxAge.Int64),
			Kids: pKids.Bool, HasPIN: pPIN.Bool, CreatedAt: fromMillis(pCreated.Int64), CaptionSize: pSize.String, CaptionBackground: pBackground.String}
	}
	sess.CreatedAt, sess.ExpiresAt = fromMillis(created), fromMillis(expires)
	// The idle clock moves at most once a minute, so that a page with
	// many requests writes once.
	if seen == 0 {
		seen = created
	}
	if now.Sub(fromMillis(seen)) > time.Minute {
		if _, err := s.db.ExecContext(ctx, `UPDATE sessions SET seen_at = $1 WHERE id = $2`, millis(now), id); err != nil {
			return Session{}, fmt.Errorf("accounts: session: %w", err)
		}
	}
	return sess, nil
}

// SignOut ends the session a token names. Signing out a session that does
// not exist (any more) is not an error.
func (s *Service) SignOut(ctx context.Context, token string) error {
	if _, err := s.db.ExecContext(ctx, `DELETE FROM sessions WHERE id = $1`, sessionID(token)); err != nil {
		return fmt.Errorf("accounts: sign out: %w", err)
	}
	return nil
}

// SignOutEverywhere ends every session of a user.
func (s *Service) SignOutEverywhere(ctx context.Context, userID int64) error {
	if _, err := s.db.ExecContext(ctx, `DELETE FROM sessions WHERE user_id = $1`, userID); err != nil {
		return fmt.Errorf("accounts: sign out everywhere: %w", err)
	}
	return nil
}

// SelectProfile makes profileID the current profile of the session a token
// names. The profile must belong to the session's user (otherwise an error
// wrapping store.ErrNotFound); a profile with a PIN needs it (a wrong one is
// ErrWrongPIN, too many a *LimitError, see CheckPIN). profileID 0 leaves the
// session without a profile (back to the picker).
func (s *Service) SelectProfile(ctx context.Context, token string, profileID int64, pin string) error {
	sess, err := s.Session(ctx, token)
	if err != nil {
		return err
	}
	if profileID != 0 {
		if err := s.CheckPIN(ctx, sess.User.ID, profileID, pin); err != nil {
			return err
		}
	}
	var arg any
	if profileID != 0 {
		arg = profileID
	}
	if _, err := s.db.ExecContext(ctx, `UPDATE sessions SET profile_id = $1 WHERE id = $2`, arg, sess.ID); err != nil {
		return fmt.Errorf("accounts: select profile: %w", err)
	}
	return nil
}

// Sweep deletes expired sessions and attempt counters whose window has
// closed, and returns how many rows it removed. Nothing depends on it for
// correctness (lookups check expiry); a periodic job calls it to keep the
// tables small.
func (s *Service) Sweep(ctx context.Context) (int64, error) {
	now := s.now()
	res, err := s.db.ExecContext(ctx, `DELETE FROM sessions WHERE expires_at <= $1`, millis(now))
	if err != nil {
		return 0, fmt.Errorf("accounts: sweep sessions: %w", err)
	}
	n, _ := res.RowsAffected()
	res, err = s.db.ExecContext(ctx, `DELETE FROM attempt_failures WHERE window_start <= $1`, millis(now.Add(-s.cfg.LimitWindow)))
	if err != nil {
		return n, fmt.Errorf("accounts: sweep attempts: %w", err)
	}
	m, _ := res.RowsAffected()
	return n + m, nil
}
