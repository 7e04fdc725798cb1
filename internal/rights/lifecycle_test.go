package rights

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/lineup/lineup/internal/store"
	"github.com/lineup/lineup/internal/store/storetest"
)

// clock is a settable Config.Now for tests that record changes over time.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) set(s string)   { c.mu.Lock(); c.t = mustTime(s); c.mu.Unlock() }

func clockedService(db *store.DB, start string) (*Service, *clock) {
	c := &clock{t: mustTime(start)}
	return New(db, Config{Licensee: us, Now: c.now}), c
}

func available(t *testing.T, s *Service, q AvailabilityQuery) bool {
	t.Helper()
	a, err := s.Available(context.Background(), q)
	if err != nil {
		t.Fatalf("availability %+v: %v", q, err)
	}
	return a.Available
}

func TestLifecycleAmendTerminateWithdraw(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		s, clk := clockedService(db, "2018-06-01T00:00:00Z")
		title := newTitle(t, db, "后来的我们")
		l := mustAdd(t, s, with(svod(title, "2018-06-22", "2019-06-22"), func(l *License) { l.Territories = []string{"FR"} }))
		if l.Status != StatusActive || l.Version != 1 {
			t.Fatalf("a new license is active, version 1: %+v", l)
		}
		who := Change{Actor: "ana@example.com", Reason: "renewed for a year, Belgium added"}

		// Amend on 1 July: a year longer, and Belgium too.
		clk.set("2018-07-01T00:00:00Z")
		am := with(l, func(l *License) { l.End = mustMoment("2020-06-22"); l.Territories = []string{"FR", "BE"} })
		got, cs, err := s.Amend(ctx, l.ID, am, who, false)
		if err != nil || len(cs) != 0 {
			t.Fatalf("amend: %v %v", err, cs)
		}
		if got.Version != 2 || got.End.Date != "2020-06-22" || len(got.Territories) != 2 || !got.UpdatedAt.Equal(mustTime("2018-07-01T00:00:00Z")) {
			t.Errorf("an amendment bumps the version and stores the new terms: %+v", got)
		}
		if !available(t, s, AvailabilityQuery{TitleID: title, Territory: "BE", At: mustTime("2019-12-01T12:00:00Z")}) {
			t.Errorf("the amended license must make the title available in the added territory after the old end")
		}
		again, _, err := s.Amend(ctx, l.ID, am, who, false)
		if err != nil || again.Version != 2 {
			t.Errorf("amending to the same terms records nothing: version %d, %v", again.Version, err)
		}

		// Terminate on 1 August: ends on 2019-01-01.
		clk.set("2018-08-01T00:00:00Z")
		if _, err := s.Terminate(ctx, l.ID, mustMoment("2019-01-01"), Change{Actor: "ana@example.com"}); fieldOf(t, err).Field != "reason" {
			t.Errorf("terminating needs a reason")
		}
		if _, err := s.Terminate(ctx, l.ID, mustMoment("2021-01-01"), Change{Actor: "a", Reason: "r"}); fieldOf(t, err).Field != "end" {
			t.Errorf("terminating cannot extend a license")
		}
		if _, err := s.Terminate(ctx, l.ID, mustMoment("2018-06-01"), Change{Actor: "a", Reason: "r"}); fieldOf(t, err).Field != "end" {
			t.Errorf("terminating before the start is refused (withdraw instead)")
		}
		term, err := s.Terminate(ctx, l.ID, mustMoment("2019-01-01"), Change{Actor: "token:ops", Reason: "licensor breach"})
		if err != nil {
			t.Fatal(err)
		}
		if term.Status != StatusTerminated || term.Version != 3 || term.End.Date != "2019-01-01" {
			t.Errorf("a terminated license has its new end and status: %+v", term)
		}
		a, err := s.Availability(ctx, title, "FR", mustTime("2018-12-01T00:00:00Z"))
		if err != nil || !a.Available || a.LastDay != "2018-12-31" {
			t.Errorf("after terminating on 2019-01-01 the last day is 2018-12-31: %+v %v", a, err)
		}
		if available(t, s, AvailabilityQuery{TitleID: title, Territory: "FR", At: mustTime("2019-02-01T00:00:00Z")}) {
			t.Errorf("a terminated license must not count after its new end")
		}

		// As of: on 15 July we believed Belgium would be open in Dec 2019;
		// on 1 June we did not; on 15 July France was open in Feb 2019.
		dec19 := mustTime("2019-12-01T12:00:00Z")
		if !available(t, s, AvailabilityQuery{TitleID: title, Territory: "BE", At: dec19, AsOf: mustTime("2018-07-15T00:00:00Z")}) {
			t.Errorf("as of 15 July, the amended terms were believed")
		}
		if available(t, s, AvailabilityQuery{TitleID: title, Territory: "BE", At: dec19, AsOf: mustTime("2018-06-15T00:00:00Z")}) {
			t.Errorf("as of 15 June, Belgium was not licensed")
		}
		if !available(t, s, AvailabilityQuery{TitleID: title, Territory: "FR", At: mustTime("2019-02-01T00:00:00Z"), AsOf: mustTime("2018-07-15T00:00:00Z")}) {
			t.Errorf("as of 15 July, France was licensed in Feb 2019 (before the termination)")
		}
		if available(t, s, AvailabilityQuery{TitleID: title, Territory: "FR", At: mustTime("2018-07-01T00:00:00Z"), AsOf: mustTime("2018-05-01T00:00:00Z")}) {
			t.Errorf("as of before the license was added, nothing was available")
		}

		// Withdraw on 1 September.
		clk.set("2018-09-01T00:00:00Z")
		if _, err := s.Withdraw(ctx, l.ID, Change{Actor: "ana@example.com"}); fieldOf(t, err).Field != "reason" {
			t.Errorf("withdrawing needs a reason")
		}
		wd, err := s.Withdraw(ctx, l.ID, Change{Actor: "ana@example.com", Reason: "signed in error"})
		if err != nil || wd.Status != StatusWithdrawn || wd.Version != 4 {
			t.Fatalf("withdraw: %+v %v", wd, err)
		}
		if available(t, s, AvailabilityQuery{TitleID: title, Territory: "FR", At: mustTime("2018-10-01T00:00:00Z")}) {
			t.Errorf("a withdrawn license is never counted again")
		}
		if !available(t, s, AvailabilityQuery{TitleID: title, Territory: "FR", At: mustTime("2018-10-01T00:00:00Z"), AsOf: mustTime("2018-08-15T00:00:00Z")}) {
			t.Errorf("as of before the withdrawal, the license still counted")
		}
		kept, err := s.Get(ctx, l.ID)
		if err != nil || kept.Status != StatusWithdrawn {
			t.Errorf("a withdrawn license is kept, marked withdrawn: %+v %v", kept, err)
		}
		if _, err := s.Withdraw(ctx, l.ID, Change{Actor: "a", Reason: "again"}); fieldOf(t, err).Field != "status" {
			t.Errorf("a withdrawn license cannot be withdrawn again")
		}
		if _, _, err := s.Amend(ctx, l.ID, am, who, false); fieldOf(t, err).Field != "status" {
			t.Errorf("a withdrawn license cannot be amended")
		}

		// History: created, amended, terminated, withdrawn; before/after.
		h, err := s.History(ctx, l.ID)
		if err != nil {
			t.Fatal(err)
		}
		wantActions := []Action{ActionCreated, ActionAmended, ActionTerminated, ActionWithdrawn}
		if len(h) != len(wantActions) {
			t.Fatalf("history must hold every change once: %d revisions %+v", len(h), h)
		}
		for i, r := range h {
			if r.Action != wantActions[i] || r.Version != int64(i+1) {
				t.Errorf("revision %d: %s v%d, want %s v%d", i, r.Action, r.Version, wantActions[i], i+1)
			}
		}
		if h[2].Actor != "token:ops" || h[2].Reason != "licensor breach" || !h[2].At.Equal(mustTime("2018-08-01T00:00:00Z")) ||
			h[2].Before.End.Date != "2020-06-22" || h[2].After.End.Date != "2019-01-01" {
			t.Errorf("a revision records who, why, when, before and after: %+v", h[2])
		}
		if h[0].Before != nil || h[0].After.End.Date != "2019-06-22" || !h[0].At.Equal(mustTime("2018-06-01T00:00:00Z")) {
			t.Errorf("the created revision holds the license as first stored: %+v", h[0])
		}
		then, err := s.GetAsOf(ctx, l.ID, mustTime("2018-07-15T00:00:00Z"))
		if err != nil || then.Version != 2 || then.End.Date != "2020-06-22" {
			t.Errorf("GetAsOf returns the state in force then: %+v %v", then, err)
		}
		if _, err := s.GetAsOf(ctx, l.ID, mustTime("2018-01-01T00:00:00Z")); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("before it was created the license was not recorded: %v", err)
		}
		if _, _, err := s.Amend(ctx, l.ID+99, am, who, false); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("amending an unknown license wraps ErrNotFound: %v", err)
		}
		if _, err := s.History(ctx, l.ID+99); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("the history of an unknown license wraps ErrNotFound: %v", err)
		}
	})
}

