package protect

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/lineup/lineup/internal/store"
)

// Keys keeps content keys in the database, wrapped by a KEK. It is safe for
// concurrent use. A stored key never changes (a re-encode makes a new key
// set), so Keys remembers the keys it has unwrapped: after the first viewer
// a key request reads no table.
type Keys struct {
	db  *store.DB
	kek *KEK

	mu    sync.RWMutex
	cache map[keyRef]Key
}

type keyRef struct {
	asset int64
	set   string
	index int
}

// maxCachedKeys bounds the unwrapped keys kept in memory.
const maxCachedKeys = 100_000

// NewKeys returns the content key store over db, wrapping with kek.
func NewKeys(db *store.DB, kek *KEK) *Keys {
	return &Keys{db: db, kek: kek, cache: map[keyRef]Key{}}
}

// KEKID names the KEK this store wraps with.
func (k *Keys) KEKID() string { return k.kek.ID() }

// Make makes n random content keys for an asset's key set (the blob prefix
// an encode attempt writes to), stores them wrapped, and returns them in
// order: key i encrypts key period i. Making a set that exists replaces it
// (a retried attempt of the same prefix starts over).
func (k *Keys) Make(ctx context.Context, assetID int64, set string, n int) ([]Key, error) {
	if n < 1 {
		return nil, fmt.Errorf("protect: make keys: at least one key, not %d", n)
	}
	keys := make([]Key, n)
	now := time.Now().UnixMilli()
	err := k.db.InTx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `DELETE FROM content_keys WHERE asset_id = $1 AND key_set = $2`, assetID, set); err != nil {
			return err
		}
		for i := range keys {
			keys[i] = NewKey()
			if _, err := tx.ExecContext(ctx, `INSERT INTO content_keys (asset_id, key_set, key_index, wrapped, kek_id, created_at) VALUES ($1, $2, $3, $4, $5, $6)`,
				assetID, set, i, k.kek.Wrap(keys[i], assetID, set, i), k.kek.ID(), now); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("protect: make keys for asset %d: %w", assetID, err)
	}
	return keys, nil
}

// Get returns content key index of an asset's key set, unwrapped. A key
// that is not stored is an error wrapping store.ErrNotFound; one that does
// not unwrap wraps ErrUnwrap.
func (k *Keys) Get(ctx context.Context, assetID int64, set string, index int) (Key, error) {
	ref := keyRef{assetID, set, index}
	k.mu.RLock()
	key, ok := k.cache[ref]
	k.mu.RUnlock()
	if ok {
		return key, nil
	}
	var wrapped []byte
	var kekID string
	err := k.db.QueryRowContext(ctx, `SELECT wrapped, kek_id FROM content_keys WHERE asset_id = $1 AND key_set = $2 AND key_index = $3`,
		assetID, set, index).Scan(&wrapped, &kekID)
	if errors.Is(err, sql.ErrNoRows) {
		return key, fmt.Errorf("protect: content key %d of asset %d: %w", index, assetID, store.ErrNotFound)
	}
	if err != nil {
		return key, fmt.Errorf("protect: content key %d of asset %d: %w", index, assetID, err)
	}
	key, err = k.kek.Unwrap(wrapped, assetID, set, index)
	if err != nil {
		return key, fmt.Errorf("protect: content key %d of asset %d (wrapped by KEK %s, this is KEK %s): %w", index, assetID, kekID, k.kek.ID(), err)
	}
	k.mu.Lock()
	if len(k.cache) >= maxCachedKeys {
		clear(k.cache)
	}
	k.cache[ref] = key
	k.mu.Unlock()
	return key, nil
}

// UnwrapError says which stored keys the KEK could not open: the start-up
// check fails with it instead of a viewer's request failing later.
type UnwrapError struct {
	// KEKID is the KEK that was tried; WrappedBy counts the failed keys by
	// the KEK ID stored beside them.
	KEKID     string
	WrappedBy map[string]int
	Failed    int
}

