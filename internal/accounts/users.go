package accounts

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/lineup/lineup/internal/store"
)

// NewUser is what it takes to create an account.
type NewUser struct {
	Email    string
	Password string
	// Role is RoleViewer when empty. SignUp ignores it and always makes a
	// viewer.
	Role Role
	// HomeTerritory is one ISO 3166-1 alpha-2 code, or "" when unknown.
	HomeTerritory string
}

// SignUp creates a viewer account, if the operator lets people sign up
// (Config.SignUpOpen); otherwise it returns ErrSignUpClosed. Until an
// administrator exists it returns ErrNotSetUp (see AddFirstAdmin). Invalid input
// is a *FieldError; an email already registered, in any case, is a
// *FieldError wrapping ErrEmailTaken. SignUp creates no profile and signs no
// one in: the caller follows with AddProfile and SignIn.
func (s *Service) SignUp(ctx context.Context, nu NewUser) (User, error) {
	if !s.cfg.SignUpOpen {
		return User{}, fmt.Errorf("accounts: sign up: %w", ErrSignUpClosed)
	}
	if ok, err := s.HasAdmin(ctx); err != nil {
		return User{}, err
	} else if !ok {
		return User{}, fmt.Errorf("accounts: sign up: %w", ErrNotSetUp)
	}
	nu.Role = RoleViewer
	u, err := s.AddUser(ctx, nu)
	if err != nil || !s.cfg.VerifyEmail {
		return u, err
	}
	if _, err := s.db.ExecContext(ctx, `UPDATE users SET email_unverified = TRUE WHERE id = $1`, u.ID); err != nil {
		return User{}, fmt.Errorf("accounts: sign up: %w", err)
	}
	return u, nil
}

// AddUser creates an account whether or not sign-up is open; it is what
// `lineup user add` calls. Errors are as for SignUp.
func (s *Service) AddUser(ctx context.Context, nu NewUser) (User, error) {
	return s.addUser(ctx, s.db, nu)
}

// addUser is AddUser writing through q (the database or a transaction).
func (s *Service) addUser(ctx context.Context, q interface {
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}, nu NewUser) (User, error) {
	email, key, err := checkEmail(nu.Email)
	if err != nil {
		return User{}, err
	}
	if err := s.checkNewPassword(ctx, nu.Password, email); err != nil {
		return User{}, err
	}
	role, err := checkRole(nu.Role)
	if err != nil {
		return User{}, err
	}
	home, err := checkHome("home_territory", nu.HomeTerritory)
	if err != nil {
		return User{}, err
	}
	hash, err := s.createHash(ctx, nu.Password)
	if err != nil {
		return User{}, fmt.Errorf("accounts: hash password: %w", err)
	}
	u := User{Email: email, Role: role, HomeTerritory: home, CreatedAt: fromMillis(millis(s.now()))}
	err = q.QueryRowContext(ctx, `INSERT INTO users (email, email_key, password_hash, role, home_territory, created_at)
		VALUES ($1, $2, $3, $4, $5, $6) RETURNING id`,
		email, key, hash, string(role), home, millis(u.CreatedAt)).Scan(&u.ID)
	if s.db.Dialect.IsUniqueViolation(err) {
		fe := fieldErr("email", email, ErrEmailTaken.Error())
		fe.Err = ErrEmailTaken
		return User{}, fe
	}
	if err != nil {
		return User{}, fmt.Errorf("accounts: add user: %w", err)
	}
	return u, nil
}

const userColumns = `id, email, role, home_territory, created_at, totp_secret <> ''`

func scanUser(row interface{ Scan(...any) error }, extra ...any) (User, error) {
	var u User
	var role string
	var created int64
	if err := row.Scan(append([]any{&u.ID, &u.Email, &role, &u.HomeTerritory, &created, &u.TwoFactor}, extra...)...); err != nil {
		return User{}, err
	}
	u.Role, u.CreatedAt = Role(role), fromMillis(created)
	return u, nil
}