func TestAmendIsConflictCheckedLikeANewLicense(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		s, clk := clockedService(db, "2018-06-01T00:00:00Z")
		title := newTitle(t, db, "t")
		fr := func(l License) License { l.Territories = []string{"FR"}; l.Exclusive = true; return l }
		ours := mustAdd(t, s, fr(svod(title, "2018-06-22", "2019-06-22")))
		rival := mustAdd(t, s, with(fr(svod(title, "2020-01-01", "2021-01-01")), func(l *License) { l.Licensee = "Rival" }))
		who := Change{Actor: "ana@example.com"}
		longer := with(ours, func(l *License) { l.End = mustMoment("2020-06-01") })

		preview, err := s.CheckAmend(ctx, ours.ID, longer)
		if err != nil || len(preview) != 1 || preview[0].OtherID != rival.ID || preview[0].LicenseID != ours.ID {
			t.Fatalf("CheckAmend shows the conflict the change would make: %+v %v", preview, err)
		}
		_, cs, err := s.Amend(ctx, ours.ID, longer, who, false)
		var ce *ConflictError
		if !errors.As(err, &ce) || len(cs) != 1 || cs[0].Territory != "FR" || cs[0].Kind != Exclusivity {
			t.Fatalf("an amendment that conflicts is refused with the conflicts: %v %+v", err, cs)
		}
		if cur, _ := s.Get(ctx, ours.ID); cur.Version != 1 || cur.End.Date != "2019-06-22" {
			t.Errorf("a refused amendment changes nothing: %+v", cur)
		}
		clk.set("2018-07-01T00:00:00Z")
		forced, cs, err := s.Amend(ctx, ours.ID, longer, who, true)
		if err != nil || !forced.Forced || len(cs) != 1 {
			t.Fatalf("a forced amendment is stored, marked forced: %+v %v", forced, err)
		}
		if rec, _ := s.RecordedConflicts(ctx, title); len(rec) != 1 || rec[0].LicenseID != ours.ID || rec[0].OtherID != rival.ID {
			t.Errorf("a forced amendment's conflicts are recorded: %+v", rec)
		}
		if _, _, err := s.Amend(ctx, ours.ID, with(longer, func(l *License) { l.Licensee = "Rival" }), who, false); fieldOf(t, err).Field != "licensee" {
			t.Errorf("the licensee cannot be amended")
		}
		if _, _, err := s.Amend(ctx, ours.ID, with(longer, func(l *License) { l.Licensee = "LINEUP" }), who, true); err != nil {
			t.Errorf("a new spelling of the same licensee is not a change of licensee: %v", err)
		}
		if _, _, err := s.Amend(ctx, ours.ID, longer, Change{}, false); fieldOf(t, err).Field != "actor" {
			t.Errorf("a change needs an actor")
		}
		// Once the rival is withdrawn, its window and holdbacks count no more.
		if _, err := s.Withdraw(ctx, rival.ID, Change{Actor: "ana@example.com", Reason: "deal fell through"}); err != nil {
			t.Fatal(err)
		}
		if cs, err := s.CheckAmend(ctx, ours.ID, with(longer, func(l *License) { l.End = mustMoment("2021-06-01") })); err != nil || len(cs) != 0 {
			t.Errorf("a withdrawn license no longer conflicts: %+v %v", cs, err)
		}
	})
}

