package playback

import (
	"errors"
	"strings"
)

// ErrBadPath is a stream path that could leave the asset (or name something
// an asset never holds); the stream handler answers 404.
var ErrBadPath = errors.New("stream path not found")

const (
	maxStreamPath  = 512
	maxStreamDepth = 8
)

// CleanStreamPath checks the part of a stream URL after the token (as the
// router decoded it, such as "720p/seg_00042.m4s") and returns it when it
// names a file inside the asset, or ErrBadPath. It accepts only relative
// paths of '/'-separated names made of ASCII letters, digits, '_', '-' and
// '.', each starting with a letter, digit or '_', and never two dots in a row. So it refuses "..", ".",
// hidden files, empty segments, absolute paths, backslashes, NUL and other
// control characters, '%' (an encoded dot or slash that a later decode
// could turn into "..") and anything non-ASCII, without consulting the file
// system.
func CleanStreamPath(p string) (string, error) {
	if p == "" || len(p) > maxStreamPath || strings.Contains(p, "..") {
		return "", ErrBadPath
	}
	depth := 0
	for seg := range strings.SplitSeq(p, "/") {
		depth++
		if depth > maxStreamDepth || seg == "" || !validFirst(seg[0]) {
			return "", ErrBadPath
		}
		for i := 1; i < len(seg); i++ {
			if c := seg[i]; !validFirst(c) && c != '.' && c != '-' {
				return "", ErrBadPath
			}
		}
	}
	return p, nil
}

func validFirst(c byte) bool {
	return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '_'
}
