package accounts

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/lineup/lineup/internal/store"
)

// Profile is one viewer of an account, with their own language, maturity
// limit, My List and progress.
type Profile struct {
	ID     int64  `json:"id"`
	UserID int64  `json:"user_id"`
	Name   string `json:"name"`
	// Language is a canonical BCP-47 tag; it picks localized titles and
	// synopses, falling back to the original.
	Language string `json:"language"`
	// MaxAge is the maturity limit: the profile sees and plays only titles
	// whose MinAge is at most this. MaxMaturity means no limit.
	MaxAge int `json:"max_age"`
	// Kids marks a kids profile (MaxAge at most KidsMaxMaturity); pages may
	// look different for it.
	Kids bool `json:"kids"`
	// HasPIN says the profile is locked by a PIN; the PIN itself is kept
	// only as a hash.
	HasPIN    bool      `json:"has_pin"`
	CreatedAt time.Time `json:"created_at"`
	// CaptionSize ("small", "medium", "large") and CaptionBackground
	// ("box", "none") are how the profile wants subtitles drawn.
	CaptionSize       string `json:"caption_size"`
	CaptionBackground string `json:"caption_background"`
}

// Allows reports whether a title with the given minimum age is within the
// profile's maturity limit. Rows, search, title pages and playback all ask
// it, so a kids profile sees only what it may.
func (p Profile) Allows(minAge int) bool { return minAge <= p.MaxAge }

// ProfileInput is what a profile is made of. Name and Language are
// required; MaxAge runs from 0 to MaxMaturity (at most KidsMaxMaturity when
// Kids); PIN is "" or exactly four digits.
type ProfileInput struct {
	Name     string
	Language string
	MaxAge   int
	Kids     bool
	// PIN is used by AddProfile only; UpdateProfile leaves the PIN alone
	// (see SetPIN).
	PIN string
}

