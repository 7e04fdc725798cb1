// Package webhook tells an outside HTTP endpoint about licenses: created,
// amended, terminated, withdrawn, opening in N days and leaving in N days
// (rights.Event). Each event is one River job, so a receiver that is down
// or answers with an error gets the event again later, with River's
// backoff, until MaxAttempts; the job survives restarts.
//
// A delivery is a POST of the event as JSON with these headers:
//
//	Content-Type: application/json
//	X-Lineup-Event: license.amended
//	X-Lineup-Delivery: <the job's id; the same on every retry>
//	X-Lineup-Timestamp: <unix seconds when this attempt was sent>
//	X-Lineup-Signature: sha256=<hex HMAC-SHA256 of "<timestamp>.<body>" with the secret>
//
// Receivers check the signature with Verify and refuse old timestamps, so a
// captured delivery cannot be replayed later. Any 2xx answer is success;
// 410 Gone drops the event; anything else is retried.
//
// Opening and leaving events come from a scan job that runs every hour and
// asks rights for the windows whose start or last day entered the notice
// period since the last scan. Delivery is at least once: a receiver should
// ignore a delivery id it has seen.
package webhook

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"strconv"
	"time"

	"github.com/riverqueue/river"

	"github.com/lineup/lineup/internal/jobs"
	"github.com/lineup/lineup/internal/rights"
)

// MaxAttempts is how many times one event is tried before River discards
// it (with River's default backoff, the last try comes about three days
// after the first).
const MaxAttempts = 12

// ScanEvery is how often the opening and leaving scan runs.
const ScanEvery = time.Hour

// Rights is what the scan asks the rights domain: *rights.Service
// satisfies it.
type Rights interface {
	Upcoming(ctx context.Context, from, to time.Time, days int) ([]rights.Event, error)
}

// Config configures a Sender.
type Config struct {
	// URL receives the POSTs: http or https. Required.
	URL string
	// Secret signs every delivery. Required: an unsigned webhook could be
	// forged by anyone who finds the receiver.
	Secret string
	// NoticeDays is N of "opening in N days" and "leaving in N days"; 0
	// means 7, a negative value turns those events off.
	NoticeDays int
	// Client sends the POSTs; nil means a client with a 10-second timeout.
	Client *http.Client
	// Log receives a line per failed attempt; nil discards.
	Log *slog.Logger
	// Now returns the current instant; nil means time.Now.
	Now func() time.Time
}

// Sender queues and delivers events. It is safe for concurrent use.
type Sender struct {
	q      *jobs.Queue
	rights Rights
	cfg    Config
}

