package app

import (
	"context"
	"fmt"
	"os"
	"sync"

	"github.com/lineup/lineup/internal/media"
	"github.com/lineup/lineup/internal/playback"
	"github.com/lineup/lineup/internal/protect"
	"github.com/lineup/lineup/internal/store"
)

// kek is the key-encryption key: LINEUP_KEK_FILE's, else derived from the
// secret key.
func (e *env) kek(secret []byte) (*protect.KEK, error) {
	if e.cfg.KEKFile == "" {
		return protect.NewKEK(derive(secret, "content key encryption"))
	}
	b, err := os.ReadFile(e.cfg.KEKFile)
	if err != nil {
		return nil, fmt.Errorf("%w: LINEUP_KEK_FILE: %v", ErrUsage, err)
	}
	k, err := protect.ParseKEK(string(b))
	if err != nil {
		return nil, fmt.Errorf("%w: LINEUP_KEK_FILE %s: %v", ErrUsage, e.cfg.KEKFile, err)
	}
	return k, nil
}

// openKeys opens the content key store and checks, at start-up, that the
// KEK unwraps every stored key: a wrong KEK fails the boot with a message
// saying what to do, not a viewer's request later.
func (e *env) openKeys(ctx context.Context, db *store.DB, secret []byte) (*protect.Keys, error) {
	kek, err := e.kek(secret)
	if err != nil {
		return nil, err
	}
	keys := protect.NewKeys(db, kek)
	if _, err := keys.Check(ctx); err != nil {
		return nil, fmt.Errorf("content keys: %w", err)
	}
	return keys, nil
}

// contentKeys hands playback the content keys of published assets: key n
// of the key set an asset was published with (its prefix, which never
// changes for an asset, so it is remembered).
func contentKeys(m *media.Service, keys *protect.Keys) playback.KeySource {
	var prefixes sync.Map
	return playback.KeyFunc(func(ctx context.Context, assetID int64, n int) (protect.Key, error) {
		p, ok := prefixes.Load(assetID)
		if !ok {
			a, err := m.Asset(ctx, assetID)
			if err != nil {
				return protect.Key{}, err
			}
			if a.PublishedPrefix == "" {
				return protect.Key{}, fmt.Errorf("asset %d is not published: %w", assetID, store.ErrNotFound)
			}
			p, _ = prefixes.LoadOrStore(assetID, a.PublishedPrefix)
		}
		return keys.Get(ctx, assetID, p.(string), n)
	})
}

// runKeys is `lineup keys`: new-kek prints a fresh key-encryption key;
// rotate-kek re-wraps every content key with the KEK in --new-kek-file
// (media untouched), after which every node must use that file as
// LINEUP_KEK_FILE; check unwraps every key with the current KEK.
func runKeys(ctx context.Context, e *env, args []string) error {
	return subcommand(ctx, e, "keys", args, []sub{
		{"new-kek", func(ctx context.Context, e *env, args []string) error {
			_, parse := e.flags("keys new-kek")
			if err := parse(args); err != nil {
				return err
			}
			fmt.Fprintln(e.stdout, protect.NewKEKText())
			return nil
		}},
		{"check", func(ctx context.Context, e *env, args []string) error {
			_, parse := e.flags("keys check")
			if err := parse(args); err != nil {
				return err
			}
			keys, db, err := e.keysOnly(ctx)
			if err != nil {
				return err
			}
			defer db.Close()
			n, err := keys.Check(ctx)
			if err != nil {
				return err
			}
			fmt.Fprintf(e.stdout, "%d content key(s) unwrap with KEK %s\n", n, keys.KEKID())
			return nil
		}},
		{"rotate-kek", func(ctx context.Context, e *env, args []string) error {
			fs, parse := e.flags("keys rotate-kek")
			next := fs.String("new-kek-file", "", "file holding the new key-encryption key (make one with `lineup keys new-kek`)")
			if err := parse(args); err != nil {
				return err
			}
			if *next == "" {
				return fmt.Errorf("%w: lineup keys rotate-kek --new-kek-file FILE", ErrUsage)
			}
			b, err := os.ReadFile(*next)
			if err != nil {
				return fmt.Errorf("%w: --new-kek-file: %v", ErrUsage, err)
			}
			nk, err := protect.ParseKEK(string(b))
			if err != nil {
				return fmt.Errorf("%w: --new-kek-file %s: %v", ErrUsage, *next, err)
			}
			keys, db, err := e.keysOnly(ctx)
			if err != nil {
				return err
			}
			defer db.Close()
			n, err := keys.RotateKEK(ctx, nk)
			if err != nil {
				return err
			}
			fmt.Fprintf(e.stdout, "re-wrapped %d content key(s) from KEK %s to KEK %s; no media changed.\nNow set LINEUP_KEK_FILE=%s on every node and restart them.\n", n, keys.KEKID(), nk.ID(), *next)
			return nil
		}},
	})
}

// keysOnly opens the database and the key store without the start-up
// check (rotate-kek and check report what does not unwrap themselves).
func (e *env) keysOnly(ctx context.Context) (*protect.Keys, *store.DB, error) {
	svc, err := e.open(ctx)
	if err != nil {
		return nil, nil, err
	}
	secret, err := e.secretKey()
	if err != nil {
		svc.db.Close()
		return nil, nil, err
	}
	kek, err := e.kek(secret)
	if err != nil {
		svc.db.Close()
		return nil, nil, err
	}
	return protect.NewKeys(svc.db, kek), svc.db, nil
}
