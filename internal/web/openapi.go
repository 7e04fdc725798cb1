package web

import (
	_ "embed"
	"net/http"
)

// openAPIDocument is the OpenAPI 3.1 description of every route; a test
// keeps it in step with the route table.
//
//go:embed openapi.json
var openAPIDocument []byte

func (s *Server) openAPI(w http.ResponseWriter, r *http.Request) error {
	w.Header().Set("Content-Type", "application/json")
	_, err := w.Write(openAPIDocument)
	return err
}

// OpenAPIDocument is openapi.json, for tests elsewhere that check their
// exchanges against it (see openapitest).
func OpenAPIDocument() []byte { return openAPIDocument }
