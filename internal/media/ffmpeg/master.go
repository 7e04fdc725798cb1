package ffmpeg

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
)

// ffmpeg 5.1's HLS muxer writes a master playlist without AVERAGE-BANDWIDTH,
// FRAME-RATE, VIDEO-RANGE or CLOSED-CAPTIONS, names every audio rendition
// "audio_<n>", omits CHANNELS and AUTOSELECT, can put each video variant
// in one audio group only, knows nothing of the WebVTT subtitles and
// I-frame playlists Lineup writes itself, and computes BANDWIDTH as 1.1 ×
// the target bitrates rather than from what it wrote. RewriteMaster takes
// from it only what it knows best, each variant's CODECS and RESOLUTION,
// and writes the master anew from measurements.

// MasterInfo says what RewriteMaster writes into a master playlist.
type MasterInfo struct {
	// Variants, keyed by the variant's URI as the master lists it
	// ("720p/index.m3u8"), give each video variant's figures. Every video
	// variant of the master must have an entry.
	Variants map[string]VariantInfo
	// Audio lists the audio renditions. Renditions with the same Group
	// form one EXT-X-MEDIA group; every video variant is offered once per
	// group (stereo first, then surround), as Apple's authoring
	// specification asks.
	Audio []AudioRendition
	// Subtitles are added as TYPE=SUBTITLES renditions in group "subs",
	// which every variant then refers to.
	Subtitles []SubtitleRendition
}

// VariantInfo is the measured figures of one video variant.
type VariantInfo struct {
	// Bandwidth is the video's peak bitrate in bits per second (audio is
	// added per group).
	Bandwidth int
	// AverageBandwidth is the video's average bitrate in bits per second.
	AverageBandwidth int
	// FrameRate is the video frame rate.
	FrameRate float64
	// VideoRange is "SDR" (the default), "PQ" or "HLG".
	VideoRange string
	// IFrames, when set, is the variant's I-frame playlist.
	IFrames *IFrameInfo
}

// IFrameInfo is a variant's I-frame playlist and its measured bitrates.
type IFrameInfo struct {
	URI                         string
	Bandwidth, AverageBandwidth int
}

// AudioRendition is one audio rendition of a master playlist.
type AudioRendition struct {
	// URI is the rendition's media playlist, relative to the master.
	URI string
	// Group is its GROUP-ID ("stereo", "surround").
	Group string
	// Name is the name a viewer sees; Language a BCP-47 tag.
	Name, Language string
	// Channels is the channel count written as CHANNELS.
	Channels int
	// Default marks the rendition players pick first in its group.
	Default bool
	// Codec is its RFC 6381 codec ("mp4a.40.2" for AAC-LC).
	Codec string
	// Bandwidth and AverageBandwidth are its measured peak and average
	// bitrates in bits per second.
	Bandwidth, AverageBandwidth int
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
	// Forced marks subtitles that only translate what the film does not
	// (signs, a foreign line); players show them with the audio's language.
	Forced bool
	// HearingImpaired marks subtitles that also describe sounds (SDH).
	HearingImpaired bool
}

// subtitleGroup is the GROUP-ID of the subtitle renditions.
const subtitleGroup = "subs"

// BandwidthHeadroom is the margin BANDWIDTH keeps over the measured peak:
// Apple's HLS authoring specification wants the measured peak within 10 %
// of BANDWIDTH, and a player that switches on BANDWIDTH must not stall on
// a segment a little larger than the ones measured.
const BandwidthHeadroom = 1.10

// withHeadroom returns peak raised by BandwidthHeadroom, rounded up, in
// whole numbers (110 %, so no float rounding adds a bit).
func withHeadroom(peak int) int { return (peak*110 + 99) / 100 }

