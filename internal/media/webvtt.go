package media

import (
	"fmt"
	"math"
	"strings"
	"time"

	"github.com/asticode/go-astisub"
)

// segmentWebVTT cuts a WebVTT file into segments of the given length that
// cover d. Each segment starts with an X-TIMESTAMP-MAP saying that cue
// time zero is media time start (in the 90 kHz clock HLS uses), so that a
// player lines the cues up with the picture however the video's timeline
// begins. A segment without cues is a valid empty WebVTT file.
func segmentWebVTT(webVTT []byte, d, segment time.Duration, start float64) (segs [][]byte, err error) {
	if segment <= 0 || d <= 0 {
		return nil, fmt.Errorf("media: subtitles: segment %v and duration %v must be positive", segment, d)
	}
	defer func() {
		if r := recover(); r != nil {
			segs, err = nil, fmt.Errorf("media: subtitles: WebVTT could not be read: %v", r)
		}
	}()
	subs, err := astisub.ReadFromWebVTT(strings.NewReader(string(webVTT)))
	if err != nil {
		return nil, fmt.Errorf("media: subtitles: %w", err)
	}
	mpegts := int64(math.Round(max(start, 0)*90000)) % (1 << 33)
	n := int((d + segment - 1) / segment)
	for k := range n {
		from, to := time.Duration(k)*segment, time.Duration(k+1)*segment
		var b strings.Builder
		fmt.Fprintf(&b, "WEBVTT\nX-TIMESTAMP-MAP=MPEGTS:%d,LOCAL:00:00:00.000\n", mpegts)
		for _, it := range subs.Items {
			if it.EndAt <= from || it.StartAt >= to {
				continue
			}
			var lines []string
			for _, l := range it.Lines {
				var parts []string
				for _, li := range l.Items {
					parts = append(parts, li.Text)
				}
				if t := strings.TrimSpace(strings.Join(parts, " ")); t != "" {
					lines = append(lines, t)
				}
			}
			if len(lines) == 0 {
				continue
			}
			fmt.Fprintf(&b, "\n%s --> %s\n%s\n", vttTime(it.StartAt), vttTime(it.EndAt), strings.Join(lines, "\n"))
		}
		segs = append(segs, []byte(b.String()))
	}
	return segs, nil
}
