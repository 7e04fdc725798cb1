package media_test

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/lineup/lineup/internal/blob"
	"github.com/lineup/lineup/internal/jobs"
	"github.com/lineup/lineup/internal/media"
	"github.com/lineup/lineup/internal/store"
)

const uploadLimit = 2 << 20

// TestBadInput feeds the pipeline what issue 3 lists as bad input. Each
// gives a refused request or a failed asset with a clear reason; the
// source and every other asset are untouched, nothing is left
// half-published, and the title's previous ready asset keeps playing.
func TestBadInput(t *testing.T) {
	for _, tc := range []struct {
		name string
		opts rigOptions
	}{
		{"sqlite+folder", rigOptions{}},
		{"postgres+s3", rigOptions{postgres: true, s3: true}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tc.opts.cfg = media.Config{MaxUploadBytes: uploadLimit, MaxAttempts: 2}
			r := newRig(t, tc.opts)
			ctx := t.Context()
			dir := t.TempDir()
			sample, err := media.GenerateSample(ctx, r.cfg.FFmpegPath, dir, media.SampleOptions{Seconds: 4, Width: 320, Height: 180, SeparateAudio: true})
			if err != nil {
				t.Fatal(err)
			}
			titleID := r.title(t, "Us and Them", "zh")

			// The title's good asset, playing before anything bad arrives.
			good, err := r.web.Ingest(ctx, media.IngestRequest{TitleID: titleID, Source: open(t, sample.Video), Filename: "good.mp4"})
			if err != nil {
				t.Fatal(err)
			}
			q, _ := r.worker(t, jobs.Config{})
			if good = r.wait(t, good.ID, 2*time.Minute, nil); good.State != media.StateReady {
				t.Fatalf("the good asset must become ready: %s %q", good.State, good.Error)
			}
			goodKeys := keys(t, r.blobs, good.PublishedPrefix)
			untouched := func(t *testing.T) {
				t.Helper()
				p, err := r.web.PlayableAsset(ctx, titleID)
				if err != nil || p.ID != good.ID {
					t.Errorf("the previous ready asset must keep playing: %+v %v", p, err)
				}
				if got := keys(t, r.blobs, good.PublishedPrefix); !slices.Equal(got, goodKeys) {
					t.Errorf("the other asset's files must be untouched: %v, want %v", got, goodKeys)
				}
				if _, err := blob.ReadManifest(ctx, r.blobs, good.PublishedPrefix); err != nil {
					t.Errorf("the other asset must stay published: %v", err)
				}
				if _, err := r.blobs.Stat(ctx, good.SourceKey); err != nil {
					t.Errorf("the other asset's source must be kept: %v", err)
				}
			}

			// Files that are accepted, then refused by the worker's probe.
			text := filepath.Join(dir, "notes.mp4")
			os.WriteFile(text, []byte("These are the director's notes, not a film.\n"), 0o644)
			empty := filepath.Join(dir, "empty.mp4")
			os.WriteFile(empty, nil, 0o644)
			half := filepath.Join(dir, "half.mp4")
			cutInHalf(t, r.cfg.FFmpegPath, half)
			// Issue 13: an MP4 with its index at the front, cut short (head -c),
			// and a one-frame video.
			frontHalf := filepath.Join(dir, "front-half.mp4")
			if out, err := exec.CommandContext(ctx, r.cfg.FFmpegPath, "-hide_banner", "-nostdin", "-v", "error", "-y", "-i", sample.Video,
				"-c", "copy", "-movflags", "+faststart", frontHalf+".whole.mp4").CombinedOutput(); err != nil {
				t.Fatalf("faststart: %v\n%s", err, out)
			}
			whole, _ := os.ReadFile(frontHalf + ".whole.mp4")
			os.WriteFile(frontHalf, whole[:len(whole)/2], 0o644)
			oneFrame := filepath.Join(dir, "one-frame.mp4")
			if out, err := exec.CommandContext(ctx, r.cfg.FFmpegPath, "-hide_banner", "-nostdin", "-v", "error", "-y", "-f", "lavfi",
				"-i", "testsrc2=size=320x180:rate=24", "-frames:v", "1", "-c:v", "libx264", oneFrame).CombinedOutput(); err != nil {
				t.Fatalf("one frame: %v\n%s", err, out)
			}
			failing := []struct {
				name, file, reason string
			}{
				{"a text file named .mp4", text, "text, not a video"},
				{"an MP4 cut in half", half, "incomplete"},
				{"an MP4 with its index at the front, cut in half", frontHalf, "cut short"},
				{"a one-frame video", oneFrame, "only one frame"},
				{"an audio-only file", sample.Audio["zh"], "only sound"},
			}
			for _, f := range failing {
				t.Run(f.name, func(t *testing.T) {
					info, _ := os.Stat(f.file)
					a, err := r.web.Ingest(ctx, media.IngestRequest{TitleID: titleID, Source: open(t, f.file), Filename: filepath.Base(f.file)})
					if err != nil {
						t.Fatalf("the upload itself is fine; the worker refuses it: %v", err)
					}
					a = r.wait(t, a.ID, time.Minute, nil)
					if a.State != media.StateFailed || !strings.Contains(a.Error, f.reason) {
						t.Errorf("the asset must fail saying %q: state %s, error %q", f.reason, a.State, a.Error)
					}
					if a.Attempt != 1 {
						t.Errorf("a refused source must not be retried: %d attempts", a.Attempt)
					}
					if st, err := r.blobs.Stat(ctx, a.SourceKey); err != nil || st.Size != info.Size() {
						t.Errorf("the uploaded source must be kept untouched: %+v %v", st, err)
					}
					if k := keys(t, r.blobs, fmt.Sprintf("assets/%d/%d/", titleID, a.ID)); len(k) != 0 {
						t.Errorf("nothing may be left half-published: %v", k)
					}
					untouched(t)
				})
			}

			// Requests refused before anything is queued.
			refused := []struct {
				name   string
				req    media.IngestRequest
				reason string
				is     error
			}{
				{"zero bytes", media.IngestRequest{Source: open(t, empty), Filename: "empty.mp4"}, "empty", nil},
				{"a subtitle in an unknown format", media.IngestRequest{Source: open(t, sample.Video), Filename: "film.mp4",
					Subtitles: []media.Track{{Language: "en", Filename: "en.sub", Reader: strings.NewReader("{1}{50}Hello there\n{51}{90}Bye\n")}}}, "not SRT, WebVTT or SSA/ASS", nil},
				{"a language tag that is not BCP-47", media.IngestRequest{Source: open(t, sample.Video), Filename: "film.mp4",
					Audio: []media.Track{{Language: "english!", Filename: "a.m4a", Reader: open(t, sample.Audio["zh"])}}}, "not a BCP-47 tag", nil},
				{"an upload over the limit", media.IngestRequest{Source: io.LimitReader(rand.Reader, uploadLimit+1), Filename: "big.mp4"}, "larger than the 2 MiB allowed", media.ErrTooLarge},
			}
			for _, f := range refused {
				t.Run(f.name, func(t *testing.T) {
					before, _ := r.web.Assets(ctx, titleID)
					sources := keys(t, r.blobs, "sources/")
					f.req.TitleID = titleID
					_, err := r.web.Ingest(ctx, f.req)
					var re *media.RefusedError
					if !errors.As(err, &re) || !strings.Contains(re.Reason, f.reason) {
						t.Fatalf("the request must be refused saying %q: %v", f.reason, err)
					}
					if f.is != nil && !errors.Is(err, f.is) {
						t.Errorf("the refusal must wrap %v: %v", f.is, err)
					}
					if after, _ := r.web.Assets(ctx, titleID); len(after) != len(before) {
						t.Errorf("a refused request must not create an asset")
					}
					if got := keys(t, r.blobs, "sources/"); !slices.Equal(got, sources) {
						t.Errorf("a refused request must leave nothing in the store: %v, was %v", got, sources)
					}
					untouched(t)
				})
			}
			t.Run("an unknown title", func(t *testing.T) {
				_, err := r.web.Ingest(ctx, media.IngestRequest{TitleID: 999999, Source: strings.NewReader("x")})
				if !errors.Is(err, store.ErrNotFound) {
					t.Errorf("ingest for a missing title must be ErrNotFound: %v", err)
				}
			})

			// A store that fills up while the encode uploads its output.
			stop, cancel := context.WithTimeout(ctx, 10*time.Second)
			defer cancel()
			if err := q.Stop(stop); err != nil {
				t.Fatal(err)
			}
			t.Run("a store that fills up mid-encode", func(t *testing.T) {
				full := &fullStore{Store: r.blobs, after: 5}
				fq := r.queue(t, jobs.Config{Work: true})
				if _, err := media.New(r.db, full, fq, r.cfg); err != nil {
					t.Fatal(err)
				}
				a, err := r.web.Ingest(ctx, media.IngestRequest{TitleID: titleID, Source: open(t, sample.Video), Filename: "again.mp4"})
				if err != nil {
					t.Fatal(err)
				}
				if err := fq.Start(ctx); err != nil {
					t.Fatal(err)
				}
				defer func() {
					stop, cancel := context.WithTimeout(context.Background(), 10*time.Second)
					defer cancel()
					fq.Stop(stop)
				}()
				a = r.wait(t, a.ID, 2*time.Minute, nil)
				if a.State != media.StateFailed || !strings.Contains(a.Error, "no space left") || a.Attempt != 2 {
					t.Errorf("the asset must fail after its 2 attempts saying the store is full: state %s, attempt %d, error %q", a.State, a.Attempt, a.Error)
				}
				if k := keys(t, r.blobs, fmt.Sprintf("assets/%d/%d/", titleID, a.ID)); len(k) != 0 {
					t.Errorf("nothing may be left half-published: %v", k)
				}
				untouched(t)
			})

			t.Run("cancel a queued asset", func(t *testing.T) {
				a, err := r.web.Ingest(ctx, media.IngestRequest{TitleID: titleID, Source: open(t, sample.Video), Filename: "later.mp4"})
				if err != nil {
					t.Fatal(err)
				}
				a, err = r.web.Cancel(ctx, a.ID)
				if err != nil || a.State != media.StateCancelled {
					t.Fatalf("a queued asset must be cancellable: %s %v", a.State, err)
				}
				untouched(t)
			})
		})
	}
}

