package rights

import (
	"context"
	"slices"
	"sync"
	"testing"

	"github.com/lineup/lineup/internal/store"
	"github.com/lineup/lineup/internal/store/storetest"
)

// Two avails imports that name the same titles in opposite orders lock the
// titles in opposite orders; on PostgreSQL one of each crossing pair used
// to fail with "deadlock detected (40P01)", a 500. Each batch must store.
func TestBatchesNamingTitlesInOppositeOrdersBothStore(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		s := newService(db)
		var batch []License
		for _, name := range []string{"甲", "乙", "丙", "丁", "戊", "己"} {
			l := svod(newTitle(t, db, name), "2018-06-22", "")
			l.Territories = []string{"US", "CA", "GB", "FR", "DE", "JP", "KR", "BR"}
			batch = append(batch, l)
		}
		reversed := slices.Clone(batch)
		slices.Reverse(reversed)
		const pairs = 6
		stored := 0
		for i := 0; i < pairs; i++ {
			var wg sync.WaitGroup
			var mu sync.Mutex
			for _, ls := range [][]License{batch, reversed} {
				wg.Add(1)
				go func() {
					defer wg.Done()
					out, err := s.AddAll(ctx, ls, false)
					mu.Lock()
					defer mu.Unlock()
					if err != nil {
						t.Errorf("pair %d: a batch that only crossed another one must store, not fail: %v", i, err)
						return
					}
					stored += len(out)
				}()
			}
			wg.Wait()
		}
		if want := 2 * pairs * len(batch); stored != want || countRows(t, db, "licenses") != want {
			t.Errorf("every license of every batch must be stored once: reported %d, table has %d, want %d", stored, countRows(t, db, "licenses"), want)
		}
	})
}
