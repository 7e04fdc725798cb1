package playback

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
)

// Start begins (or continues) a stream: it decides entitlement as Entitle
// does, takes a stream lease for the viewer's account (or renews leaseID
// when the player already holds one, as it does when it refreshes its
// token), and signs a token bound to that lease. An account already
// playing MaxStreams streams is refused with ReasonStreamLimit, naming the
// profiles and devices playing. Without a DB no lease is taken.
func (s *Service) Start(ctx context.Context, v Viewer, titleID, leaseID int64) (Grant, error) {
	if v.ProfileID <= 0 {
		return Grant{}, errors.New("playback: start: no profile chosen")
	}
	if _, _, err := s.Check(ctx, v, titleID); err != nil {
		var de *DeniedError
		if leaseID > 0 && errors.As(err, &de) && de.Reason == ReasonNotAvailable {
			// A refresh of a stream that plays: say whether the viewer
			// moved or the window ended, as the heartbeat does.
			if granted, lerr := s.leaseTerritory(ctx, v, leaseID); lerr == nil && granted != "" {
				if rerr := s.recheck(ctx, v, titleID, granted); rerr != nil {
					return Grant{}, rerr
				}
			}
		}
		return Grant{}, err
	}
	if s.cfg.DB != nil {
		var err error
		if leaseID, err = s.lease(ctx, v, titleID, leaseID); err != nil {
			return Grant{}, err
		}
	}
	return s.entitle(ctx, v, titleID, leaseID)
}

// lease renews the viewer's lease leaseID when it is alive and theirs, or
// takes a free slot.
func (s *Service) lease(ctx context.Context, v Viewer, titleID, leaseID int64) (int64, error) {
	if v.UserID <= 0 || v.SessionID == "" {
		return 0, errors.New("playback: start: a stream lease needs the account and session")
	}
	now := s.cfg.Now().UnixMilli()
	alive := now - LeaseLapse.Milliseconds()
	if leaseID > 0 {
		res, err := s.cfg.DB.ExecContext(ctx, `UPDATE stream_leases SET renewed_at = $1, title_id = $2, territory = $3 WHERE id = $4 AND user_id = $5 AND session_id = $6 AND renewed_at > $7`,
			now, titleID, v.Territory, leaseID, v.UserID, v.SessionID, alive)
		if err != nil {
			return 0, fmt.Errorf("playback: renew lease: %w", err)
		}
		if n, _ := res.RowsAffected(); n == 1 {
			return leaseID, nil
		}
		// Lapsed or taken: try for a fresh one like any new stream.
	}
	for range 3 {
		if _, err := s.cfg.DB.ExecContext(ctx, `DELETE FROM stream_leases WHERE user_id = $1 AND renewed_at <= $2`, v.UserID, alive); err != nil {
			return 0, fmt.Errorf("playback: lease: %w", err)
		}
		playing, slots, err := s.playing(ctx, v.UserID, alive)
		if err != nil {
			return 0, err
		}
		slot := -1
		for i := range s.cfg.MaxStreams {
			if !slots[i] {
				slot = i
				break
			}
		}
		if slot < 0 {
			return 0, &DeniedError{Reason: ReasonStreamLimit, TitleID: titleID, Playing: playing}
		}
		var id int64
		err = s.cfg.DB.QueryRowContext(ctx, `INSERT INTO stream_leases (user_id, slot, session_id, profile_id, profile_name, device, title_id, territory, started_at, renewed_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $9) RETURNING id`,
			v.UserID, slot, v.SessionID, v.ProfileID, v.ProfileName, v.Device, titleID, v.Territory, now).Scan(&id)
		if s.cfg.DB.Dialect.IsUniqueViolation(err) {
			continue // another stream took the slot at the same instant
		}
		if err != nil {
			return 0, fmt.Errorf("playback: lease: %w", err)
		}
		return id, nil
	}
	playing, _, err := s.playing(ctx, v.UserID, alive)
	if err != nil {
		return 0, err
	}
	return 0, &DeniedError{Reason: ReasonStreamLimit, TitleID: titleID, Playing: playing}
}

// playing lists the account's live leases and the slots they hold.
func (s *Service) playing(ctx context.Context, userID, alive int64) ([]Stream, map[int]bool, error) {
	rows, err := s.cfg.DB.QueryContext(ctx, `SELECT slot, profile_name, device FROM stream_leases WHERE user_id = $1 AND renewed_at > $2 ORDER BY started_at, id`, userID, alive)
	if err != nil {
		return nil, nil, fmt.Errorf("playback: leases: %w", err)
	}
	defer rows.Close()
	var out []Stream
	slots := map[int]bool{}
	for rows.Next() {
		var slot int
		var st Stream
		if err := rows.Scan(&slot, &st.Profile, &st.Device); err != nil {
			return nil, nil, fmt.Errorf("playback: leases: %w", err)
		}
		slots[slot] = true
		out = append(out, st)
	}
	return out, slots, rows.Err()
}

