package web

import (
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/lineup/lineup/internal/accounts"
)

// TestClientThatWentAwayIsNoFailure checks that a request whose client
// closed the connection while the handler worked is not logged as a
// server failure with an error ID, and is counted as 499.
func TestClientThatWentAwayIsNoFailure(t *testing.T) {
	vs := newViewerServer(t)
	var logged strings.Builder
	vs.srv.Log = slog.New(slog.NewTextHandler(&logged, nil))
	ctx, cancel := context.WithCancel(t.Context())
	h := vs.srv.adapt(func(w http.ResponseWriter, r *http.Request) error {
		cancel() // the player moved on while the segment was being opened
		return fmt.Errorf("blob: get assets/1/seg.m4s: %w", r.Context().Err())
	})
	rec := &statusRecorder{ResponseWriter: httptest.NewRecorder()}
	h.ServeHTTP(rec, httptest.NewRequestWithContext(ctx, "GET", "/stream/t/1/seg.m4s", nil))
	if strings.Contains(logged.String(), "level=ERROR") {
		t.Errorf("a client that went away is not a server failure, yet it was logged as one:\n%s", logged.String())
	}
	if rec.status != statusClientClosed {
		t.Errorf("a client that went away must be counted as %d, got %d", statusClientClosed, rec.status)
	}
}

// TestCSRFLeavesAnUploadUnread checks that checking the CSRF token of a
// multipart upload (from the header or the csrf query parameter) leaves
// the body for the handler to stream: parsing it there would buffer the
// whole film and leave the handler nothing to read.
func TestCSRFLeavesAnUploadUnread(t *testing.T) {
	s := &Server{Deps: Deps{CSRFKey: []byte("csrf-key-for-tests")}}
	v := &viewer{session: accounts.Session{ID: "session-1"}}
	token := accounts.CSRFToken(s.CSRFKey, "session-1")
	for _, how := range []string{"header", "query"} {
		var body bytes.Buffer
		mw := multipart.NewWriter(&body)
		fw, _ := mw.CreateFormFile("video", "film.mp4")
		fw.Write([]byte("not really a film"))
		mw.Close()
		target := "/admin/ingest"
		if how == "query" {
			target += "?csrf=" + url.QueryEscape(token)
		}
		r := httptest.NewRequestWithContext(context.WithValue(context.Background(), ctxKey{}, v), "POST", target, &body)
		r.Header.Set("Content-Type", mw.FormDataContentType())
		if how == "header" {
			r.Header.Set("X-CSRF-Token", token)
		}
		if err := s.checkCSRF(r); err != nil {
			t.Fatalf("an upload's CSRF token in the %s must be accepted: %v", how, err)
		}
		mr, err := r.MultipartReader()
		if err != nil {
			t.Fatalf("after the CSRF check (token in the %s) the upload must still be there to stream: %v", how, err)
		}
		if p, err := mr.NextPart(); err != nil || p.FormName() != "video" {
			t.Errorf("the upload's first part must still be unread (token in the %s): %v", how, err)
		}
	}
}
