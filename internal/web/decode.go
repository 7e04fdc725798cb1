package web

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"strings"
)

// decodeJSON reads one JSON object into v, refusing unknown fields, a wrong
// content type, trailing data and bodies over the limit (413 via the adapter).
func decodeJSON(r *http.Request, v any) error {
	if ct := r.Header.Get("Content-Type"); ct != "" {
		mt, _, _ := mime.ParseMediaType(ct)
		if mt != "application/json" {
			return &httpError{status: http.StatusUnsupportedMediaType, detail: "send the body as application/json, not " + ct}
		}
	}
	dec := json.NewDecoder(r.Body)
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		var mbe *http.MaxBytesError
		var syn *json.SyntaxError
		var typ *json.UnmarshalTypeError
		switch {
		case errors.As(err, &mbe):
			return err
		case errors.Is(err, io.EOF):
			return errBadRequest("body", "", "the request body is empty; send a JSON object")
		case errors.As(err, &syn):
			return errBadRequest("body", "", fmt.Sprintf("the body is not valid JSON (at byte %d)", syn.Offset))
		case errors.As(err, &typ):
			return errBadRequest(typ.Field, typ.Value, fmt.Sprintf("%s must be a %s, not a %s", typ.Field, typ.Type, typ.Value))
		case strings.HasPrefix(err.Error(), "json: unknown field "):
			name := strings.Trim(strings.TrimPrefix(err.Error(), "json: unknown field "), `"`)
			return errBadRequest(name, "", "unknown field "+name+"; see /api/v1/openapi.json for the fields this accepts")
		default:
			// Errors from our own UnmarshalJSON (a malformed date) read well.
			return errBadRequest("body", "", err.Error())
		}
	}
	if dec.More() {
		return errBadRequest("body", "", "send one JSON object, nothing after it")
	}
	return nil
}