// Heartbeat renews a stream's lease and decides again, from what is true
// now, whether the stream may go on: the profile's maturity limit and the
// title's availability in the viewer's current territory. A refusal (the
// viewer moved to a country outside the license, the window ended, the
// lease lapsed or belongs to another session) is a *DeniedError, and the
// lease is released so another stream may start.
func (s *Service) Heartbeat(ctx context.Context, v Viewer, titleID, leaseID int64) error {
	granted, err := s.leaseTerritory(ctx, v, leaseID)
	if err != nil {
		return err
	}
	if err := s.recheck(ctx, v, titleID, granted); err != nil {
		s.Stop(ctx, v, leaseID)
		return err
	}
	if s.cfg.DB == nil || leaseID <= 0 {
		return nil
	}
	now := s.cfg.Now().UnixMilli()
	res, err := s.cfg.DB.ExecContext(ctx, `UPDATE stream_leases SET renewed_at = $1 WHERE id = $2 AND user_id = $3 AND session_id = $4 AND renewed_at > $5`,
		now, leaseID, v.UserID, v.SessionID, now-LeaseLapse.Milliseconds())
	if err != nil {
		return fmt.Errorf("playback: heartbeat: %w", err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return &DeniedError{Reason: ReasonLease, TitleID: titleID}
	}
	return nil
}

// Stop releases a stream's lease (the player stopped or the page closed).
// Stopping a lease that is gone is not an error.
func (s *Service) Stop(ctx context.Context, v Viewer, leaseID int64) error {
	if s.cfg.DB == nil || leaseID <= 0 {
		return nil
	}
	if _, err := s.cfg.DB.ExecContext(ctx, `DELETE FROM stream_leases WHERE id = $1 AND user_id = $2`, leaseID, v.UserID); err != nil {
		return fmt.Errorf("playback: stop: %w", err)
	}
	return nil
}

// leaseAlive reports whether a lease is live and held by session.
func (s *Service) leaseAlive(ctx context.Context, leaseID int64, session string) (bool, error) {
	var one int
	err := s.cfg.DB.QueryRowContext(ctx, `SELECT 1 FROM stream_leases WHERE id = $1 AND session_id = $2 AND renewed_at > $3`,
		leaseID, session, s.cfg.Now().UnixMilli()-LeaseLapse.Milliseconds()).Scan(&one)
	if errors.Is(err, sql.ErrNoRows) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("playback: lease: %w", err)
	}
	return true, nil
}

// Device names a browser and system from a User-Agent for people ("Firefox
// on Linux", "Chrome on Android"), or "a device" when it cannot tell.
func Device(userAgent string) string {
	ua := strings.ToLower(userAgent)
	pick := func(pairs ...string) string {
		for i := 0; i < len(pairs); i += 2 {
			if strings.Contains(ua, pairs[i]) {
				return pairs[i+1]
			}
		}
		return ""
	}
	browser := pick("edg/", "Edge", "firefox/", "Firefox", "chrome/", "Chrome", "chromium/", "Chromium", "safari/", "Safari",
		"ffmpeg", "ffmpeg", "lavf/", "ffmpeg", "curl/", "curl", "go-http-client", "a program")
	system := pick("android", "Android", "iphone", "iPhone", "ipad", "iPad", "windows", "Windows", "mac os", "macOS", "cros", "ChromeOS", "linux", "Linux")
	switch {
	case browser != "" && system != "":
		return browser + " on " + system
	case browser != "":
		return browser
	case system != "":
		return "a device on " + system
	}
	return "a device"
}

// leaseTerritory is the country a stream was started in, "" when the lease
// is unknown.
func (s *Service) leaseTerritory(ctx context.Context, v Viewer, leaseID int64) (string, error) {
	if s.cfg.DB == nil || leaseID <= 0 {
		return "", nil
	}
	var granted string
	err := s.cfg.DB.QueryRowContext(ctx, `SELECT territory FROM stream_leases WHERE id = $1 AND user_id = $2`, leaseID, v.UserID).Scan(&granted)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return "", fmt.Errorf("playback: lease: %w", err)
	}
	return granted, nil
}
