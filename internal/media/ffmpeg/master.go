package ffmpeg

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
)

// ffmpeg 5.1's HLS muxer writes a master playlist without AVERAGE-BANDWIDTH
// and FRAME-RATE, names every audio rendition "audio_<n>", omits CHANNELS,
// knows nothing of the WebVTT subtitles Lineup writes itself, and computes
// BANDWIDTH as 1.1 × the target bitrates rather than from what it wrote.
// RewriteMaster fixes all of that after the encode, from measurements.

// MasterInfo says what RewriteMaster writes into a master playlist.
type MasterInfo struct {
	// Variants, keyed by the variant's URI as the master lists it
	// ("720p/index.m3u8"), give each variant's figures. Every variant of
	// the master must have an entry.
	Variants map[string]VariantInfo
	// AudioNames, keyed by the audio rendition's URI, give the NAME a
	// viewer sees ("English", "中文"). A rendition without an entry keeps
	// its name.
	AudioNames map[string]string
	// AudioChannels, when positive, is written as CHANNELS on every audio
	// rendition.
	AudioChannels int
	// Subtitles are added as TYPE=SUBTITLES renditions in group "subs",
	// which every variant then refers to.
	Subtitles []SubtitleRendition
}

// VariantInfo is the measured figures of one variant.
type VariantInfo struct {
	// Bandwidth is the peak bitrate in bits per second, audio included.
	Bandwidth int
	// AverageBandwidth is the average bitrate in bits per second, audio included.
	AverageBandwidth int
	// FrameRate is the video frame rate.
	FrameRate float64
}

// SubtitleRendition is one WebVTT subtitle track of a master playlist.
type SubtitleRendition struct {
	// URI is the subtitle media playlist, relative to the master.
	URI string
	// Language is a BCP-47 tag.
	Language string
	// Name is the name a viewer sees.
	Name string
	// Default marks the track players show without being asked.
	Default bool
}

// subtitleGroup is the GROUP-ID of the subtitle renditions.
const subtitleGroup = "subs"

