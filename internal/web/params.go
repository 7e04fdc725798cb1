package web

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/lineup/lineup/internal/rights"
)

// pathID reads a positive integer path value.
func pathID(r *http.Request, name string) (int64, error) {
	v := r.PathValue(name)
	id, err := strconv.ParseInt(v, 10, 64)
	if err != nil || id <= 0 {
		return 0, errBadRequest(name, v, name+" must be a positive whole number")
	}
	return id, nil
}

// queryID reads an optional positive integer query parameter (0 if absent).
func queryID(r *http.Request, name string, required bool) (int64, error) {
	v := r.URL.Query().Get(name)
	if v == "" {
		if required {
			return 0, errBadRequest(name, "", "the query parameter "+name+" is required")
		}
		return 0, nil
	}
	id, err := strconv.ParseInt(v, 10, 64)
	if err != nil || id <= 0 {
		return 0, errBadRequest(name, v, name+" must be a positive whole number (a title ID)")
	}
	return id, nil
}

// queryTerritory reads one country code (required unless a default is set).
func (s *Server) queryTerritory(r *http.Request) (string, error) {
	v := strings.TrimSpace(r.URL.Query().Get("territory"))
	if v == "" {
		if s.DefaultTerritory == "" {
			return "", errBadRequest("territory", "", "the query parameter territory is required: an ISO 3166-1 alpha-2 code such as US")
		}
		return s.DefaultTerritory, nil
	}
	codes, err := rights.ParseTerritory(v)
	if err != nil {
		return "", errBadRequest("territory", v, err.Error())
	}
	if len(codes) != 1 {
		return "", errBadRequest("territory", v, "name one country here, not a region such as ZZ or EU")
	}
	return codes[0], nil
}

// queryAt reads the instant to answer for: RFC 3339 with an offset, default now.
func (s *Server) queryAt(r *http.Request) (time.Time, error) {
	v := r.URL.Query().Get("at")
	if v == "" {
		return s.Now(), nil
	}
	t, err := time.Parse(time.RFC3339Nano, v)
	if err != nil {
		return time.Time{}, errBadRequest("at", v, "at must be an RFC 3339 date-time with an offset, such as 2018-06-22T00:00:00+08:00")
	}
	return t, nil
}

// queryLimit reads an optional page size within [1, max].
func queryLimit(r *http.Request, def, max int) (int, error) {
	v := r.URL.Query().Get("limit")
	if v == "" {
		return def, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 1 || n > max {
		return 0, errBadRequest("limit", v, "limit must be a whole number from 1 to "+strconv.Itoa(max))
	}
	return n, nil
}

// queryBool reads an optional boolean query parameter.
func queryBool(r *http.Request, name string) (bool, error) {
	v := r.URL.Query().Get(name)
	if v == "" {
		return false, nil
	}
	b, err := strconv.ParseBool(v)
	if err != nil {
		return false, errBadRequest(name, v, name+" must be true or false")
	}
	return b, nil
}

// langOf is the language the request asks for (?lang=), English by default.
func langOf(r *http.Request) string {
	if l := r.URL.Query().Get("lang"); l != "" {
		return l
	}
	return "en"
}

func urlQuery(s string) string { return url.QueryEscape(s) }

func fmtInstant(t time.Time) string { return t.UTC().Format("2006-01-02 15:04Z") }
