package web

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"os"
	"strings"
	"sync"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
	"github.com/getkin/kin-openapi/routers/legacy"
)

// The API tests talk to the server through checkAPI, which holds every
// request and heldAnswer of the API against openapi.json with kin-openapi, so
// that the document is what the server does, not what it once did:
//
//   - every heldAnswer's status must be documented for its operation, with its
//     content type, and a JSON body must match the schema;
//   - a request the document calls invalid (a missing required field, an
//     unknown one, a wrong type) must be refused by the server (4xx): the
//     document may not promise less than the server enforces;
//   - an /api/ request the document does not have must not succeed.

var apiDoc struct {
	once   sync.Once
	doc    *openapi3.T
	router routers.Router
	err    error
}

// openAPIRouter loads and validates openapi.json once for the package.
func openAPIRouter(t *testing.T) (*openapi3.T, routers.Router) {
	t.Helper()
	apiDoc.once.Do(func() {
		loader := openapi3.NewLoader()
		doc, err := loader.LoadFromData(openAPIDocument)
		if err != nil {
			apiDoc.err = fmt.Errorf("openapi.json does not load: %w", err)
			return
		}
		if err := doc.Validate(context.Background()); err != nil {
			apiDoc.err = fmt.Errorf("openapi.json is not a valid OpenAPI document: %w", err)
			return
		}
		// The test server's host is not the document's; route by path.
		doc.Servers = nil
		apiDoc.doc = doc
		apiDoc.router, apiDoc.err = legacy.NewRouter(doc)
		// Bodies that are not JSON are checked for their content type
		// only.
		for _, ct := range []string{"*/*"} {
			openapi3filter.RegisterBodyDecoder(ct, openapi3filter.FileBodyDecoder)
		}
	})
	if apiDoc.err != nil {
		t.Fatal(apiDoc.err)
	}
	return apiDoc.doc, apiDoc.router
}

// checked reports whether a path is one the document describes: the API,
// health and delivery.
func checked(path string) bool {
	if strings.HasPrefix(path, "/api/") || path == "/healthz" || path == "/readyz" {
		return true
	}
	for _, p := range []string{"/stream/", "/keys/", "/media/"} {
		if strings.HasPrefix(path, p) {
			return true
		}
	}
	return false
}

// maxCheckedBody bounds the request bodies checked (read into memory);
// larger or unsized ones (film uploads) are passed on unread.
const maxCheckedBody = 4 << 20

// checkAPI wraps a server so that every API request and heldAnswer in a test
// is checked against openapi.json; a mismatch fails t.
func checkAPI(t *testing.T, h http.Handler) http.Handler {
	_, router := openAPIRouter(t)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !checked(r.URL.Path) {
			h.ServeHTTP(w, r)
			return
		}
		what := r.Method + " " + r.URL.RequestURI()
		route, params, err := router.FindRoute(r)
		if err != nil {
			rec := &heldAnswer{header: http.Header{}}
			h.ServeHTTP(rec, r)
			if strings.HasPrefix(r.URL.Path, "/api/") && rec.status < 400 {
				t.Errorf("openapi: %s is not in openapi.json, yet the server answered %d", what, rec.status)
			}
			rec.send(w)
			return
		}
		var body []byte
		bodyChecked := r.Body != nil && r.Body != http.NoBody && r.ContentLength >= 0 && r.ContentLength <= maxCheckedBody
		if bodyChecked {
			body, _ = io.ReadAll(r.Body)
			r.Body = io.NopCloser(bytes.NewReader(body))
		}
		vr := r.Clone(r.Context())
		vr.Body = io.NopCloser(bytes.NewReader(body))
		in := &openapi3filter.RequestValidationInput{
			Request: vr, PathParams: params, Route: route,
			Options: &openapi3filter.Options{
				AuthenticationFunc: openapi3filter.NoopAuthenticationFunc, MultiError: true,
				ExcludeRequestBody: !bodyChecked, SkipSettingDefaults: true,
			},
		}
		reqErr := openapi3filter.ValidateRequest(r.Context(), in)
		rec := &heldAnswer{header: http.Header{}}
		h.ServeHTTP(rec, r)
		if rec.status == 0 {
			rec.status = http.StatusOK
		}
		if reqErr != nil && rec.status < 400 {
			t.Errorf("openapi: the server answered %d to %s, a request openapi.json says is invalid (the document must say what the server accepts):\n%v\nbody: %.300s",
				rec.status, what, reqErr, body)
		}
		out := &openapi3filter.ResponseValidationInput{
			RequestValidationInput: in, Status: rec.status, Header: rec.header,
			Options: &openapi3filter.Options{IncludeResponseStatus: true, MultiError: true},
		}
		out.SetBodyBytes(rec.body.Bytes())
		if err := openapi3filter.ValidateResponse(r.Context(), out); err != nil {
			t.Errorf("openapi: the answer to %s does not match openapi.json (%s %d %s):\n%v\nbody: %.500s",
				what, route.Path, rec.status, rec.header.Get("Content-Type"), err, rec.body.Bytes())
		}
		if dump := os.Getenv("LINEUP_TEST_OPENAPI_DUMP"); dump != "" && rec.status < 300 && strings.Contains(rec.header.Get("Content-Type"), "json") {
			f, _ := os.OpenFile(dump, os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o644)
			fmt.Fprintf(f, "%s %s %d\t%s\n", r.Method, route.Path, rec.status, bytes.TrimSpace(rec.body.Bytes()))
			f.Close()
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
	doc, _ := openAPIRouter(t)
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
