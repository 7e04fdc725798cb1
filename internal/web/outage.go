package web

import (
	"context"
	"log/slog"
	"sync"
	"time"

	"github.com/lineup/lineup/internal/store"
)

// retryAfterSeconds is what a 503 tells clients to wait before trying
// again: long enough not to hammer a database that is restarting, short
// enough that a player retries before its buffer runs out.
const retryAfterSeconds = 5

// outages remembers which dependencies are down, so that an outage is
// logged once when it begins (WARN) and once when it ends (INFO), not once
// per failed request: a database restart under load fails thousands of
// requests, and each of them at ERROR buried whatever else went wrong.
// It is safe for concurrent use.
type outages struct {
	log  *slog.Logger
	ping func(ctx context.Context) error // the database's; nil when there is none

	mu        sync.Mutex
	since     map[string]time.Time // dependency → when it went down
	lastCheck time.Time
}

func newOutages(log *slog.Logger, db *store.DB) *outages {
	o := &outages{log: log, since: map[string]time.Time{}}
	if db != nil {
		o.ping = db.PingContext
	}
	return o
}

// down records that dependency failed with err. The first failure of an
// outage is logged at WARN; the rest only at DEBUG.
func (o *outages) down(dependency string, err error) {
	o.mu.Lock()
	_, already := o.since[dependency]
	if !already {
		o.since[dependency] = time.Now()
	}
	o.mu.Unlock()
	if already {
		o.log.Debug("dependency still unavailable", "dependency", dependency, "err", err)
		return
	}
	o.log.Warn("dependency unavailable; answering 503 until it is back", "dependency", dependency, "err", err)
}

// up records that dependency answers again, logging the end of its
// outage (with how long it lasted) when there was one.
func (o *outages) up(dependency string) {
	o.mu.Lock()
	since, was := o.since[dependency]
	delete(o.since, dependency)
	o.mu.Unlock()
	if was {
		o.log.Info("dependency available again", "dependency", dependency, "outage", time.Since(since).Round(time.Millisecond).String())
	}
}

// isDown reports whether dependency is in an outage.
func (o *outages) isDown(dependency string) bool {
	o.mu.Lock()
	defer o.mu.Unlock()
	_, ok := o.since[dependency]
	return ok
}

// recheck, called after a request that did not fail for a dependency,
// pings the database at most once a second while it is marked down, and
// ends its outage when it answers.
func (o *outages) recheck(ctx context.Context) {
	o.mu.Lock()
	_, dbDown := o.since["database"]
	due := dbDown && time.Since(o.lastCheck) >= time.Second
	if due {
		o.lastCheck = time.Now()
	}
	o.mu.Unlock()
	if !due || o.ping == nil {
		return
	}
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), time.Second)
	defer cancel()
	if o.ping(ctx) == nil {
		o.up("database")
	}
}

// blame names the dependency behind a connection failure: the database
// when it does not answer a ping, else the media store (the only other
// service Lineup reaches over the network).
func (o *outages) blame(ctx context.Context) string {
	if o.ping == nil {
		return "media store"
	}
	if o.isDown("database") {
		return "database" // until recheck finds it back
	}
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), time.Second)
	defer cancel()
	if o.ping(ctx) != nil {
		return "database"
	}
	return "media store"
}
