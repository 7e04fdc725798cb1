package playback_test

import (
	"errors"
	"path"
	"path/filepath"
	"strings"
	"testing"

	"github.com/lineup/lineup/internal/playback"
)

func TestCleanStreamPath(t *testing.T) {
	tests := []struct {
		in   string
		ok   bool
		rule string
	}{
		{"master.m3u8", true, "the master playlist is inside the asset"},
		{"720p/index.m3u8", true, "a rung's playlist"},
		{"720p/seg_00042.m4s", true, "a segment"},
		{"audio_0/init.mp4", true, "an audio init segment"},
		{"subs/zh-Hans.vtt", true, "a subtitle file"},
		{"thumbs/sheet_001.jpg", true, "a trickplay sheet"},
		{"", false, "an empty path names nothing"},
		{"..", false, "dot-dot leaves the asset"},
		{"../other/master.m3u8", false, "dot-dot at the start leaves the asset"},
		{"720p/../../etc/passwd", false, "dot-dot inside leaves the asset"},
		{"720p/..", false, "a trailing dot-dot leaves the folder"},
		{"./master.m3u8", false, "a dot segment is not a name"},
		{"/etc/passwd", false, "an absolute path leaves the asset"},
		{"//evil/master.m3u8", false, "a network path leaves the asset"},
		{"720p//seg.m4s", false, "an empty segment is refused"},
		{"720p/", false, "a trailing slash names a folder"},
		{`720p\..\..\secret`, false, "a backslash is a separator somewhere"},
		{"seg\x00.m4s", false, "NUL truncates paths in C"},
		{"seg\n.m4s", false, "control characters are refused"},
		{"%2e%2e/secret", false, "an encoded dot could decode to dot-dot later"},
		{"720p%2fseg.m4s", false, "an encoded slash is refused"},
		{"%252e%252e", false, "a double-encoded dot is refused"},
		{".hidden", false, "hidden files are not asset files"},
		{"720p/.git", false, "hidden files deep down too"},
		{"C:/Windows/win.ini", false, "a drive letter is refused"},
		{"ｍａｓｔｅｒ.m3u8", false, "non-ASCII look-alikes are refused"},
		{"..\u2215etc", false, "a Unicode division slash is refused"},
		{"-rf.m4s", false, "a name may not start with a dash"},
		{strings.Repeat("a/", 8) + "b", false, "paths deeper than 8 are refused"},
		{strings.Repeat("a", 513), false, "paths longer than 512 are refused"},
	}
	for _, tt := range tests {
		got, err := playback.CleanStreamPath(tt.in)
		if tt.ok && (err != nil || got != tt.in) {
			t.Errorf("%s: CleanStreamPath(%q) = %q, %v; want it accepted", tt.rule, tt.in, got, err)
		}
		if !tt.ok && !errors.Is(err, playback.ErrBadPath) {
			t.Errorf("%s: CleanStreamPath(%q) = %q, %v; want ErrBadPath", tt.rule, tt.in, got, err)
		}
	}
}

func FuzzCleanStreamPath(f *testing.F) {
	for _, s := range []string{"master.m3u8", "720p/seg_00001.m4s", "../x", "a/../b", "%2e%2e", "/a", `a\b`, "a\x00b", "a//b", ".x"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, p string) {
		got, err := playback.CleanStreamPath(p)
		if err != nil {
			if !errors.Is(err, playback.ErrBadPath) {
				t.Fatalf("CleanStreamPath(%q): an error other than ErrBadPath: %v", p, err)
			}
			return
		}
		switch {
		case got != p:
			t.Fatalf("an accepted path is returned as given: %q → %q", p, got)
		case !filepath.IsLocal(got) || !filepath.IsLocal(filepath.FromSlash(got)):
			t.Fatalf("an accepted path must stay inside the asset: %q", got)
		case path.Clean(got) != got:
			t.Fatalf("an accepted path is already clean: %q", got)
		case strings.ContainsAny(got, "\\%\x00:") || strings.Contains(got, ".."):
			t.Fatalf("an accepted path has no backslash, percent, NUL, colon or dot-dot: %q", got)
		}
	})
}