func TestWithdrawnHoldbackHoldsNothingBack(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		s := newService(db)
		title := newTitle(t, db, "t")
		hb := mustAdd(t, s, with(svod(title, "2018-06-22", ""), func(l *License) {
			l.Holdbacks = []Holdback{{LicenseTypes: []LicenseType{AVOD}, Territories: []string{"ZZ"}, Until: mustMoment("2020-01-01")}}
		}))
		avod := with(svod(title, "2019-01-01", ""), func(l *License) { l.Type = AVOD; l.Licensee = "Free"; l.Territories = []string{"FR"} })
		if cs, _ := s.Check(ctx, avod); len(cs) != 1 {
			t.Fatalf("the holdback must conflict first: %+v", cs)
		}
		if _, err := s.Withdraw(ctx, hb.ID, Change{Actor: "a", Reason: "r"}); err != nil {
			t.Fatal(err)
		}
		if cs, _ := s.Check(ctx, avod); len(cs) != 0 {
			t.Errorf("a withdrawn license's holdback holds nothing back: %+v", cs)
		}
	})
}

func TestLicenseesMatchCaseInsensitively(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		s := newService(db)
		title := newTitle(t, db, "t")
		mustAdd(t, s, with(svod(title, "2018-06-22", ""), func(l *License) { l.Licensee = "LINEUP"; l.Exclusive = true }))
		a, err := s.Availability(ctx, title, "FR", mustTime("2018-07-01T00:00:00Z"))
		if err != nil || !a.Available {
			t.Errorf("a license for LINEUP must make the title available to the service Lineup: %+v %v", a, err)
		}
		cs, err := s.Check(ctx, with(svod(title, "2018-06-22", ""), func(l *License) { l.Licensee = " lineup "; l.Exclusive = true }))
		if err != nil || len(cs) != 0 {
			t.Errorf("lineup and LINEUP are one licensee and cannot conflict with each other: %+v %v", cs, err)
		}
		ln, err := s.Lineup(ctx, LineupQuery{Territory: "FR", At: mustTime("2018-07-01T00:00:00Z")})
		if err != nil || len(ln.AvailableNow.Items) != 1 {
			t.Errorf("the lineup shows the LINEUP license: %+v %v", ln, err)
		}
	})
}

