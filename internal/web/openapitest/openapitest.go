// Package openapitest holds HTTP exchanges against Lineup's OpenAPI
// document (internal/web/openapi.json) with kin-openapi, for tests: the
// web package's API tests check every request and answer through it, and
// the whole-service tests check what their clients send and get.
//
// The rules, for an exchange on a documented route:
//   - the answer's status must be documented for the operation, with its
//     content type and required headers, and a JSON body must match the
//     schema;
//   - a request the document calls invalid (a missing required field, an
//     unknown one, a wrong type) must have been refused (4xx): the document
//     may not promise less than the server enforces.
//
// An /api/ request on no documented route must not have succeeded.
package openapitest

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
	"github.com/getkin/kin-openapi/routers/legacy"
)

func init() {
	// Bodies that are not JSON (playlists, segments, spreadsheets) are
	// checked for their content type only.
	openapi3filter.RegisterBodyDecoder("*/*", openapi3filter.FileBodyDecoder)
}

// Checker holds exchanges against one document.
type Checker struct {
	Doc    *openapi3.T
	router routers.Router
}

// New loads and validates an OpenAPI document.
func New(doc []byte) (*Checker, error) {
	d, err := openapi3.NewLoader().LoadFromData(doc)
	if err != nil {
		return nil, fmt.Errorf("openapi.json does not load: %w", err)
	}
	if err := d.Validate(context.Background()); err != nil {
		return nil, fmt.Errorf("openapi.json is not a valid OpenAPI document: %w", err)
	}
	// A test's host is not the document's; route by path.
	d.Servers = nil
	r, err := legacy.NewRouter(d)
	if err != nil {
		return nil, err
	}
	return &Checker{Doc: d, router: r}, nil
}

// Documented reports whether a path is one the document describes: the
// API, health and delivery.
func Documented(path string) bool {
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

// Check holds one exchange to the rules above: req as sent (its body is
// not read; reqBody is its content, nil when not checked), and the answer.
// It returns nil for an exchange that keeps them, or for a path the
// document does not describe.
func (c *Checker) Check(req *http.Request, reqBody []byte, status int, header http.Header, body []byte) error {
	if !Documented(req.URL.Path) {
		return nil
	}
	what := req.Method + " " + req.URL.RequestURI()
	route, params, err := c.router.FindRoute(req)
	if err != nil {
		if strings.HasPrefix(req.URL.Path, "/api/") && status < 400 {
			return fmt.Errorf("openapi: %s is not in openapi.json, yet the server answered %d", what, status)
		}
		return nil
	}
	vr := req.Clone(context.Background())
	vr.Body = io.NopCloser(bytes.NewReader(reqBody))
	in := &openapi3filter.RequestValidationInput{
		Request: vr, PathParams: params, Route: route,
		Options: &openapi3filter.Options{
			AuthenticationFunc: openapi3filter.NoopAuthenticationFunc, MultiError: true,
			ExcludeRequestBody: reqBody == nil, SkipSettingDefaults: true,
		},
	}
	var problems []string
	if err := openapi3filter.ValidateRequest(context.Background(), in); err != nil && status < 400 {
		problems = append(problems, fmt.Sprintf("the server answered %d to %s, a request openapi.json says is invalid (the document must say what the server accepts):\n%v\nbody: %.300s",
			status, what, err, reqBody))
	}
	out := &openapi3filter.ResponseValidationInput{
		RequestValidationInput: in, Status: status, Header: header,
		Options: &openapi3filter.Options{IncludeResponseStatus: true, MultiError: true},
	}
	out.SetBodyBytes(body)
	if err := openapi3filter.ValidateResponse(context.Background(), out); err != nil {
		problems = append(problems, fmt.Sprintf("the answer to %s does not match openapi.json (%s %d %s):\n%v\nbody: %.500s",
			what, route.Path, status, header.Get("Content-Type"), err, body))
	}
	if problems == nil {
		return nil
	}
	return fmt.Errorf("openapi: %s", strings.Join(problems, "\n"))
}

// MaxCheckedBody bounds the request bodies checked (read into memory);
// larger or unsized ones (film uploads) are passed on unread.
const MaxCheckedBody = 4 << 20

// Transport is an http.RoundTripper that checks every exchange it carries
// and hands each failure to Fail (a test's Errorf).
type Transport struct {
	Checker *Checker
	Base    http.RoundTripper
	Fail    func(format string, args ...any)
}

func (t *Transport) RoundTrip(req *http.Request) (*http.Response, error) {
	var reqBody []byte
	if req.Body != nil && req.Body != http.NoBody && req.ContentLength >= 0 && req.ContentLength <= MaxCheckedBody {
		b, err := io.ReadAll(req.Body)
		req.Body.Close()
		if err != nil {
			return nil, err
		}
		reqBody = b
		req.Body = io.NopCloser(bytes.NewReader(b))
	}
	base := t.Base
	if base == nil {
		base = http.DefaultTransport
	}
	resp, err := base.RoundTrip(req)
	if err != nil {
		return nil, err
	}
	body, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	resp.Body = io.NopCloser(bytes.NewReader(body))
	if err != nil {
		return resp, nil
	}
	if err := t.Checker.Check(req, reqBody, resp.StatusCode, resp.Header, body); err != nil {
		t.Fail("%v", err)
	}
	return resp, nil
}