// RewriteMaster returns master with the figures, names and subtitle
// renditions of info written in: BANDWIDTH, AVERAGE-BANDWIDTH and
// FRAME-RATE on every EXT-X-STREAM-INF, NAME and CHANNELS on audio
// renditions, subtitle renditions after the audio ones (replacing those
// of an earlier rewrite), and EXT-X-INDEPENDENT-SEGMENTS. It refuses a master it does not understand
// and an info that names a URI the master lacks.
func RewriteMaster(master []byte, info MasterInfo) ([]byte, error) {
	lines, err := splitLines(master)
	if err != nil {
		return nil, fmt.Errorf("ffmpeg: rewrite master: %w", err)
	}
	if len(lines) == 0 || lines[0] != "#EXTM3U" {
		return nil, errors.New("ffmpeg: rewrite master: not a playlist (no #EXTM3U)")
	}
	var subs []string
	for _, s := range info.Subtitles {
		lang, err := CanonicalLanguage(s.Language)
		if err != nil {
			return nil, fmt.Errorf("ffmpeg: rewrite master: subtitle %s: %w", s.URI, err)
		}
		attrs := attrList{{"TYPE", "SUBTITLES"}, {"GROUP-ID", quote(subtitleGroup)}}
		for _, kv := range [][2]string{{"NAME", s.Name}, {"LANGUAGE", lang}, {"URI", s.URI}} {
			if !quotable(kv[1]) {
				return nil, fmt.Errorf("ffmpeg: rewrite master: subtitle %s: %s %q cannot be quoted", s.URI, kv[0], kv[1])
			}
		}
		attrs = append(attrs,
			attr{"NAME", quote(s.Name)}, attr{"DEFAULT", yesNo(s.Default)}, attr{"AUTOSELECT", "YES"},
			attr{"LANGUAGE", quote(lang)}, attr{"URI", quote(s.URI)})
		subs = append(subs, "#EXT-X-MEDIA:"+attrs.String())
	}

	var out []string
	seenVariants, seenAudio := map[string]bool{}, map[string]bool{}
	independent, subsWritten := false, len(subs) == 0
	for i := 0; i < len(lines); i++ {
		line := lines[i]
		switch {
		case line == "#EXT-X-INDEPENDENT-SEGMENTS":
			independent = true
		case strings.HasPrefix(line, "#EXT-X-MEDIA:"):
			attrs, err := parseAttrs(strings.TrimPrefix(line, "#EXT-X-MEDIA:"))
			if err != nil {
				return nil, fmt.Errorf("ffmpeg: rewrite master: line %d: %w", i+1, err)
			}
			if attrs.get("TYPE") == "AUDIO" {
				uri := unquote(attrs.get("URI"))
				seenAudio[uri] = true
				if name, ok := info.AudioNames[uri]; ok {
					if !quotable(name) || name == "" {
						return nil, fmt.Errorf("ffmpeg: rewrite master: audio %s: name %q cannot be quoted", uri, name)
					}
					attrs.set("NAME", quote(name))
				}
				if info.AudioChannels > 0 {
					attrs.set("CHANNELS", quote(strconv.Itoa(info.AudioChannels)))
				}
				line = "#EXT-X-MEDIA:" + attrs.String()
			}
			if attrs.get("TYPE") == "SUBTITLES" && unquote(attrs.get("GROUP-ID")) == subtitleGroup && len(subs) > 0 {
				continue // replaced by info.Subtitles
			}
		case strings.HasPrefix(line, "#EXT-X-STREAM-INF:"):
			if !subsWritten {
				out = append(out, subs...)
				subsWritten = true
			}
			attrs, err := parseAttrs(strings.TrimPrefix(line, "#EXT-X-STREAM-INF:"))
			if err != nil {
				return nil, fmt.Errorf("ffmpeg: rewrite master: line %d: %w", i+1, err)
			}
			uri := nextURI(lines, i+1)
			if uri == "" {
				return nil, fmt.Errorf("ffmpeg: rewrite master: line %d: EXT-X-STREAM-INF without a URI", i+1)
			}
			v, ok := info.Variants[uri]
			if !ok {
				return nil, fmt.Errorf("ffmpeg: rewrite master: no figures for variant %s", uri)
			}
			seenVariants[uri] = true
			if v.Bandwidth <= 0 || v.AverageBandwidth <= 0 || v.AverageBandwidth > v.Bandwidth {
				return nil, fmt.Errorf("ffmpeg: rewrite master: variant %s: average bandwidth %d must be positive and at most the peak %d", uri, v.AverageBandwidth, v.Bandwidth)
			}
			attrs.set("BANDWIDTH", strconv.Itoa(v.Bandwidth))
			attrs.set("AVERAGE-BANDWIDTH", strconv.Itoa(v.AverageBandwidth))
			if v.FrameRate > 0 && !math.IsInf(v.FrameRate, 0) {
				attrs.set("FRAME-RATE", strconv.FormatFloat(v.FrameRate, 'f', 3, 64))
			}
			if len(subs) > 0 {
				attrs.set("SUBTITLES", quote(subtitleGroup))
			}
			line = "#EXT-X-STREAM-INF:" + attrs.String()
		}
		out = append(out, line)
	}
	for uri := range info.Variants {
		if !seenVariants[uri] {
			return nil, fmt.Errorf("ffmpeg: rewrite master: variant %s is not in the master", uri)
		}
	}
	for uri := range info.AudioNames {
		if !seenAudio[uri] {
			return nil, fmt.Errorf("ffmpeg: rewrite master: audio rendition %s is not in the master", uri)
		}
	}
	if len(seenVariants) == 0 {
		return nil, errors.New("ffmpeg: rewrite master: no variants")
	}
	if !independent {
		at := 1
		if len(out) > 1 && strings.HasPrefix(out[1], "#EXT-X-VERSION:") {
			at = 2
		}
		out = append(out[:at], append([]string{"#EXT-X-INDEPENDENT-SEGMENTS"}, out[at:]...)...)
	}
	var b bytes.Buffer
	for _, l := range out {
		b.WriteString(l)
		b.WriteByte('\n')
	}
	return b.Bytes(), nil
}

func nextURI(lines []string, from int) string {
	for _, l := range lines[from:] {
		if l == "" || strings.HasPrefix(l, "#") {
			continue
		}
		return l
	}
	return ""
}

func splitLines(data []byte) ([]string, error) {
	var lines []string
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		lines = append(lines, strings.TrimRight(sc.Text(), "\r"))
	}
	return lines, sc.Err()
}

type attr struct{ key, value string }

// attrList is an HLS attribute list, kept in order, values as written
// (quoted strings keep their quotes).
type attrList []attr

