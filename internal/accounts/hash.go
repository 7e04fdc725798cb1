package accounts

import (
	"context"
	"fmt"
	"sync/atomic"

	"github.com/alexedwards/argon2id"
)

// Each argon2id hash takes Params.Memory (19 MiB by default) for as long as
// it runs. Unbounded, 200 concurrent sign-ups took a server from 90 MB to
// 2 GB; every hash and check therefore waits for one of a few slots
// (Config.HashConcurrency), and a request that gives up waiting frees its
// place in the queue.
//
// Hashing must not starve the rest of the server either: with a slot per
// CPU, 200 sign-ins at once kept every Go P busy hashing, and /healthz
// waited behind them (p99 556 ms against a target of 50). So the default
// leaves one CPU to everything else, the password strength estimate (about
// a millisecond of CPU each, and 200 of them arrived at once) waits for a
// slot too, and on Linux the hashing runs on a thread of lower priority
// (see lowPriority), so that the threads answering requests get the CPU
// first when the machine is short of it.

// createHash hashes a password or PIN in one of the hashing slots.
func (s *Service) createHash(ctx context.Context, secret string) (string, error) {
	if err := s.acquireHash(ctx); err != nil {
		return "", err
	}
	defer s.releaseHash()
	var hash string
	var err error
	lowPriority(func() { hash, err = argon2id.CreateHash(secret, s.params) })
	return hash, err
}

// compareHash checks a password or PIN against its hash in one of the
// hashing slots.
func (s *Service) compareHash(ctx context.Context, secret, hash string) (bool, error) {
	if err := s.acquireHash(ctx); err != nil {
		return false, err
	}
	defer s.releaseHash()
	var ok bool
	var err error
	lowPriority(func() { ok, err = argon2id.ComparePasswordAndHash(secret, hash) })
	return ok, err
}

// checkNewPassword is CheckNewPassword in one of the hashing slots.
func (s *Service) checkNewPassword(ctx context.Context, pw, email string) error {
	if err := s.acquireHash(ctx); err != nil {
		return err
	}
	defer s.releaseHash()
	var err error
	lowPriority(func() { err = CheckNewPassword(pw, email) })
	return err
}

func (s *Service) acquireHash(ctx context.Context) error {
	select {
	case s.hashSlots <- struct{}{}:
	case <-ctx.Done():
		return fmt.Errorf("accounts: wait to hash: %w", ctx.Err())
	}
	n := s.hashing.Add(1)
	for {
		peak := s.hashPeak.Load()
		if n <= peak || s.hashPeak.CompareAndSwap(peak, n) {
			return nil
		}
	}
}

func (s *Service) releaseHash() {
	s.hashing.Add(-1)
	<-s.hashSlots
}

// hashCounters are the hashing slots and what they saw.
type hashCounters struct {
	hashSlots chan struct{}
	hashing   atomic.Int64 // hashes running now
	hashPeak  atomic.Int64 // the most that ever ran at once
}
