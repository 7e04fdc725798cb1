package accounts

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/lineup/lineup/internal/store"
)

// The parental PIN (issue 10 row 1) stands in for the account's password
// where the account holder must show they are the holder: adding a
// profile, changing one, raising a maturity limit. A parent can then do
// these on a shared TV without typing the password in front of the family.

// ErrWrongHolderSecret says neither the password nor the parental PIN was
// given right.
var ErrWrongHolderSecret = errors.New("enter the account's password or its parental PIN")

// SetParentalPIN sets the account's 4-digit parental PIN, or removes it
// when pin is "", after checking the account's password (errors as for
// CheckPassword). A PIN that is not four digits is a *FieldError.
func (s *Service) SetParentalPIN(ctx context.Context, userID int64, password, pin string) error {
	hash := ""
	if pin != "" {
		if err := checkPIN(pin); err != nil {
			fe := err.(*FieldError)
			fe.Field = "parental_pin"
			return fe
		}
	}
	if err := s.CheckPassword(ctx, userID, password); err != nil {
		return err
	}
	if pin != "" {
		var err error
		if hash, err = s.createHash(ctx, pin); err != nil {
			return fmt.Errorf("accounts: hash PIN: %w", err)
		}
	}
	res, err := s.db.ExecContext(ctx, `UPDATE users SET parental_pin_hash = $1 WHERE id = $2`, hash, userID)
	if err != nil {
		return fmt.Errorf("accounts: set parental PIN: %w", err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return fmt.Errorf("accounts: set parental PIN of user %d: %w", userID, store.ErrNotFound)
	}
	return s.clear(ctx, parentalScope(userID))
}

// HasParentalPIN reports whether the account has a parental PIN.
func (s *Service) HasParentalPIN(ctx context.Context, userID int64) (bool, error) {
	var hash string
	err := s.db.QueryRowContext(ctx, `SELECT parental_pin_hash FROM users WHERE id = $1`, userID).Scan(&hash)
	if errors.Is(err, sql.ErrNoRows) {
		return false, fmt.Errorf("accounts: user %d: %w", userID, store.ErrNotFound)
	}
	if err != nil {
		return false, fmt.Errorf("accounts: parental PIN: %w", err)
	}
	return hash != "", nil
}

func parentalScope(userID int64) string { return fmt.Sprintf("parental:%d", userID) }

// CheckHolder accepts the account's password or, when the account has one
// and secret is four digits, its parental PIN. Wrong passwords count as in
// CheckPassword; wrong PINs as a profile's PINs do (Config.PINLimit per
// window, then a *LimitError). Either wrong one is ErrWrongHolderSecret
// (wrapped), and errors.Is(err, ErrInvalidCredentials) also holds.
func (s *Service) CheckHolder(ctx context.Context, userID int64, secret string) error {
	var hash string
	err := s.db.QueryRowContext(ctx, `SELECT parental_pin_hash FROM users WHERE id = $1`, userID).Scan(&hash)
	if errors.Is(err, sql.ErrNoRows) {
		return fmt.Errorf("accounts: user %d: %w", userID, store.ErrNotFound)
	}
	if err != nil {
		return fmt.Errorf("accounts: check holder: %w", err)
	}
	if hash == "" || checkPIN(secret) != nil {
		err := s.CheckPassword(ctx, userID, secret)
		if errors.Is(err, ErrInvalidCredentials) {
			return fmt.Errorf("accounts: check holder: %w: %w", ErrWrongHolderSecret, err)
		}
		return err
	}
	sc := limitScope{kind: "pin", key: parentalScope(userID), limit: s.cfg.PINLimit}
	if err := s.hit(ctx, sc); err != nil {
		return err
	}
	ok, err := s.compareHash(ctx, secret, hash)
	if err != nil {
		return fmt.Errorf("accounts: check parental PIN: %w", err)
	}
	if !ok {
		return fmt.Errorf("accounts: check holder: %w: %w", ErrWrongHolderSecret, ErrInvalidCredentials)
	}
	return s.clear(ctx, sc.key)
}