// User returns the user with the given ID, or an error wrapping
// store.ErrNotFound.
func (s *Service) User(ctx context.Context, id int64) (User, error) {
	u, err := scanUser(s.db.QueryRowContext(ctx, `SELECT `+userColumns+` FROM users WHERE id = $1`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return User{}, fmt.Errorf("accounts: user %d: %w", id, store.ErrNotFound)
	}
	if err != nil {
		return User{}, fmt.Errorf("accounts: user %d: %w", id, err)
	}
	return u, nil
}

// UserByEmail returns the user with the email, matched without regard to
// case, or an error wrapping store.ErrNotFound. It is for operators (the
// CLI); sign-in never reveals whether an email is registered.
func (s *Service) UserByEmail(ctx context.Context, email string) (User, error) {
	u, err := scanUser(s.db.QueryRowContext(ctx, `SELECT `+userColumns+` FROM users WHERE email_key = $1`, emailKey(email)))
	if errors.Is(err, sql.ErrNoRows) {
		return User{}, fmt.Errorf("accounts: user with that email: %w", store.ErrNotFound)
	}
	if err != nil {
		return User{}, fmt.Errorf("accounts: user by email: %w", err)
	}
	return u, nil
}

// SetPassword replaces a user's password and signs the user out of every
// session. A missing user is an error wrapping store.ErrNotFound; a weak
// password a *FieldError.
func (s *Service) SetPassword(ctx context.Context, userID int64, password string) error {
	if err := s.checkNewPassword(ctx, password, ""); err != nil {
		return err
	}
	hash, err := s.createHash(ctx, password)
	if err != nil {
		return fmt.Errorf("accounts: hash password: %w", err)
	}
	return s.db.InTx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE users SET password_hash = $1 WHERE id = $2`, hash, userID)
		if err != nil {
			return fmt.Errorf("accounts: set password: %w", err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return fmt.Errorf("accounts: set password of user %d: %w", userID, store.ErrNotFound)
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM sessions WHERE user_id = $1`, userID); err != nil {
			return fmt.Errorf("accounts: end sessions: %w", err)
		}
		return nil
	})
}

// SetHomeTerritory records the user's country of residence ("" for
// unknown). An invalid code is a *FieldError; a missing user an error
// wrapping store.ErrNotFound.
func (s *Service) SetHomeTerritory(ctx context.Context, userID int64, code string) error {
	home, err := checkHome("home_territory", code)
	if err != nil {
		return err
	}
	res, err := s.db.ExecContext(ctx, `UPDATE users SET home_territory = $1 WHERE id = $2`, home, userID)
	if err != nil {
		return fmt.Errorf("accounts: set home territory: %w", err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return fmt.Errorf("accounts: set home territory of user %d: %w", userID, store.ErrNotFound)
	}
	return nil
}

// SetRole gives a user a role. A missing user is an error wrapping
// store.ErrNotFound; an unknown role a *FieldError.
func (s *Service) SetRole(ctx context.Context, userID int64, role Role) error {
	r, err := checkRole(role)
	if err != nil {
		return err
	}
	res, err := s.db.ExecContext(ctx, `UPDATE users SET role = $1 WHERE id = $2`, string(r), userID)
	if err != nil {
		return fmt.Errorf("accounts: set role: %w", err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return fmt.Errorf("accounts: set role of user %d: %w", userID, store.ErrNotFound)
	}
	return nil
}

// CheckPassword checks a signed-in user's password again before something
// only the account holder may do (adding or changing a profile, changing
// the password). A wrong one is ErrInvalidCredentials (wrapped); wrong ones
// count against the account as failed sign-ins do, and past the limit
// CheckPassword returns a *LimitError without checking.
func (s *Service) CheckPassword(ctx context.Context, userID int64, password string) error {
	var hash, key string
	err := s.db.QueryRowContext(ctx, `SELECT password_hash, email_key FROM users WHERE id = $1`, userID).Scan(&hash, &key)
	if errors.Is(err, sql.ErrNoRows) {
		return fmt.Errorf("accounts: check password of user %d: %w", userID, store.ErrNotFound)
	}
	if err != nil {
		return fmt.Errorf("accounts: check password: %w", err)
	}
	sc := limitScope{"account", "account:" + key, s.cfg.AccountLimit}
	if err := s.reserveAll(ctx, []limitScope{sc}); err != nil {
		return err
	}
	ok := false
	if password != "" && len(password) <= 4*MaxPasswordLength {
		if ok, err = s.compareHash(ctx, password, hash); err != nil {
			return fmt.Errorf("accounts: check password: %w", err)
		}
	}
	if !ok {
		return fmt.Errorf("accounts: check password: %w", ErrInvalidCredentials)
	}
	return s.clear(ctx, sc.key)
}