func TestLineupAsOf(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		s, clk := clockedService(db, "2018-06-01T00:00:00Z")
		a, b := newTitle(t, db, "a"), newTitle(t, db, "b")
		la := mustAdd(t, s, svod(a, "2018-06-22", ""))
		mustAdd(t, s, svod(b, "2018-06-22", "2018-08-01"))
		clk.set("2018-07-01T00:00:00Z")
		if _, err := s.Withdraw(ctx, la.ID, Change{Actor: "a", Reason: "r"}); err != nil {
			t.Fatal(err)
		}
		at := mustTime("2018-07-10T00:00:00Z")
		titles := func(r Row) []int64 {
			var out []int64
			for _, it := range r.Items {
				out = append(out, it.TitleID)
			}
			return out
		}
		now, err := s.Lineup(ctx, LineupQuery{Territory: "FR", At: at})
		if err != nil || len(now.AvailableNow.Items) != 1 || now.AvailableNow.Items[0].TitleID != b {
			t.Errorf("now, only b is available (a was withdrawn): %v %v", titles(now.AvailableNow), err)
		}
		then, err := s.Lineup(ctx, LineupQuery{Territory: "FR", At: at, AsOf: mustTime("2018-06-15T00:00:00Z")})
		if err != nil || len(then.AvailableNow.Items) != 2 || len(then.LeavingSoon.Items) != 1 {
			t.Errorf("as of 15 June both were available and b was leaving soon: %v %v %v", titles(then.AvailableNow), titles(then.LeavingSoon), err)
		}
		before, err := s.Lineup(ctx, LineupQuery{Territory: "FR", At: at, AsOf: mustTime("2018-05-15T00:00:00Z")})
		if err != nil || len(before.AvailableNow.Items) != 0 {
			t.Errorf("as of before any license, nothing: %v %v", titles(before.AvailableNow), err)
		}
	})
}
