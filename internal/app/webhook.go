package app

import (
	"context"
	"sync"

	"github.com/lineup/lineup/internal/jobs"
	"github.com/lineup/lineup/internal/rights"
	"github.com/lineup/lineup/internal/webhook"
)

// eventSink forwards the rights service's events to the webhook sender once
// one is set up (the rights service is built before the job queue); before
// that, and without LINEUP_WEBHOOK_URL, events go nowhere. Changes made
// with the CLI are not announced: the CLI opens no job queue.
type eventSink struct {
	mu     sync.Mutex
	sender *webhook.Sender
}

func (s *eventSink) notify(ctx context.Context, e rights.Event) {
	s.mu.Lock()
	snd := s.sender
	s.mu.Unlock()
	if snd != nil {
		snd.Notify(ctx, e)
	}
}

// openWebhook sets up the webhook on q when LINEUP_WEBHOOK_URL is set, and
// returns nil otherwise.
func (e *env) openWebhook(q *jobs.Queue, svc *services) (*webhook.Sender, error) {
	if e.cfg.WebhookURL == "" {
		return nil, nil
	}
	snd, err := webhook.New(q, svc.rights, webhook.Config{URL: e.cfg.WebhookURL, Secret: e.cfg.WebhookSecret,
		NoticeDays: e.cfg.WebhookNoticeDays, Log: e.log})
	if err != nil {
		return nil, err
	}
	svc.events.mu.Lock()
	svc.events.sender = snd
	svc.events.mu.Unlock()
	return snd, nil
}
