package web

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

// TestMediaURLNamesTheCDN: with LINEUP_MEDIA_URL set, a protected asset's
// media playlists point their segments at that origin, the pages' CSP
// lets the player fetch from it, and the shared segments answer any
// origin's fetch (CORS) with public, immutable caching and no cookie.
func TestMediaURLNamesTheCDN(t *testing.T) {
	vs := newViewerServer(t)
	d := vs.srv.Deps
	d.MediaURL = "https://media.example"
	d.Registry = nil
	srv, err := New(d)
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(checkAPI(t, srv))
	t.Cleanup(ts.Close)
	vs.srv, vs.url = srv, ts.URL
	ctx := context.Background()
	pl := "#EXTM3U\n#EXT-X-VERSION:7\n#EXT-X-MAP:URI=\"init_0.mp4\"\n#EXT-X-KEY:METHOD=AES-128,URI=\"lineup-key:0\",IV=0x000102030405060708090a0b0c0d0e0f\n#EXTINF:4.0,\nseg_00001.m4s\n#EXT-X-ENDLIST\n"
	seg := strings.Repeat("0123456789", 1000)
	for key, body := range map[string]string{"assets/1/1/v1/360p/index.m3u8": pl, "assets/1/1/v1/360p/seg_00001.m4s": seg} {
		if err := vs.srv.Blob.Put(ctx, key, strings.NewReader(body), int64(len(body)), ""); err != nil {
			t.Fatal(err)
		}
	}
	vs.srv.prefixes.m = map[int64]published{1: {prefix: "assets/1/1/v1/", protected: true}}
	vs.srv.protectedPrefixes.m = map[string]bool{"assets/1/1/v1/": true}

	tok := vs.token(1, time.Now().Add(time.Hour))
	resp, body := get(t, vs.url+"/stream/"+tok+"/1/360p/index.m3u8", nil)
	if resp.StatusCode != 200 {
		t.Fatalf("media playlist: %d %s", resp.StatusCode, body)
	}
	if !strings.Contains(body, "\nhttps://media.example/media/1/1/v1/360p/seg_00001.m4s\n") || !strings.Contains(body, `URI="https://media.example/media/1/1/v1/360p/init_0.mp4"`) {
		t.Errorf("segments and init must be fetched from LINEUP_MEDIA_URL:\n%s", body)
	}
	if !strings.Contains(body, `URI="/keys/`+tok+`/1/0"`) {
		t.Errorf("the key stays on this origin, per viewer:\n%s", body)
	}

	resp, _ = get(t, vs.url+"/signin", nil)
	if csp := resp.Header.Get("Content-Security-Policy"); !strings.Contains(csp, "media-src 'self' blob: https://media.example") || !strings.Contains(csp, "connect-src 'self' https://media.example") {
		t.Errorf("the pages' CSP must let the player fetch from LINEUP_MEDIA_URL: %q", csp)
	}

	resp, body = get(t, vs.url+"/media/1/1/v1/360p/seg_00001.m4s", map[string]string{"Origin": "https://lineup.example"})
	if resp.StatusCode != 200 || body != seg {
		t.Fatalf("a shared segment answers with no token and no cookie: %d", resp.StatusCode)
	}
	if resp.Header.Get("Access-Control-Allow-Origin") != "*" {
		t.Errorf("shared segments carry CORS so a page on another origin can fetch them: %v", resp.Header)
	}
	if resp.Header.Get("Cache-Control") != "public, max-age=31536000, immutable" || resp.Header.Get("Set-Cookie") != "" {
		t.Errorf("shared segments are public, immutable and set no cookie: %v", resp.Header)
	}
	for _, path := range []string{"/media/1/1/v1/360p/index.m3u8", "/media/1/1/v1/manifest.json", "/media/9/9/elsewhere/secret.m4s", "/media/1/1/v1/..%2F..%2F9/secret.m3u8", "/media/1/a1/360p/seg_00001.m4s"} {
		if resp, _ := get(t, vs.url+path, nil); resp.StatusCode != http.StatusNotFound {
			t.Errorf("%s must be 404 on the shared path (playlists are per viewer; nothing outside a protected asset): %d", path, resp.StatusCode)
		}
	}
}
