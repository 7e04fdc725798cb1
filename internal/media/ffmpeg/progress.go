package ffmpeg

import (
	"bufio"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"
	"time"
)

// Progress is one report of ffmpeg's -progress feed.
type Progress struct {
	// OutTime is how much of the output has been written, in media time.
	OutTime time.Duration
	// Speed is how many times faster than real time ffmpeg is going; 0
	// when not known yet.
	Speed float64
	// Percent is OutTime as a share of the total duration, from 0 to 100;
	// it is 0 when the total is unknown and 100 once Done.
	Percent float64
	// Frame is the number of video frames written (of the first output).
	Frame int64
	// Done reports ffmpeg's last report ("progress=end").
	Done bool
}

// maxProgressLine bounds one line of the feed; real lines are under 100 bytes.
const maxProgressLine = 4096

// ParseProgress reads ffmpeg's -progress feed (key=value lines, each block
// closed by "progress=continue" or "progress=end") from r and calls report
// once per block, in order, until r ends. total is the real duration of the
// source, used for Percent; 0 means unknown. Values ffmpeg cannot tell yet
// ("N/A") leave the previous figure in place. ParseProgress returns nil at
// the end of r and an error only when r fails or a line is absurdly long.
func ParseProgress(r io.Reader, total time.Duration, report func(Progress)) error {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 256), maxProgressLine)
	var p Progress
	for sc.Scan() {
		key, value, ok := strings.Cut(strings.TrimSpace(sc.Text()), "=")
		if !ok {
			continue
		}
		switch key {
		case "out_time_us", "out_time_ms": // both are microseconds (ffmpeg's naming slip)
			if us, err := strconv.ParseInt(value, 10, 64); err == nil && us >= 0 && us < math.MaxInt64/1000 {
				p.OutTime = time.Duration(us) * time.Microsecond
			}
		case "out_time":
			if p.OutTime == 0 {
				if d := parseClock(value); d > 0 {
					p.OutTime = d
				}
			}
		case "speed":
			if s, err := strconv.ParseFloat(strings.TrimSuffix(strings.TrimSpace(value), "x"), 64); err == nil && s >= 0 && !math.IsInf(s, 0) && !math.IsNaN(s) {
				p.Speed = s
			}
		case "frame":
			if n, err := strconv.ParseInt(value, 10, 64); err == nil && n >= 0 {
				p.Frame = n
			}
		case "progress":
			p.Done = value == "end"
			p.Percent = percent(p.OutTime, total, p.Done)
			report(p)
		}
	}
	if err := sc.Err(); err != nil {
		return fmt.Errorf("ffmpeg: progress: %w", err)
	}
	return nil
}

func percent(out, total time.Duration, done bool) float64 {
	switch {
	case done:
		return 100
	case total <= 0:
		return 0
	}
	pc := 100 * float64(out) / float64(total)
	// The last packets can run a little past the source's duration; only
	// "progress=end" means finished.
	return min(max(pc, 0), 99.9)
}