// New checks cfg and registers the delivery and scan workers on q (which
// must not have started). rts may be nil when no scan is wanted (a process
// that only inserts).
func New(q *jobs.Queue, rts Rights, cfg Config) (*Sender, error) {
	u, err := url.Parse(cfg.URL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, fmt.Errorf("webhook: LINEUP_WEBHOOK_URL %q must be an http or https URL", cfg.URL)
	}
	if cfg.Secret == "" {
		return nil, errors.New("webhook: LINEUP_WEBHOOK_SECRET is required with LINEUP_WEBHOOK_URL: deliveries are signed with it")
	}
	if cfg.NoticeDays == 0 {
		cfg.NoticeDays = 7
	}
	if cfg.Client == nil {
		cfg.Client = &http.Client{Timeout: 10 * time.Second}
	}
	if cfg.Log == nil {
		cfg.Log = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	s := &Sender{q: q, rights: rts, cfg: cfg}
	if err := jobs.AddWorker(q, river.Worker[deliveryArgs](&deliveryWorker{s: s})); err != nil {
		return nil, err
	}
	if err := jobs.AddWorker(q, river.Worker[scanArgs](&scanWorker{s: s})); err != nil {
		return nil, err
	}
	return s, nil
}

// Notify queues one event for delivery; it fits rights.Config.Notify. A
// failure to queue is logged, not returned: the change it reports has
// already been committed.
func (s *Sender) Notify(ctx context.Context, e rights.Event) {
	if _, err := s.q.Insert(ctx, deliveryArgs{Event: e}, &river.InsertOpts{MaxAttempts: MaxAttempts}); err != nil {
		s.cfg.Log.Error("webhook: queue event", "type", e.Type, "license_id", e.License.ID, "err", err)
	}
}

// StartScan queues the hourly opening-and-leaving scan, starting with the
// hour before now; several processes calling it queue one scan per hour.
// It does nothing when NoticeDays is negative or no Rights was given.
func (s *Sender) StartScan(ctx context.Context) error {
	if s.cfg.NoticeDays < 0 || s.rights == nil {
		return nil
	}
	to := s.cfg.Now().UTC().Truncate(ScanEvery)
	return s.queueScan(ctx, to.Add(-ScanEvery), to, time.Time{})
}

func (s *Sender) queueScan(ctx context.Context, from, to, runAt time.Time) error {
	opts := &river.InsertOpts{UniqueOpts: river.UniqueOpts{ByArgs: true}, ScheduledAt: runAt}
	if _, err := s.q.Insert(ctx, scanArgs{From: from, To: to}, opts); err != nil {
		return fmt.Errorf("webhook: queue scan: %w", err)
	}
	return nil
}

// Sign returns the X-Lineup-Signature value of body sent at timestamp ts
// (unix seconds).
func Sign(secret string, ts int64, body []byte) string {
	m := hmac.New(sha256.New, []byte(secret))
	m.Write([]byte(strconv.FormatInt(ts, 10)))
	m.Write([]byte{'.'})
	m.Write(body)
	return "sha256=" + hex.EncodeToString(m.Sum(nil))
}

// Verify reports whether signature is the signature of body sent at the
// timestamp (the X-Lineup-Timestamp header, unix seconds) and that the
// timestamp is within tolerance of now.
func Verify(secret, timestamp string, body []byte, signature string, now time.Time, tolerance time.Duration) bool {
	ts, err := strconv.ParseInt(timestamp, 10, 64)
	if err != nil {
		return false
	}
	if d := now.Sub(time.Unix(ts, 0)); d > tolerance || d < -tolerance {
		return false
	}
	return hmac.Equal([]byte(Sign(secret, ts, body)), []byte(signature))
}

type deliveryArgs struct {
	Event rights.Event `json:"event"`
}

func (deliveryArgs) Kind() string { return "webhook_delivery" }

type deliveryWorker struct {
	river.WorkerDefaults[deliveryArgs]
	s *Sender
}

// Work POSTs the event once; an error makes River try again later.
func (w *deliveryWorker) Work(ctx context.Context, job *river.Job[deliveryArgs]) error {
	body, err := json.Marshal(job.Args.Event)
	if err != nil {
		return fmt.Errorf("webhook: encode event: %w", err)
	}
	ts := w.s.cfg.Now().Unix()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, w.s.cfg.URL, bytes.NewReader(body))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", "Lineup-Webhook/1")
	req.Header.Set("X-Lineup-Event", job.Args.Event.Type)
	req.Header.Set("X-Lineup-Delivery", strconv.FormatInt(job.ID, 10))
	req.Header.Set("X-Lineup-Timestamp", strconv.FormatInt(ts, 10))
	req.Header.Set("X-Lineup-Signature", Sign(w.s.cfg.Secret, ts, body))
	resp, err := w.s.cfg.Client.Do(req)
	if err != nil {
		w.s.cfg.Log.Warn("webhook: delivery failed", "delivery", job.ID, "attempt", job.Attempt, "err", err)
		return fmt.Errorf("webhook: deliver %s: %w", job.Args.Event.Type, err)
	}
	io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
	resp.Body.Close()
	switch {
	case resp.StatusCode >= 200 && resp.StatusCode < 300:
		return nil
	case resp.StatusCode == http.StatusGone:
		w.s.cfg.Log.Warn("webhook: receiver answered 410 Gone; event dropped", "delivery", job.ID)
		return river.JobCancel(fmt.Errorf("webhook: receiver answered 410 Gone"))
	}
	w.s.cfg.Log.Warn("webhook: receiver refused", "delivery", job.ID, "attempt", job.Attempt, "status", resp.StatusCode)
	return fmt.Errorf("webhook: receiver answered %d", resp.StatusCode)
}

type scanArgs struct {
	From time.Time `json:"from"`
	To   time.Time `json:"to"`
}

func (scanArgs) Kind() string { return "webhook_scan" }

type scanWorker struct {
	river.WorkerDefaults[scanArgs]
	s *Sender
}

// Work queues the events of (From, To] and the next scan, an hour on.
func (w *scanWorker) Work(ctx context.Context, job *river.Job[scanArgs]) error {
	s := w.s
	events, err := s.rights.Upcoming(ctx, job.Args.From, job.Args.To, s.cfg.NoticeDays)
	if err != nil {
		return err
	}
	for _, e := range events {
		s.Notify(ctx, e)
	}
	next := job.Args.To.Add(ScanEvery)
	return s.queueScan(ctx, job.Args.To, next, next)
}
