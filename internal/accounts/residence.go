package accounts

import (
	"context"
	"fmt"
	"time"
)

// The EU portability rule (Regulation 2017/1128) lets a subscriber who
// lives in one member state watch that state's catalogue while travelling
// in another; the service must verify the member state of residence. The
// evidence kept here is the country each sign-in came from, by day; the
// claim is re-checked at every sign-in.

// ResidenceDays is how many of the latest days with a sign-in, all from one
// country other than home, say that the subscriber lives there now.
const ResidenceDays = 5

// ResidenceWindow is how far back the evidence is read.
const ResidenceWindow = 90 * 24 * time.Hour

// Evidence is the sign-ins of one day from one country.
type Evidence struct {
	Country string `json:"country"`
	Day     string `json:"day"` // YYYY-MM-DD, UTC
	SignIns int    `json:"sign_ins"`
}

// LivesElsewhere applies the residence rule to the evidence, newest day
// first: when the latest ResidenceDays days with a sign-in all came from
// one country and it is not home, the subscriber lives there, and it is
// returned with true. A day with sign-ins from several countries, or too
// few days, keep the home claim.
func LivesElsewhere(home string, newestFirst []Evidence) (string, bool) {
	days := map[string][]string{}
	var order []string
	for _, e := range newestFirst {
		if _, ok := days[e.Day]; !ok {
			order = append(order, e.Day)
		}
		days[e.Day] = append(days[e.Day], e.Country)
	}
	if len(order) < ResidenceDays {
		return "", false
	}
	country := ""
	for _, d := range order[:ResidenceDays] {
		cs := days[d]
		if len(cs) != 1 || (country != "" && cs[0] != country) {
			return "", false
		}
		country = cs[0]
	}
	if country == home {
		return "", false
	}
	return country, true
}

// CheckResidence records that the user signed in from country (the
// detected one; "" records nothing) and re-checks the home claim: when the
// evidence says the user lives elsewhere, the home territory becomes that
// country (the portability claim lapses) and the updated user is returned.
func (s *Service) CheckResidence(ctx context.Context, u User, country string) (User, error) {
	if country == "" {
		return u, nil
	}
	now := s.now().UTC()
	if _, err := s.db.ExecContext(ctx, `INSERT INTO residence_evidence (user_id, country, day, sign_ins) VALUES ($1, $2, $3, 1)
		ON CONFLICT (user_id, country, day) DO UPDATE SET sign_ins = residence_evidence.sign_ins + 1`,
		u.ID, country, now.Format(time.DateOnly)); err != nil {
		return u, fmt.Errorf("accounts: record residence: %w", err)
	}
	ev, err := s.Residence(ctx, u.ID)
	if err != nil {
		return u, err
	}
	if where, ok := LivesElsewhere(u.HomeTerritory, ev); ok && u.HomeTerritory != "" {
		if err := s.SetHomeTerritory(ctx, u.ID, where); err != nil {
			return u, err
		}
		u.HomeTerritory = where
	}
	return u, nil
}

// Residence returns a user's evidence of residence of the last
// ResidenceWindow, newest day first.
func (s *Service) Residence(ctx context.Context, userID int64) ([]Evidence, error) {
	since := s.now().UTC().Add(-ResidenceWindow).Format(time.DateOnly)
	rows, err := s.db.QueryContext(ctx, `SELECT country, day, sign_ins FROM residence_evidence
		WHERE user_id = $1 AND day >= $2 ORDER BY day DESC, country`, userID, since)
	if err != nil {
		return nil, fmt.Errorf("accounts: residence: %w", err)
	}
	defer rows.Close()
	var out []Evidence
	for rows.Next() {
		var e Evidence
		if err := rows.Scan(&e.Country, &e.Day, &e.SignIns); err != nil {
			return nil, fmt.Errorf("accounts: residence: %w", err)
		}
		out = append(out, e)
	}
	return out, rows.Err()
}