func parseAttrs(s string) (attrList, error) {
	var list attrList
	for s != "" {
		eq := strings.IndexByte(s, '=')
		if eq <= 0 {
			return nil, fmt.Errorf("attribute list %q: missing '='", s)
		}
		key := s[:eq]
		s = s[eq+1:]
		var value string
		if strings.HasPrefix(s, `"`) {
			end := strings.IndexByte(s[1:], '"')
			if end < 0 {
				return nil, fmt.Errorf("attribute %s: unterminated quoted string", key)
			}
			value, s = s[:end+2], s[end+2:]
		} else if c := strings.IndexByte(s, ','); c >= 0 {
			value, s = s[:c], s[c:]
		} else {
			value, s = s, ""
		}
		list = append(list, attr{key, value})
		if s != "" {
			if s[0] != ',' {
				return nil, fmt.Errorf("attribute %s: junk after value", key)
			}
			s = s[1:]
		}
	}
	return list, nil
}

func (l attrList) get(key string) string {
	for _, a := range l {
		if a.key == key {
			return a.value
		}
	}
	return ""
}

func (l *attrList) set(key, value string) {
	for i := range *l {
		if (*l)[i].key == key {
			(*l)[i].value = value
			return
		}
	}
	*l = append(*l, attr{key, value})
}

func (l attrList) String() string {
	parts := make([]string, len(l))
	for i, a := range l {
		parts[i] = a.key + "=" + a.value
	}
	return strings.Join(parts, ",")
}

func quote(s string) string   { return `"` + s + `"` }
func unquote(s string) string { return strings.TrimSuffix(strings.TrimPrefix(s, `"`), `"`) }
func yesNo(b bool) string {
	if b {
		return "YES"
	}
	return "NO"
}

// quotable reports whether s can be an HLS quoted-string, which has no
// escapes: no double quote, CR or LF.
func quotable(s string) bool { return !strings.ContainsAny(s, "\"\r\n") }

// Bitrates are the figures MeasureMediaPlaylist takes from a media playlist.
type Bitrates struct {
	// Peak is the highest bitrate, in bits per second, of any run of
	// consecutive segments lasting between 0.5 and 1.5 times the target
	// duration (RFC 8216's peak segment bit rate).
	Peak int
	// Average is the total size of the segments over their total duration.
	Average int
}

// MeasureMediaPlaylist computes the bitrates of a media playlist, given
// the size in bytes of each segment it lists (keyed by its URI as
// written). The initialization section (EXT-X-MAP) is not counted.
func MeasureMediaPlaylist(playlist []byte, sizes map[string]int64) (Bitrates, error) {
	lines, err := splitLines(playlist)
	if err != nil {
		return Bitrates{}, fmt.Errorf("ffmpeg: measure: %w", err)
	}
	type seg struct {
		dur  float64
		size int64
	}
	var segs []seg
	target, dur := 0.0, -1.0
	for _, l := range lines {
		switch {
		case strings.HasPrefix(l, "#EXT-X-TARGETDURATION:"):
			target, _ = strconv.ParseFloat(strings.TrimPrefix(l, "#EXT-X-TARGETDURATION:"), 64)
		case strings.HasPrefix(l, "#EXTINF:"):
			d, _, _ := strings.Cut(strings.TrimPrefix(l, "#EXTINF:"), ",")
			dur, err = strconv.ParseFloat(d, 64)
			if err != nil || dur <= 0 {
				return Bitrates{}, fmt.Errorf("ffmpeg: measure: bad segment duration %q", l)
			}
		case l == "" || strings.HasPrefix(l, "#"):
		default:
			if dur < 0 {
				return Bitrates{}, fmt.Errorf("ffmpeg: measure: segment %s has no EXTINF", l)
			}
			size, ok := sizes[l]
			if !ok {
				return Bitrates{}, fmt.Errorf("ffmpeg: measure: no size for segment %s", l)
			}
			segs = append(segs, seg{dur, size})
			dur = -1
		}
	}
	if len(segs) == 0 || target <= 0 {
		return Bitrates{}, errors.New("ffmpeg: measure: no segments or no target duration")
	}
	var total float64
	var bytesTotal int64
	peak := 0.0
	for i := range segs {
		total += segs[i].dur
		bytesTotal += segs[i].size
		var d float64
		var b int64
		for j := i; j < len(segs); j++ {
			d += segs[j].dur
			b += segs[j].size
			if d > 1.5*target {
				break
			}
			if d >= 0.5*target {
				peak = max(peak, float64(b*8)/d)
			}
		}
	}
	avg := float64(bytesTotal*8) / total
	if peak == 0 { // the whole presentation is shorter than half a target duration
		peak = avg
	}
	return Bitrates{Peak: int(math.Ceil(peak)), Average: int(math.Ceil(avg))}, nil
}