// AddProfile adds a profile to a user's account. A user who already has
// MaxProfiles profiles gets ErrTooManyProfiles (wrapped); invalid input is
// a *FieldError; a missing user an error wrapping store.ErrNotFound. The
// count is checked under a lock on the user, so two concurrent requests
// cannot make a sixth profile.
func (s *Service) AddProfile(ctx context.Context, userID int64, in ProfileInput) (Profile, error) {
	in, err := checkProfile(in)
	if err != nil {
		return Profile{}, err
	}
	pinHash := ""
	if in.PIN != "" {
		if pinHash, err = s.createHash(ctx, in.PIN); err != nil {
			return Profile{}, fmt.Errorf("accounts: hash PIN: %w", err)
		}
	}
	p := Profile{UserID: userID, Name: in.Name, Language: in.Language, MaxAge: in.MaxAge, Kids: in.Kids, CaptionSize: "medium", CaptionBackground: "box",
		HasPIN: pinHash != "", CreatedAt: fromMillis(millis(s.now()))}
	err = s.db.InTx(ctx, func(tx *sql.Tx) error {
		lock := `SELECT id FROM users WHERE id = $1`
		if s.db.Dialect == store.Postgres {
			lock += ` FOR UPDATE`
		}
		var id int64
		if err := tx.QueryRowContext(ctx, lock, userID).Scan(&id); errors.Is(err, sql.ErrNoRows) {
			return fmt.Errorf("accounts: add profile to user %d: %w", userID, store.ErrNotFound)
		} else if err != nil {
			return fmt.Errorf("accounts: add profile: %w", err)
		}
		var n int
		if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM profiles WHERE user_id = $1`, userID).Scan(&n); err != nil {
			return fmt.Errorf("accounts: add profile: %w", err)
		}
		if n >= MaxProfiles {
			return fmt.Errorf("accounts: add profile: %w", ErrTooManyProfiles)
		}
		return tx.QueryRowContext(ctx, `INSERT INTO profiles (user_id, name, language, max_age, kids, pin_hash, created_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id`,
			userID, p.Name, p.Language, p.MaxAge, p.Kids, pinHash, millis(p.CreatedAt)).Scan(&p.ID)
	})
	if err != nil {
		return Profile{}, err
	}
	return p, nil
}

const profileColumns = `id, user_id, name, language, max_age, kids, pin_hash <> '', created_at, caption_size, caption_background`

func scanProfile(row interface{ Scan(...any) error }) (Profile, error) {
	var p Profile
	var created int64
	if err := row.Scan(&p.ID, &p.UserID, &p.Name, &p.Language, &p.MaxAge, &p.Kids, &p.HasPIN, &created, &p.CaptionSize, &p.CaptionBackground); err != nil {
		return Profile{}, err
	}
	p.CreatedAt = fromMillis(created)
	return p, nil
}

// Profiles returns a user's profiles in the order they were made (the
// picker's order). A user without profiles, or no such user, gives none.
func (s *Service) Profiles(ctx context.Context, userID int64) ([]Profile, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT `+profileColumns+` FROM profiles WHERE user_id = $1 ORDER BY id`, userID)
	if err != nil {
		return nil, fmt.Errorf("accounts: profiles: %w", err)
	}
	defer rows.Close()
	var out []Profile
	for rows.Next() {
		p, err := scanProfile(rows)
		if err != nil {
			return nil, fmt.Errorf("accounts: profiles: %w", err)
		}
		out = append(out, p)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("accounts: profiles: %w", err)
	}
	return out, nil
}

// Profile returns one profile of a user. A profile that does not exist or
// belongs to another user is an error wrapping store.ErrNotFound, so one
// account can never reach another's profiles.
func (s *Service) Profile(ctx context.Context, userID, profileID int64) (Profile, error) {
	p, err := scanProfile(s.db.QueryRowContext(ctx, `SELECT `+profileColumns+` FROM profiles WHERE id = $1 AND user_id = $2`, profileID, userID))
	if errors.Is(err, sql.ErrNoRows) {
		return Profile{}, fmt.Errorf("accounts: profile %d: %w", profileID, store.ErrNotFound)
	}
	if err != nil {
		return Profile{}, fmt.Errorf("accounts: profile %d: %w", profileID, err)
	}
	return p, nil
}

// UpdateProfile changes a profile's name, language, maturity limit and
// kids flag (not its PIN: see SetPIN). Errors are as for Profile and
// AddProfile.
func (s *Service) UpdateProfile(ctx context.Context, userID, profileID int64, in ProfileInput) (Profile, error) {
	in.PIN = ""
	in, err := checkProfile(in)
	if err != nil {
		return Profile{}, err
	}
	res, err := s.db.ExecContext(ctx, `UPDATE profiles SET name = $1, language = $2, max_age = $3, kids = $4 WHERE id = $5 AND user_id = $6`,
		in.Name, in.Language, in.MaxAge, in.Kids, profileID, userID)
	if err != nil {
		return Profile{}, fmt.Errorf("accounts: update profile: %w", err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return Profile{}, fmt.Errorf("accounts: update profile %d: %w", profileID, store.ErrNotFound)
	}
	return s.Profile(ctx, userID, profileID)
}

// Caption sizes and backgrounds a profile may choose.
var (
	CaptionSizes       = []string{"small", "medium", "large"}
	CaptionBackgrounds = []string{"box", "none"}
)

// SetCaptionStyle sets how a profile's subtitles are drawn: size is one of
// CaptionSizes, background one of CaptionBackgrounds; anything else is a
// *FieldError and changes nothing. Errors are otherwise as for Profile.
func (s *Service) SetCaptionStyle(ctx context.Context, userID, profileID int64, size, background string) error {
	if !slices.Contains(CaptionSizes, size) {
		return fieldErr("caption_size", size, "caption size must be small, medium or large")
	}
	if !slices.Contains(CaptionBackgrounds, background) {
		return fieldErr("caption_background", background, "caption background must be box or none")
	}
	res, err := s.db.ExecContext(ctx, `UPDATE profiles SET caption_size = $1, caption_background = $2 WHERE id = $3 AND user_id = $4`,
		size, background, profileID, userID)
	if err != nil {
		return fmt.Errorf("accounts: set caption style: %w", err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return fmt.Errorf("accounts: set caption style of profile %d: %w", profileID, store.ErrNotFound)
	}
	return nil
}

// DeleteProfile removes a profile with its My List and progress; sessions
// that had chosen it go back to the picker. Errors are as for Profile.
func (s *Service) DeleteProfile(ctx context.Context, userID, profileID int64) error {
	res, err := s.db.ExecContext(ctx, `DELETE FROM profiles WHERE id = $1 AND user_id = $2`, profileID, userID)
	if err != nil {
		return fmt.Errorf("accounts: delete profile: %w", err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return fmt.Errorf("accounts: delete profile %d: %w", profileID, store.ErrNotFound)
	}
	return nil
}

// SetPIN sets a profile's 4-digit PIN, or removes it when pin is "".
// Errors are as for Profile; a PIN that is not four digits is a
// *FieldError.
func (s *Service) SetPIN(ctx context.Context, userID, profileID int64, pin string) error {
	hash := ""
	if pin != "" {
		if err := checkPIN(pin); err != nil {
			return err
		}
		var err error
		if hash, err = s.createHash(ctx, pin); err != nil {
			return fmt.Errorf("accounts: hash PIN: %w", err)
		}
	}
	res, err := s.db.ExecContext(ctx, `UPDATE profiles SET pin_hash = $1 WHERE id = $2 AND user_id = $3`, hash, profileID, userID)
	if err != nil {
		return fmt.Errorf("accounts: set PIN: %w", err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return fmt.Errorf("accounts: set PIN of profile %d: %w", profileID, store.ErrNotFound)
	}
	if err := s.clear(ctx, pinScope(profileID)); err != nil {
		return err
	}
	return nil
}

func pinScope(profileID int64) string { return fmt.Sprintf("pin:%d", profileID) }

// CheckPIN checks the PIN of one of a user's profiles. A profile without a
// PIN accepts any (including ""). A wrong PIN is ErrWrongPIN (wrapped);
// after Config.PINLimit wrong PINs within the window every try is a
// *LimitError until the window closes, right PIN or not. A right PIN clears
// the count. A profile not of this user is an error wrapping
// store.ErrNotFound.
func (s *Service) CheckPIN(ctx context.Context, userID, profileID int64, pin string) error {
	var hash string
	err := s.db.QueryRowContext(ctx, `SELECT pin_hash FROM profiles WHERE id = $1 AND user_id = $2`, profileID, userID).Scan(&hash)
	if errors.Is(err, sql.ErrNoRows) {
		return fmt.Errorf("accounts: profile %d: %w", profileID, store.ErrNotFound)
	}
	if err != nil {
		return fmt.Errorf("accounts: check PIN: %w", err)
	}
	if hash == "" {
		return nil
	}
	sc := limitScope{kind: "pin", key: pinScope(profileID), limit: s.cfg.PINLimit}
	if err := s.hit(ctx, sc); err != nil {
		return err
	}
	ok := false
	if len(pin) == 4 {
		if ok, err = s.compareHash(ctx, pin, hash); err != nil {
			return fmt.Errorf("accounts: check PIN: %w", err)
		}
	}
	if !ok {
		return fmt.Errorf("accounts: profile %d: %w", profileID, ErrWrongPIN)
	}
	return s.clear(ctx, sc.key)
}