// RewriteMaster returns a master playlist for the variants of master
// (ffmpeg's), from the figures, names and renditions of info: per audio
// group and video variant one EXT-X-STREAM-INF with BANDWIDTH (measured
// peak plus BandwidthHeadroom), AVERAGE-BANDWIDTH, CODECS, RESOLUTION,
// FRAME-RATE, VIDEO-RANGE, AUDIO, SUBTITLES and CLOSED-CAPTIONS=NONE;
// audio renditions with NAME, LANGUAGE, CHANNELS, DEFAULT and
// AUTOSELECT=YES; subtitle renditions with FORCED and CHARACTERISTICS;
// an EXT-X-I-FRAME-STREAM-INF per variant that has an I-frame playlist;
// and EXT-X-INDEPENDENT-SEGMENTS. It refuses a master it does not
// understand and an info that names a variant the master lacks.
func RewriteMaster(master []byte, info MasterInfo) ([]byte, error) {
	lines, err := splitLines(master)
	if err != nil {
		return nil, fmt.Errorf("ffmpeg: rewrite master: %w", err)
	}
	if len(lines) == 0 || lines[0] != "#EXTM3U" {
		return nil, errors.New("ffmpeg: rewrite master: not a playlist (no #EXTM3U)")
	}
	type video struct {
		uri, codec, resolution string
		info                   VariantInfo
	}
	var videos []video
	for i, line := range lines {
		if !strings.HasPrefix(line, "#EXT-X-STREAM-INF:") {
			continue
		}
		attrs, err := parseAttrs(strings.TrimPrefix(line, "#EXT-X-STREAM-INF:"))
		if err != nil {
			return nil, fmt.Errorf("ffmpeg: rewrite master: line %d: %w", i+1, err)
		}
		uri := nextURI(lines, i+1)
		if uri == "" {
			return nil, fmt.Errorf("ffmpeg: rewrite master: line %d: EXT-X-STREAM-INF without a URI", i+1)
		}
		if attrs.get("RESOLUTION") == "" {
			continue // an audio-only variant ffmpeg adds; Lineup lists audio as renditions
		}
		v, ok := info.Variants[uri]
		if !ok {
			return nil, fmt.Errorf("ffmpeg: rewrite master: no figures for variant %s", uri)
		}
		if v.Bandwidth <= 0 || v.AverageBandwidth <= 0 || v.AverageBandwidth > v.Bandwidth {
			return nil, fmt.Errorf("ffmpeg: rewrite master: variant %s: average bandwidth %d must be positive and at most the peak %d", uri, v.AverageBandwidth, v.Bandwidth)
		}
		switch v.VideoRange {
		case "":
			v.VideoRange = "SDR"
		case "SDR", "PQ", "HLG":
		default:
			return nil, fmt.Errorf("ffmpeg: rewrite master: variant %s: VIDEO-RANGE %q is not SDR, PQ or HLG", uri, v.VideoRange)
		}
		codec := ""
		for _, c := range strings.Split(unquote(attrs.get("CODECS")), ",") {
			if strings.HasPrefix(c, "avc1.") || strings.HasPrefix(c, "hvc1.") || strings.HasPrefix(c, "av01.") {
				codec = c
			}
		}
		if codec == "" {
			return nil, fmt.Errorf("ffmpeg: rewrite master: variant %s: no video codec in CODECS", uri)
		}
		videos = append(videos, video{uri, codec, attrs.get("RESOLUTION"), v})
	}
	for uri := range info.Variants {
		if !slices.ContainsFunc(videos, func(v video) bool { return v.uri == uri }) {
			return nil, fmt.Errorf("ffmpeg: rewrite master: variant %s is not in the master", uri)
		}
	}
	if len(videos) == 0 {
		return nil, errors.New("ffmpeg: rewrite master: no variants")
	}

	var b strings.Builder
	b.WriteString("#EXTM3U\n#EXT-X-VERSION:7\n#EXT-X-INDEPENDENT-SEGMENTS\n")
	type group struct {
		id          string
		peak, avg   int
		codec       string
		hasRenditon bool
	}
	var groups []*group
	defaults := map[string]bool{}
	for _, a := range info.Audio {
		lang, err := CanonicalLanguage(a.Language)
		if err != nil {
			return nil, fmt.Errorf("ffmpeg: rewrite master: audio %s: %w", a.URI, err)
		}
		for _, kv := range [][2]string{{"NAME", a.Name}, {"URI", a.URI}, {"GROUP-ID", a.Group}, {"CODECS", a.Codec}} {
			if !quotable(kv[1]) || kv[1] == "" {
				return nil, fmt.Errorf("ffmpeg: rewrite master: audio %s: %s %q cannot be quoted", a.URI, kv[0], kv[1])
			}
		}
		if a.Channels <= 0 || a.Bandwidth <= 0 || a.AverageBandwidth <= 0 {
			return nil, fmt.Errorf("ffmpeg: rewrite master: audio %s: channels and bitrates must be positive", a.URI)
		}
		var g *group
		for _, x := range groups {
			if x.id == a.Group {
				g = x
			}
		}
		if g == nil {
			g = &group{id: a.Group, codec: a.Codec}
			groups = append(groups, g)
		}
		g.peak, g.avg = max(g.peak, a.Bandwidth), max(g.avg, a.AverageBandwidth)
		def := a.Default && !defaults[a.Group]
		defaults[a.Group] = defaults[a.Group] || def
		attrs := attrList{{"TYPE", "AUDIO"}, {"GROUP-ID", quote(a.Group)}, {"NAME", quote(a.Name)}, {"LANGUAGE", quote(lang)},
			{"DEFAULT", yesNo(def)}, {"AUTOSELECT", "YES"}, {"CHANNELS", quote(strconv.Itoa(a.Channels))}, {"URI", quote(a.URI)}}
		b.WriteString("#EXT-X-MEDIA:" + attrs.String() + "\n")
	}
	for _, s := range info.Subtitles {
		lang, err := CanonicalLanguage(s.Language)
		if err != nil {
			return nil, fmt.Errorf("ffmpeg: rewrite master: subtitle %s: %w", s.URI, err)
		}
		for _, kv := range [][2]string{{"NAME", s.Name}, {"LANGUAGE", lang}, {"URI", s.URI}} {
			if !quotable(kv[1]) {
				return nil, fmt.Errorf("ffmpeg: rewrite master: subtitle %s: %s %q cannot be quoted", s.URI, kv[0], kv[1])
			}
		}
		attrs := attrList{{"TYPE", "SUBTITLES"}, {"GROUP-ID", quote(subtitleGroup)}, {"NAME", quote(s.Name)},
			{"LANGUAGE", quote(lang)}, {"DEFAULT", yesNo(s.Default)}, {"AUTOSELECT", "YES"}, {"FORCED", yesNo(s.Forced)}}
		if s.HearingImpaired {
			// Apple's characteristics for subtitles that transcribe
			// dialogue and describe music and sound (SDH).
			attrs = append(attrs, attr{"CHARACTERISTICS", quote("public.accessibility.transcribes-spoken-dialog,public.accessibility.describes-music-and-sound")})
		}
		attrs = append(attrs, attr{"URI", quote(s.URI)})
		b.WriteString("#EXT-X-MEDIA:" + attrs.String() + "\n")
	}
	if len(groups) == 0 {
		groups = []*group{nil}
	}
	for _, g := range groups {
		for _, v := range videos {
			peak, avg, codecs := v.info.Bandwidth, v.info.AverageBandwidth, v.codec
			if g != nil {
				peak, avg, codecs = peak+g.peak, avg+g.avg, codecs+","+g.codec
			}
			attrs := attrList{
				{"BANDWIDTH", strconv.Itoa(withHeadroom(peak))},
				{"AVERAGE-BANDWIDTH", strconv.Itoa(avg)},
				{"CODECS", quote(codecs)},
				{"RESOLUTION", v.resolution},
			}
			if fr := v.info.FrameRate; fr > 0 && !math.IsInf(fr, 0) {
				attrs = append(attrs, attr{"FRAME-RATE", strconv.FormatFloat(fr, 'f', 3, 64)})
			}
			attrs = append(attrs, attr{"VIDEO-RANGE", v.info.VideoRange})
			if g != nil {
				attrs = append(attrs, attr{"AUDIO", quote(g.id)})
			}
			if len(info.Subtitles) > 0 {
				attrs = append(attrs, attr{"SUBTITLES", quote(subtitleGroup)})
			}
			// No CEA-608/708 captions ride in the video; saying so keeps
			// players from looking for them.
			attrs = append(attrs, attr{"CLOSED-CAPTIONS", "NONE"})
			b.WriteString("#EXT-X-STREAM-INF:" + attrs.String() + "\n" + v.uri + "\n")
		}
	}
	for _, v := range videos {
		f := v.info.IFrames
		if f == nil {
			continue
		}
		if f.Bandwidth <= 0 || f.AverageBandwidth <= 0 || !quotable(f.URI) || f.URI == "" {
			return nil, fmt.Errorf("ffmpeg: rewrite master: I-frame playlist of %s: bad URI or bitrates", v.uri)
		}
		attrs := attrList{
			{"BANDWIDTH", strconv.Itoa(withHeadroom(f.Bandwidth))},
			{"AVERAGE-BANDWIDTH", strconv.Itoa(f.AverageBandwidth)},
			{"CODECS", quote(v.codec)},
			{"RESOLUTION", v.resolution},
			{"VIDEO-RANGE", v.info.VideoRange},
			{"URI", quote(f.URI)},
		}
		b.WriteString("#EXT-X-I-FRAME-STREAM-INF:" + attrs.String() + "\n")
	}
	return []byte(b.String()), nil
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
