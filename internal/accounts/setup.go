package accounts

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
)

// First run (issue 10 item 4): a service with no administrator takes no
// sign-ups; its first administrator is made through the one-time setup
// link that `lineup serve` prints (AddFirstAdmin), or by the operator with
// `lineup user add --admin`.

var (
	// ErrNotSetUp is SignUp's answer while no administrator exists.
	ErrNotSetUp = errors.New("this service is not set up yet: its operator must first create the administrator's account (lineup serve printed a setup link), then sign-up opens")
	// ErrAlreadySetUp is AddFirstAdmin's answer once an administrator
	// exists.
	ErrAlreadySetUp = errors.New("this service already has an administrator: sign in, or ask the administrator for an account")
)

// HasAdmin reports whether any account has the admin role.
func (s *Service) HasAdmin(ctx context.Context) (bool, error) {
	var n int
	if err := s.db.QueryRowContext(ctx, `SELECT COUNT(*) FROM (SELECT 1 FROM users WHERE role = 'admin' LIMIT 1) AS a`).Scan(&n); err != nil {
		return false, fmt.Errorf("accounts: look for an admin: %w", err)
	}
	return n > 0, nil
}

// AddFirstAdmin creates the first administrator, under the same rules as
// AddUser; once an administrator exists it returns ErrAlreadySetUp
// (wrapped) and creates nothing. Concurrent calls make at most one, on one
// node or several: the account is written in the transaction that claims
// the database's single first_admin row.
func (s *Service) AddFirstAdmin(ctx context.Context, nu NewUser) (User, error) {
	s.setupMu.Lock()
	defer s.setupMu.Unlock()
	ok, err := s.HasAdmin(ctx)
	if err != nil {
		return User{}, err
	}
	if ok {
		return User{}, fmt.Errorf("accounts: first admin: %w", ErrAlreadySetUp)
	}
	nu.Role = RoleAdmin
	var u User
	err = s.db.InTx(ctx, func(tx *sql.Tx) error {
		var err error
		if u, err = s.addUser(ctx, tx, nu); err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, `INSERT INTO first_admin (id, user_id, created_at) VALUES (1, $1, $2)`, u.ID, millis(s.now()))
		if s.db.Dialect.IsUniqueViolation(err) {
			return fmt.Errorf("accounts: first admin: %w", ErrAlreadySetUp)
		}
		return err
	})
	if err != nil {
		return User{}, err
	}
	return u, nil
}
