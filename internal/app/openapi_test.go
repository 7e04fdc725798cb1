package app

import (
	"net/http"
	"sync"
	"testing"

	"github.com/lineup/lineup/internal/web"
	"github.com/lineup/lineup/internal/web/openapitest"
)

var openAPI struct {
	once    sync.Once
	checker *openapitest.Checker
	err     error
}

// checkedTransport carries a test's requests (through base, or the default
// transport) and holds every exchange with the API against openapi.json:
// what the whole service answers must be what the document says.
func checkedTransport(t *testing.T, base http.RoundTripper) http.RoundTripper {
	t.Helper()
	openAPI.once.Do(func() { openAPI.checker, openAPI.err = openapitest.New(web.OpenAPIDocument()) })
	if openAPI.err != nil {
		t.Fatal(openAPI.err)
	}
	return &openapitest.Transport{Checker: openAPI.checker, Base: base, Fail: t.Errorf}
}
