package media_test

import (
	"bytes"
	"context"
	"crypto/rand"
	"path"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/lineup/lineup/internal/blob"
	"github.com/lineup/lineup/internal/jobs"
	"github.com/lineup/lineup/internal/media"
	"github.com/lineup/lineup/internal/protect"
)

var protectKeyTag = regexp.MustCompile(`^#EXT-X-KEY:METHOD=AES-128,URI="lineup-key:(\d+)",IV=(0x[0-9a-f]{32})$`)

// TestProtectAllEncryptsClearAssets is `lineup media protect --all` (issue
// 9): an asset published before encryption existed is encrypted by a job,
// with no re-encode (every segment decrypts to the clear asset's very
// bytes), and replaces the clear asset in one step; the clear asset's files
// stay for whoever is playing them; running it again, while the job waits
// or after it is done, queues nothing.
func TestProtectAllEncryptsClearAssets(t *testing.T) {
	for _, tc := range []struct {
		name string
		opts rigOptions
	}{{"sqlite", rigOptions{}}, {"postgres", rigOptions{postgres: true}}} {
		t.Run(tc.name, func(t *testing.T) {
			tc.opts.cfg.Preset = "ultrafast"
			r := newRig(t, tc.opts)
			ctx := t.Context()
			sample, err := media.GenerateSample(ctx, r.cfg.FFmpegPath, t.TempDir(), media.SampleOptions{Seconds: 8, Width: 640, Height: 360, Label: "Clear"})
			if err != nil {
				t.Fatal(err)
			}
			titleID := r.title(t, "Clear", "en")
			// Before encryption existed: a service without content keys
			// publishes a clear asset.
			clear, err := r.web.Ingest(ctx, media.IngestRequest{TitleID: titleID, Source: open(t, sample.Video), Filename: "clear.mp4",
				Subtitles: []media.Track{{Language: "en", Filename: "en.vtt", Reader: open(t, sample.Subtitles["en"])}}})
			if err != nil {
				t.Fatal(err)
			}
			q1, _ := r.worker(t, jobs.Config{})
			clear = r.wait(t, clear.ID, 3*time.Minute, nil)
			if clear.State != media.StateReady {
				t.Fatalf("the clear asset must encode: %s %s", clear.State, clear.Error)
			}
			stop, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			q1.Stop(stop)
			cancel()
			if m, _ := blob.ReadManifest(ctx, r.blobs, clear.PublishedPrefix); m.Meta[media.MetaProtection] != "" {
				t.Fatalf("an asset published without content keys is clear: %v", m.Meta)
			}

			// Encryption arrives.
			kek, _ := protect.NewKEK([]byte(rand.Text() + rand.Text())[:32])
			keys := protect.NewKeys(r.db, kek)
			r.cfg.Keys = keys
			svc, err := media.New(r.db, r.blobs, r.queue(t, jobs.Config{}), r.cfg)
			if err != nil {
				t.Fatal(err)
			}
			first, err := svc.ProtectAll(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if len(first) != 1 || !first[0].Queued || first[0].Clear != clear.ID || first[0].Asset == 0 || first[0].JobID == 0 {
				t.Fatalf("protect --all must queue one job for the one clear playable asset: %+v", first)
			}
			again, err := svc.ProtectAll(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if len(again) != 1 || again[0].Queued || again[0].Asset != first[0].Asset || again[0].Note == "" {
				t.Fatalf("a second run while the job waits must queue nothing and name the asset under way: %+v", again)
			}
			waiting, _ := svc.Asset(ctx, first[0].Asset)
			if waiting.State != media.StateQueued || waiting.Protects != clear.ID {
				t.Errorf("the job's asset shows as queued, protecting asset %d, on the jobs page: %+v", clear.ID, waiting)
			}
			if p, _ := svc.PlayableAsset(ctx, titleID); p.ID != clear.ID {
				t.Errorf("until the job is done the clear asset plays")
			}

			r.worker(t, jobs.Config{})
			enc := r.wait(t, first[0].Asset, 2*time.Minute, nil)
			if enc.State != media.StateReady || enc.Protects != clear.ID {
				t.Fatalf("the protecting asset must become ready: %s %s", enc.State, enc.Error)
			}
			if p, _ := svc.PlayableAsset(ctx, titleID); p.ID != enc.ID {
				t.Fatalf("the title must switch to the encrypted asset, plays %d", p.ID)
			}
			if enc.Duration != clear.Duration || len(enc.Ladder) != len(clear.Ladder) || len(enc.Subtitles) != 1 {
				t.Errorf("the encrypted asset keeps the clear one's duration, ladder and tracks: %+v", enc)
			}
			m, err := blob.ReadManifest(ctx, r.blobs, enc.PublishedPrefix)
			if err != nil || m.Meta[media.MetaProtection] != media.ProtectionAES128 || m.Meta["asset_id"] != strconv.FormatInt(enc.ID, 10) {
				t.Fatalf("the new asset's manifest must say it is encrypted: %v %v", m.Meta, err)
			}
			for _, f := range m.Files {
				if f.Path == "manifest.mpd" {
					t.Errorf("an encrypted asset publishes no DASH manifest")
				}
			}

			// Every segment is encrypted, and decrypts to the clear
			// asset's bytes: no re-encode.
			read := func(key string) []byte {
				t.Helper()
				rc, _, err := r.blobs.Get(ctx, key, 0, -1)
				if err != nil {
					t.Fatal(err)
				}
				defer rc.Close()
				var b bytes.Buffer
				b.ReadFrom(rc)
				return b.Bytes()
			}
			master := string(read(enc.PublishedPrefix + "master.m3u8"))
			var playlists []string
			for _, l := range strings.Split(master, "\n") {
				if l != "" && !strings.HasPrefix(l, "#") {
					playlists = append(playlists, l)
				}
				if strings.Contains(l, "TYPE=AUDIO") {
					playlists = append(playlists, regexp.MustCompile(`URI="([^"]+)"`).FindStringSubmatch(l)[1])
				}
			}
			segments := 0
			for _, pl := range playlists {
				dir := path.Dir(pl) + "/"
				var key protect.Key
				var iv protect.IV
				for _, l := range strings.Split(string(read(enc.PublishedPrefix+pl)), "\n") {
					if m := protectKeyTag.FindStringSubmatch(l); m != nil {
						n, _ := strconv.Atoi(m[1])
						if key, err = keys.Get(ctx, enc.ID, enc.PublishedPrefix, n); err != nil {
							t.Fatal(err)
						}
						iv, _ = protect.ParseIV(m[2])
						continue
					}
					if l == "" || strings.HasPrefix(l, "#") {
						continue
					}
					ct, want := read(enc.PublishedPrefix+dir+l), read(clear.PublishedPrefix+dir+l)
					if len(ct) >= 8 && (string(ct[4:8]) == "moof" || string(ct[4:8]) == "styp") {
						t.Errorf("%s%s must not parse as MP4 after protect", dir, l)
					}
					plain, err := protect.Decrypt(ct, key, iv)
					if err != nil || !bytes.Equal(plain, want) {
						t.Errorf("%s%s must decrypt, with its key and IV, to the clear asset's bytes (no re-encode): %v", dir, l, err)
					}
					segments++
				}
			}
			if segments < 4 {
				t.Errorf("expected the video and audio segments to be checked, checked %d", segments)
			}
			// The clear asset's files stay for whoever plays them now.
			if still, _ := svc.Asset(ctx, clear.ID); still.State != media.StateReady || still.PublishedPrefix != clear.PublishedPrefix {
				t.Errorf("the clear asset stays published for viewers who started it: %+v", still)
			}
			if _, err := blob.ReadManifest(ctx, r.blobs, clear.PublishedPrefix); err != nil {
				t.Errorf("the clear asset's files stay until the collector's grace period: %v", err)
			}
			last, err := svc.ProtectAll(ctx)
			if err != nil || len(last) != 0 {
				t.Errorf("once done, protect --all finds nothing to do: %+v %v", last, err)
			}
			if all, _ := svc.Assets(ctx, titleID); len(all) != 2 {
				t.Errorf("running protect three times makes one new asset, the title has %d", len(all))
			}
		})
	}
}
