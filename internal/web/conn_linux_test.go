package web

import (
	"context"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestSegmentsLeaveTheConnectionUncorked serves segments, whole and in
// ranges, over one kept-alive connection of a server set up as lineup
// serve sets it up, and checks the bytes and that the connection is not
// left corked afterwards: a corked connection would hold back the end of
// the next small response (a playlist) for 200 ms.
func TestSegmentsLeaveTheConnectionUncorked(t *testing.T) {
	vs := newViewerServer(t)
	conns := make(chan *net.TCPConn, 4)
	ts := httptest.NewUnstartedServer(vs.srv)
	ts.Config.ConnContext = func(ctx context.Context, c net.Conn) context.Context {
		if tc, ok := c.(*net.TCPConn); ok {
			conns <- tc
		}
		return ConnContext(ctx, c)
	}
	ts.Start()
	defer ts.Close()
	client := &http.Client{Transport: &http.Transport{MaxConnsPerHost: 1}}
	base := ts.URL + "/stream/" + vs.token(1, time.Now().Add(time.Hour)) + "/1/"
	want := strings.Repeat("0123456789", 1000)

	for _, c := range []struct {
		what, path, rng, body string
	}{
		{"a whole segment", "360p/seg_00001.m4s", "", want},
		{"a range of a segment", "360p/seg_00001.m4s", "bytes=100-4099", want[100:4100]},
		{"the master playlist after a segment", "master.m3u8", "", "#EXTM3U\n#EXT-X-STREAM-INF:BANDWIDTH=1000\n360p/index.m3u8\n"},
	} {
		req, _ := http.NewRequest("GET", base+c.path, nil)
		if c.rng != "" {
			req.Header.Set("Range", c.rng)
		}
		resp, err := client.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		b, err := io.ReadAll(resp.Body)
		resp.Body.Close()
		if err != nil {
			t.Fatal(err)
		}
		if resp.StatusCode >= 300 || string(b) != c.body {
			t.Fatalf("%s: a corked send must deliver the same bytes: status %d, %d bytes", c.what, resp.StatusCode, len(b))
		}
	}
	if n := len(conns); n != 1 {
		t.Fatalf("the three requests were meant to share one kept-alive connection, they used %d", n)
	}
	tc := <-conns
	rc, err := tc.SyscallConn()
	if err != nil {
		t.Fatal(err)
	}
	var corked int
	var gerr error
	rc.Control(func(fd uintptr) { corked, gerr = syscall.GetsockoptInt(int(fd), syscall.IPPROTO_TCP, syscall.TCP_CORK) })
	if gerr != nil {
		t.Fatal(gerr)
	}
	if corked != 0 {
		t.Errorf("a segment's response must uncork its connection when it is written (TCP_CORK is %d), or the next response waits 200 ms", corked)
	}
}
