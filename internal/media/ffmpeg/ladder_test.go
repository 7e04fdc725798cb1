package ffmpeg

import (
	"fmt"
	"testing"
)

func TestChooseLadder(t *testing.T) {
	cases := []struct {
		w, h  int
		fps   float64
		names []string
		sizes []string
	}{
		{1920, 1080, 24, []string{"1080p", "720p", "480p", "360p", "240p"}, []string{"1920x1080", "1280x720", "854x480", "640x360", "426x240"}},
		{1280, 720, 24, []string{"720p", "480p", "360p", "240p"}, []string{"1280x720", "854x480", "640x360", "426x240"}},
		{3840, 2160, 30, []string{"1080p", "720p", "480p", "360p", "240p"}, []string{"1920x1080", "1280x720", "854x480", "640x360", "426x240"}},
		{1000, 800, 25, []string{"720p", "480p", "360p", "240p"}, []string{"900x720", "600x480", "450x360", "300x240"}},
		{1440, 1080, 25, []string{"1080p", "720p", "480p", "360p", "240p"}, []string{"1440x1080", "960x720", "640x480", "480x360", "320x240"}},
		{1998, 1080, 24, []string{"1080p", "720p", "480p", "360p", "240p"}, []string{"1998x1080", "1332x720", "888x480", "666x360", "444x240"}},
		{640, 360, 30, []string{"360p", "240p"}, []string{"640x360", "426x240"}},
		{320, 180, 30, []string{"180p"}, []string{"320x180"}},
		{175, 99, 30, []string{"100p"}, []string{"176x100"}},
	}
	for _, c := range cases {
		t.Run(fmt.Sprintf("%dx%d@%g", c.w, c.h, c.fps), func(t *testing.T) {
			rungs := ChooseLadder(c.w, c.h, c.fps)
			if len(rungs) != len(c.names) {
				t.Fatalf("want %d rungs %v, got %+v", len(c.names), c.names, rungs)
			}
			for i, r := range rungs {
				if r.Name != c.names[i] || fmt.Sprintf("%dx%d", r.Width, r.Height) != c.sizes[i] {
					t.Errorf("rung %d: got %s %dx%d, want %s %s", i, r.Name, r.Width, r.Height, c.names[i], c.sizes[i])
				}
				if r.Height > max(c.h, 2) && len(rungs) > 1 {
					t.Errorf("no rung may be taller than the source: %s", r.Name)
				}
				if r.Width%2 != 0 || r.Height%2 != 0 {
					t.Errorf("rung sizes must be even: %dx%d", r.Width, r.Height)
				}
				if i > 0 && r.Bitrate >= rungs[i-1].Bitrate {
					t.Errorf("bitrates must fall down the ladder: %s %d >= %s %d", r.Name, r.Bitrate, rungs[i-1].Name, rungs[i-1].Bitrate)
				}
				if r.MaxRate <= r.Bitrate || r.BufSize <= 0 {
					t.Errorf("%s: maxrate must exceed the target and bufsize be positive: %+v", r.Name, r)
				}
			}
		})
	}
}

func TestChooseLadderBitrates(t *testing.T) {
	// The documented formula, pinned at a few points.
	cases := []struct {
		w, h int
		fps  float64
		want int
	}{
		{1920, 1080, 30, 4977000},
		{1920, 1080, 60, 8370000},
		{1280, 720, 30, 2448000},
		{426, 240, 30, 357000},
	}
	for _, c := range cases {
		r := ChooseLadder(c.w, c.h, c.fps)[0]
		if r.Bitrate != c.want {
			t.Errorf("%dx%d@%g: bitrate %d, formula gives %d", c.w, c.h, c.fps, r.Bitrate, c.want)
		}
	}
	if a, b := ChooseLadder(1920, 1080, 24)[0].Bitrate, ChooseLadder(1920, 1080, 30)[0].Bitrate; a >= b {
		t.Errorf("a lower frame rate must get a lower bitrate: 24 fps %d, 30 fps %d", a, b)
	}
	if a, b := ChooseLadder(1920, 1080, 0)[0], ChooseLadder(1920, 1080, 30)[0]; a != b {
		t.Errorf("an unknown frame rate must count as 30 fps")
	}
	if ChooseLadder(0, 1080, 30) != nil || ChooseLadder(1920, -1, 30) != nil {
		t.Errorf("a source without a size must get no ladder")
	}
}
