package web

import (
	"bytes"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"

	"github.com/lineup/lineup/internal/web/openapitest"
)

// The API tests talk to the server through checkAPI, which holds every
// request and answer of the API against openapi.json (openapitest, with
// kin-openapi), so that the document is what the server does.

var apiDoc struct {
	once    sync.Once
	checker *openapitest.Checker
	err     error
}

// openAPIChecker loads and validates openapi.json once for the package.
func openAPIChecker(t *testing.T) *openapitest.Checker {
	t.Helper()
	apiDoc.once.Do(func() { apiDoc.checker, apiDoc.err = openapitest.New(openAPIDocument) })
	if apiDoc.err != nil {
		t.Fatal(apiDoc.err)
	}
	return apiDoc.checker
}

// checkAPI wraps a server so that every API request and answer in a test
// is checked against openapi.json (see openapitest); a mismatch fails t.
func checkAPI(t *testing.T, h http.Handler) http.Handler {
	c := openAPIChecker(t)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !openapitest.Documented(r.URL.Path) {
			h.ServeHTTP(w, r)
			return
		}
		var body []byte
		if r.Body != nil && r.Body != http.NoBody && r.ContentLength >= 0 && r.ContentLength <= openapitest.MaxCheckedBody {
			body, _ = io.ReadAll(r.Body)
			r.Body = io.NopCloser(bytes.NewReader(body))
		}
		req := r.Clone(r.Context())
		rec := &heldAnswer{header: http.Header{}}
		h.ServeHTTP(rec, r)
		if rec.status == 0 {
			rec.status = http.StatusOK
		}
		if err := c.Check(req, body, rec.status, rec.header, rec.body.Bytes()); err != nil {
			t.Error(err)
		}
		rec.send(w)
	})
}

// heldAnswer holds a response until it has been checked.
type heldAnswer struct {
	header http.Header
	status int
	body   bytes.Buffer
}

func (a *heldAnswer) Header() http.Header { return a.header }

func (a *heldAnswer) WriteHeader(status int) {
	if a.status == 0 {
		a.status = status
	}
}

func (a *heldAnswer) Write(b []byte) (int, error) {
	if a.status == 0 {
		a.status = http.StatusOK
	}
	return a.body.Write(b)
}

func (a *heldAnswer) send(w http.ResponseWriter) {
	for k, v := range a.header {
		w.Header()[k] = v
	}
	if a.status == 0 {
		a.status = http.StatusOK
	}
	w.WriteHeader(a.status)
	w.Write(a.body.Bytes())
}

// TestOpenAPIDocumentIsComplete holds openapi.json to what a client
// generator needs: an operationId on every operation; every error status
// a problem+json answer; 503 (with Retry-After) wherever a dependency is
// used; the admin operations' 401, 403 and 429 and both ways in (bearer
// token, an admin's session cookie); every JSON request body a closed
// schema (additionalProperties false, as decodeJSON refuses unknown
// fields) with 400, 413 and 415 documented.
func TestOpenAPIDocumentIsComplete(t *testing.T) {
	doc := openAPIChecker(t).Doc
	if s := doc.Components.SecuritySchemes["session"]; s == nil || s.Value.Type != "apiKey" || s.Value.In != "cookie" || s.Value.Name != sessionCookie {
		t.Errorf("openapi.json must describe the session cookie %q as a security scheme (apiKey in cookie)", sessionCookie)
	}
	admin := map[string]bool{}
	for _, r := range (&Server{}).routes() {
		if r.admin {
			admin[strings.ToLower(r.method)+" "+strings.ReplaceAll(r.pattern, "...}", "}")] = true
		}
	}
	ids := map[string]string{}
	for path, item := range doc.Paths.Map() {
		for method, op := range item.Operations() {
			name := method + " " + path
			key := strings.ToLower(method) + " " + path
			if op.OperationID == "" {
				t.Errorf("%s has no operationId", name)
			} else if other, dup := ids[op.OperationID]; dup {
				t.Errorf("%s and %s share the operationId %q", name, other, op.OperationID)
			}
			ids[op.OperationID] = name
			for code, resp := range op.Responses.Map() {
				if code < "400" {
					continue
				}
				if mt := resp.Value.Content.Get("application/problem+json"); mt == nil || mt.Schema == nil || mt.Schema.Ref != "#/components/schemas/Problem" {
					t.Errorf("%s: its %s answer must be application/problem+json with the Problem schema", name, code)
				}
			}
			has := func(code string) bool { return op.Responses.Status(mustAtoi(code)) != nil }
			if path != "/healthz" && path != "/api/v1/openapi.json" {
				if r := op.Responses.Status(503); r == nil || r.Value.Headers["Retry-After"] == nil {
					t.Errorf("%s must document 503 with Retry-After (a dependency down)", name)
				}
			}
			if admin[key] {
				for _, c := range []string{"401", "403", "429"} {
					if !has(c) {
						t.Errorf("%s needs the admin role, so it must document %s", name, c)
					}
				}
				if op.Security == nil || len(*op.Security) != 2 {
					t.Errorf("%s must say it takes the admin bearer token or an admin's session", name)
				}
			}
			if op.RequestBody == nil {
				continue
			}
			mt := op.RequestBody.Value.Content.Get("application/json")
			if mt == nil {
				continue
			}
			for _, c := range []string{"400", "413", "415"} {
				if !has(c) {
					t.Errorf("%s takes JSON, so it must document %s", name, c)
				}
			}
			if s := mt.Schema.Value; s == nil || s.AdditionalProperties.Has == nil || *s.AdditionalProperties.Has {
				t.Errorf("%s: its request schema must say additionalProperties: false (the server refuses unknown fields)", name)
			}
		}
	}
}

func mustAtoi(s string) int {
	n := 0
	fmt.Sscanf(s, "%d", &n)
	return n
}