// cutInHalf writes an MP4 whose index (moov) sits at the end, then keeps
// only the first half of it: an upload cut short.
func cutInHalf(t *testing.T, ff, dst string) {
	t.Helper()
	whole := dst + ".whole.mp4"
	out, err := exec.CommandContext(t.Context(), ff, "-hide_banner", "-nostdin", "-v", "error", "-y",
		"-f", "lavfi", "-i", "testsrc2=size=320x180:rate=24", "-t", "2", "-c:v", "libx264", "-preset", "ultrafast", whole).CombinedOutput()
	if err != nil {
		t.Fatalf("make MP4: %v\n%s", err, out)
	}
	data, err := os.ReadFile(whole)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(dst, data[:len(data)/2], 0o644); err != nil {
		t.Fatal(err)
	}
}

// fullStore fails every Put under assets/ after the first few, as a disk
// or bucket that fills up.
type fullStore struct {
	blob.Store
	after int64
	n     atomic.Int64
}

func (f *fullStore) Put(ctx context.Context, key string, r io.Reader, size int64, contentType string) error {
	if strings.HasPrefix(key, "assets/") && f.n.Add(1) > f.after {
		return fmt.Errorf("blob: put %s: write: no space left on device", key)
	}
	return f.Store.Put(ctx, key, r, size, contentType)
}
