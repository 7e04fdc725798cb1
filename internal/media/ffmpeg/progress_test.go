package ffmpeg

import (
	"bytes"
	"math"
	"strings"
	"testing"
	"time"
)

// feed is ffmpeg 5.1's real -progress output for a 4 s encode, shortened.
const feed = `frame=0
fps=0.00
stream_0_0_q=0.0
bitrate=N/A
total_size=N/A
out_time_us=N/A
out_time_ms=N/A
out_time=N/A
dup_frames=0
drop_frames=0
speed=N/A
progress=continue
frame=49
fps=48.50
stream_0_0_q=28.0
bitrate=N/A
total_size=N/A
out_time_us=2000000
out_time_ms=2000000
out_time=00:00:02.000000
dup_frames=0
drop_frames=0
speed=1.98x
progress=continue
frame=97
fps=0.00
out_time_us=4040431
out_time_ms=4040431
out_time=00:00:04.040431
speed=4.54x
progress=end
`

func TestParseProgress(t *testing.T) {
	var got []Progress
	if err := ParseProgress(strings.NewReader(feed), 4*time.Second, func(p Progress) { got = append(got, p) }); err != nil {
		t.Fatal(err)
	}
	want := []Progress{
		{},
		{OutTime: 2 * time.Second, Speed: 1.98, Percent: 50, Frame: 49},
		{OutTime: 4040431 * time.Microsecond, Speed: 4.54, Percent: 100, Frame: 97, Done: true},
	}
	if len(got) != len(want) {
		t.Fatalf("one report per block: got %d, want %d", len(got), len(want))
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("report %d: got %+v, want %+v", i, got[i], want[i])
		}
	}
}

func TestParseProgressRules(t *testing.T) {
	cases := []struct {
		rule  string
		feed  string
		total time.Duration
		want  Progress
	}{
		{"unknown total gives no percent", "out_time_us=1000000\nprogress=continue\n", 0, Progress{OutTime: time.Second}},
		{"running past the total is not done", "out_time_us=5000000\nprogress=continue\n", 4 * time.Second, Progress{OutTime: 5 * time.Second, Percent: 99.9}},
		{"out_time is used when out_time_us is missing", "out_time=00:01:00.500000\nprogress=continue\n", 2 * time.Minute, Progress{OutTime: 60500 * time.Millisecond, Percent: 50.416666666666664}},
		{"negative times are ignored", "out_time_us=-577014\nout_time=-00:00:00.577014\nprogress=continue\n", time.Second, Progress{}},
		{"CRLF lines", "speed=2x\r\nprogress=end\r\n", 0, Progress{Speed: 2, Percent: 100, Done: true}},
	}
	for _, c := range cases {
		var last Progress
		if err := ParseProgress(strings.NewReader(c.feed), c.total, func(p Progress) { last = p }); err != nil {
			t.Errorf("%s: %v", c.rule, err)
		}
		if last != c.want {
			t.Errorf("%s: got %+v, want %+v", c.rule, last, c.want)
		}
	}
}

func FuzzParseProgress(f *testing.F) {
	f.Add([]byte(feed), int64(4*time.Second))
	f.Add([]byte("out_time_us=9223372036854775807\nspeed=NaNx\nprogress=continue\n"), int64(0))
	f.Add([]byte("speed=1e400x\nout_time=99999999:59:59.9\nprogress=end"), int64(-1))
	f.Fuzz(func(t *testing.T, data []byte, total int64) {
		_ = ParseProgress(bytes.NewReader(data), time.Duration(total), func(p Progress) {
			if p.OutTime < 0 {
				t.Fatalf("out time must not be negative: %v", p.OutTime)
			}
			if math.IsNaN(p.Speed) || math.IsInf(p.Speed, 0) || p.Speed < 0 {
				t.Fatalf("speed must be a finite non-negative number: %v", p.Speed)
			}
			if math.IsNaN(p.Percent) || p.Percent < 0 || p.Percent > 100 {
				t.Fatalf("percent must be within 0..100: %v", p.Percent)
			}
			if p.Done != (p.Percent == 100) {
				t.Fatalf("percent is 100 exactly when done: %+v", p)
			}
		})
	})
}