func (e *UnwrapError) Error() string {
	by := ""
	for id, n := range e.WrappedBy {
		by += fmt.Sprintf(" %d wrapped by KEK %s;", n, id)
	}
	return fmt.Sprintf("protect: %d content key(s) do not unwrap with the key-encryption key %s (%s ) — set LINEUP_KEK_FILE to the KEK they were wrapped with, or, if that was the one derived from the secret key, unset it; after changing the KEK run `lineup keys rotate-kek`",
		e.Failed, e.KEKID, by[:max(len(by)-1, 0)])
}

// Unwrap reports ErrUnwrap.
func (e *UnwrapError) Unwrap() error { return ErrUnwrap }

// Check unwraps every stored key with the KEK and returns how many it
// checked, or an *UnwrapError naming the keys that do not open. Start-up
// calls it, so a wrong KEK fails the boot with a message, not a viewer's
// request.
func (k *Keys) Check(ctx context.Context) (int, error) {
	rows, err := k.db.QueryContext(ctx, `SELECT asset_id, key_set, key_index, wrapped, kek_id FROM content_keys`)
	if err != nil {
		return 0, fmt.Errorf("protect: check keys: %w", err)
	}
	defer rows.Close()
	n := 0
	bad := &UnwrapError{KEKID: k.kek.ID(), WrappedBy: map[string]int{}}
	for rows.Next() {
		var ref keyRef
		var wrapped []byte
		var kekID string
		if err := rows.Scan(&ref.asset, &ref.set, &ref.index, &wrapped, &kekID); err != nil {
			return n, fmt.Errorf("protect: check keys: %w", err)
		}
		n++
		if _, err := k.kek.Unwrap(wrapped, ref.asset, ref.set, ref.index); err != nil {
			bad.Failed++
			bad.WrappedBy[kekID]++
		}
	}
	if err := rows.Err(); err != nil {
		return n, fmt.Errorf("protect: check keys: %w", err)
	}
	if bad.Failed > 0 {
		return n, bad
	}
	return n, nil
}

// RotateKEK re-wraps every stored content key with next, in one
// transaction, and returns how many it re-wrapped. The keys themselves, and
// so every encrypted segment, stay as they are. A key the current KEK
// cannot unwrap stops the rotation with an *UnwrapError and changes
// nothing. After it returns, the deployment must use next (LINEUP_KEK_FILE)
// on every node.
func (k *Keys) RotateKEK(ctx context.Context, next *KEK) (int, error) {
	n := 0
	err := k.db.InTx(ctx, func(tx *sql.Tx) error {
		rows, err := tx.QueryContext(ctx, `SELECT asset_id, key_set, key_index, wrapped, kek_id FROM content_keys`)
		if err != nil {
			return err
		}
		type rewrap struct {
			ref     keyRef
			wrapped []byte
		}
		var out []rewrap
		bad := &UnwrapError{KEKID: k.kek.ID(), WrappedBy: map[string]int{}}
		for rows.Next() {
			var ref keyRef
			var wrapped []byte
			var kekID string
			if err := rows.Scan(&ref.asset, &ref.set, &ref.index, &wrapped, &kekID); err != nil {
				rows.Close()
				return err
			}
			key, err := k.kek.Unwrap(wrapped, ref.asset, ref.set, ref.index)
			if err != nil {
				bad.Failed++
				bad.WrappedBy[kekID]++
				continue
			}
			out = append(out, rewrap{ref, next.Wrap(key, ref.asset, ref.set, ref.index)})
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		if bad.Failed > 0 {
			return bad
		}
		for _, r := range out {
			if _, err := tx.ExecContext(ctx, `UPDATE content_keys SET wrapped = $1, kek_id = $2 WHERE asset_id = $3 AND key_set = $4 AND key_index = $5`,
				r.wrapped, next.ID(), r.ref.asset, r.ref.set, r.ref.index); err != nil {
				return err
			}
		}
		n = len(out)
		return nil
	})
	if err != nil {
		return 0, fmt.Errorf("protect: rotate KEK: %w", err)
	}
	return n, nil
}
