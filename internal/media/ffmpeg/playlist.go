package ffmpeg

import (
	"errors"
	"fmt"
	"math"
	"strings"
)

// MediaPlaylist is a VOD media playlist Lineup writes itself (ffmpeg
// writes the rungs' and audio renditions'): the segmented WebVTT
// subtitles and the I-frame playlists. Every segment it lists is a whole
// file of its own, never a byte range, so that a later step that
// encrypts each listed segment file whole (HLS AES-128) covers these too.
type MediaPlaylist struct {
	// Map is the initialization section's URI (EXT-X-MAP), "" for none.
	Map string
	// IFramesOnly marks an I-frame playlist (EXT-X-I-FRAMES-ONLY).
	IFramesOnly bool
	// Segments are the segments in order.
	Segments []PlaylistSegment
}

// PlaylistSegment is one segment of a MediaPlaylist.
type PlaylistSegment struct {
	// URI is the segment file, relative to the playlist.
	URI string
	// Seconds is its duration (for an I-frame, the time until the next one).
	Seconds float64
}

// Bytes renders the playlist, or says why it cannot: no segments, a
// segment without a positive duration, a URI that is empty or breaks a line.
func (p MediaPlaylist) Bytes() ([]byte, error) {
	if len(p.Segments) == 0 {
		return nil, errors.New("ffmpeg: media playlist: no segments")
	}
	target := 1
	for _, s := range p.Segments {
		if !(s.Seconds > 0) || math.IsInf(s.Seconds, 0) {
			return nil, fmt.Errorf("ffmpeg: media playlist: segment %s lasts %v s", s.URI, s.Seconds)
		}
		if s.URI == "" || strings.ContainsAny(s.URI, "\r\n\"") || strings.HasPrefix(s.URI, "#") {
			return nil, fmt.Errorf("ffmpeg: media playlist: bad segment URI %q", s.URI)
		}
		// RFC 8216 4.3.3.1: the target is at least every duration rounded.
		target = max(target, int(math.Round(s.Seconds)))
	}
	var b strings.Builder
	b.WriteString("#EXTM3U\n#EXT-X-VERSION:7\n")
	fmt.Fprintf(&b, "#EXT-X-TARGETDURATION:%d\n#EXT-X-MEDIA-SEQUENCE:0\n#EXT-X-PLAYLIST-TYPE:VOD\n", target)
	if p.IFramesOnly {
		b.WriteString("#EXT-X-I-FRAMES-ONLY\n")
	}
	if p.Map != "" {
		if !quotable(p.Map) {
			return nil, fmt.Errorf("ffmpeg: media playlist: bad map URI %q", p.Map)
		}
		fmt.Fprintf(&b, "#EXT-X-MAP:URI=%s\n", quote(p.Map))
	}
	for _, s := range p.Segments {
		fmt.Fprintf(&b, "#EXTINF:%.3f,\n%s\n", s.Seconds, s.URI)
	}
	b.WriteString("#EXT-X-ENDLIST\n")
	return []byte(b.String()), nil
}
