package ffmpeg

import (
	"encoding/xml"
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"
)

// DASHName is the DASH manifest's file name, beside the master playlist.
const DASHName = "manifest.mpd"

// DASH describes a static DASH manifest (ISO/IEC 23009-1, the live
// profile's SegmentTemplate with a SegmentTimeline) over the very CMAF
// segments the HLS playlists list: no second copy of the media.
type DASH struct {
	// Duration is the presentation's duration.
	Duration time.Duration
	// Video lists the rungs, largest first; Audio the audio renditions;
	// Text the WebVTT subtitles (whole files, as DASH players want them).
	Video []DASHVideo
	Audio []DASHAudio
	Text  []DASHText
}

// DASHTrack is what every DASH representation of CMAF segments has.
type DASHTrack struct {
	// ID names the representation ("720p", "audio_0").
	ID string
	// Bandwidth is its peak bitrate in bits per second.
	Bandwidth int
	// Codecs is its RFC 6381 codec.
	Codecs string
	// Timescale is the track's mdhd timescale; Init the initialization
	// segment's URL and Media the segments' template with $Number%05d$,
	// both relative to the manifest; StartNumber the first segment's number.
	Timescale   uint32
	Init, Media string
	StartNumber int
	// Segments are each segment's start and duration in Timescale units.
	Segments []DASHSegment
}

// DASHSegment is one segment's decode start time and duration.
type DASHSegment struct{ Start, Duration uint64 }

// DASHVideo is a video representation.
type DASHVideo struct {
	DASHTrack
	Width, Height int
	FrameRate     Rate
}

// DASHAudio is an audio representation; renditions of the same language
// and channel count share an adaptation set.
type DASHAudio struct {
	DASHTrack
	Language   string
	Channels   int
	SampleRate int
	Default    bool
}

// DASHText is a WebVTT subtitle file.
type DASHText struct {
	ID, Language, URL string
	Forced, Default   bool
}

type mpdXML struct {
	XMLName                   xml.Name `xml:"urn:mpeg:dash:schema:mpd:2011 MPD"`
	Profiles                  string   `xml:"profiles,attr"`
	Type                      string   `xml:"type,attr"`
	MediaPresentationDuration string   `xml:"mediaPresentationDuration,attr"`
	MinBufferTime             string   `xml:"minBufferTime,attr"`
	Period                    periodXML
}

type periodXML struct {
	ID    string   `xml:"id,attr"`
	Start string   `xml:"start,attr"`
	Sets  []setXML `xml:"AdaptationSet"`
}

type setXML struct {
	ID               int    `xml:"id,attr"`
	ContentType      string `xml:"contentType,attr"`
	MimeType         string `xml:"mimeType,attr"`
	Lang             string `xml:"lang,attr,omitempty"`
	SegmentAlignment string `xml:"segmentAlignment,attr,omitempty"`
	StartWithSAP     int    `xml:"startWithSAP,attr,omitempty"`
	MaxWidth         int    `xml:"maxWidth,attr,omitempty"`
	MaxHeight        int    `xml:"maxHeight,attr,omitempty"`
	Par              string `xml:"par,attr,omitempty"`
	// The MPD schema's sequence: the RepresentationBase elements
	// (AudioChannelConfiguration) come before the AdaptationSet's own
	// (Role), and Representations last.
	AudioChannelConfig *roleXML  `xml:"AudioChannelConfiguration"`
	Roles              []roleXML `xml:"Role"`
	Reps               []repXML  `xml:"Representation"`
}

type roleXML struct {
	Scheme string `xml:"schemeIdUri,attr"`
	Value  string `xml:"value,attr"`
}

type repXML struct {
	ID                string       `xml:"id,attr"`
	Bandwidth         int          `xml:"bandwidth,attr"`
	Codecs            string       `xml:"codecs,attr,omitempty"`
	Width             int          `xml:"width,attr,omitempty"`
	Height            int          `xml:"height,attr,omitempty"`
	FrameRate         string       `xml:"frameRate,attr,omitempty"`
	Sar               string       `xml:"sar,attr,omitempty"`
	AudioSamplingRate int          `xml:"audioSamplingRate,attr,omitempty"`
	BaseURL           string       `xml:"BaseURL,omitempty"`
	Template          *templateXML `xml:"SegmentTemplate"`
}

type templateXML struct {
	Timescale      uint32 `xml:"timescale,attr"`
	Initialization string `xml:"initialization,attr"`
	Media          string `xml:"media,attr"`
	StartNumber    int    `xml:"startNumber,attr"`
	Timeline       []sXML `xml:"SegmentTimeline>S"`
}

type sXML struct {
	T *uint64 `xml:"t,attr"`
	D uint64  `xml:"d,attr"`
	R int     `xml:"r,attr,omitempty"`
}

// Role and channel schemes of ISO/IEC 23009-1 and 23001-8.
const (
	roleScheme     = "urn:mpeg:dash:role:2011"
	channelsScheme = "urn:mpeg:mpegB:cicp:ChannelConfiguration"
)

// DASHManifest renders d as an MPD, checked by CheckMPD, or says what is
// wrong with it.
func DASHManifest(d DASH) ([]byte, error) {
	if d.Duration <= 0 || len(d.Video) == 0 {
		return nil, errors.New("ffmpeg: dash: no duration or no video")
	}
	m := mpdXML{
		// isoff-live: every segment a file of its own named by a template.
		Profiles:                  "urn:mpeg:dash:profile:isoff-live:2011",
		Type:                      "static",
		MediaPresentationDuration: isoDuration(d.Duration),
		// A player buffers at least one 4 s segment before it starts.
		MinBufferTime: "PT4S",
		Period:        periodXML{ID: "0", Start: "PT0S"},
	}
	video := setXML{ID: 0, ContentType: "video", MimeType: "video/mp4", SegmentAlignment: "true", StartWithSAP: 1}
	for _, v := range d.Video {
		t, err := template(v.DASHTrack)
		if err != nil {
			return nil, err
		}
		if v.Width <= 0 || v.Height <= 0 || v.FrameRate.IsZero() {
			return nil, fmt.Errorf("ffmpeg: dash: %s: size and frame rate must be known", v.ID)
		}
		video.MaxWidth, video.MaxHeight = max(video.MaxWidth, v.Width), max(video.MaxHeight, v.Height)
		video.Reps = append(video.Reps, repXML{ID: v.ID, Bandwidth: v.Bandwidth, Codecs: v.Codecs, Width: v.Width, Height: v.Height,
			FrameRate: fmt.Sprintf("%d/%d", v.FrameRate.Num, v.FrameRate.Den), Sar: "1:1", Template: t})
	}
	m.Period.Sets = append(m.Period.Sets, video)
	sets := map[string]int{}
	for _, a := range d.Audio {
		t, err := template(a.DASHTrack)
		if err != nil {
			return nil, err
		}
		lang, err := CanonicalLanguage(a.Language)
		if err != nil {
			return nil, fmt.Errorf("ffmpeg: dash: %s: %w", a.ID, err)
		}
		if a.Channels <= 0 || a.SampleRate <= 0 {
			return nil, fmt.Errorf("ffmpeg: dash: %s: channels and sample rate must be known", a.ID)
		}
		key := lang + "/" + strconv.Itoa(a.Channels)
		i, ok := sets[key]
		if !ok {
			i = len(m.Period.Sets)
			sets[key] = i
			role := "alternate"
			if a.Default {
				role = "main"
			}
			m.Period.Sets = append(m.Period.Sets, setXML{ID: i, ContentType: "audio", MimeType: "audio/mp4", Lang: lang,
				SegmentAlignment: "true", StartWithSAP: 1, Roles: []roleXML{{roleScheme, role}},
				AudioChannelConfig: &roleXML{channelsScheme, channelConfig(a.Channels)}})
		}
		m.Period.Sets[i].Reps = append(m.Period.Sets[i].Reps, repXML{ID: a.ID, Bandwidth: a.Bandwidth, Codecs: a.Codecs,
			AudioSamplingRate: a.SampleRate, Template: t})
	}
	for _, s := range d.Text {
		lang, err := CanonicalLanguage(s.Language)
		if err != nil {
			return nil, fmt.Errorf("ffmpeg: dash: %s: %w", s.ID, err)
		}
		if s.URL == "" || !safeName(strings.ReplaceAll(strings.ReplaceAll(s.ID, ".", "_"), "/", "_")) {
			return nil, fmt.Errorf("ffmpeg: dash: subtitle %q needs an ID and a URL", s.ID)
		}
		role := "subtitle"
		if s.Forced {
			role = "forced-subtitle"
		}
		roles := []roleXML{{roleScheme, role}}
		if s.Default {
			roles = append(roles, roleXML{roleScheme, "main"})
		}
		m.Period.Sets = append(m.Period.Sets, setXML{ID: len(m.Period.Sets), ContentType: "text", MimeType: "text/vtt", Lang: lang,
			Roles: roles, Reps: []repXML{{ID: s.ID, Bandwidth: 256, BaseURL: s.URL}}})
	}
	out, err := xml.MarshalIndent(m, "", "  ")
	if err != nil {
		return nil, fmt.Errorf("ffmpeg: dash: %w", err)
	}
	out = append([]byte(xml.Header), append(out, '\n')...)
	if err := CheckMPD(out); err != nil {
		return nil, err
	}
	return out, nil
}

// template builds a SegmentTemplate with its timeline: runs of equal
// durations folded into one S with r repeats, t written where a segment
// does not start where the one before ended.
func template(t DASHTrack) (*templateXML, error) {
	if t.ID == "" || t.Bandwidth <= 0 || t.Codecs == "" || t.Timescale == 0 || t.Init == "" || !strings.Contains(t.Media, "$Number") || len(t.Segments) == 0 {
		return nil, fmt.Errorf("ffmpeg: dash: representation %q: needs an ID, bandwidth, codecs, timescale, init, a $Number$ template and segments", t.ID)
	}
	x := &templateXML{Timescale: t.Timescale, Initialization: t.Init, Media: t.Media, StartNumber: t.StartNumber}
	var next uint64
	for i, s := range t.Segments {
		if s.Duration == 0 {
			return nil, fmt.Errorf("ffmpeg: dash: %s: segment %d has no duration", t.ID, i)
		}
		n := len(x.Timeline)
		if i > 0 && s.Start == next && x.Timeline[n-1].D == s.Duration {
			x.Timeline[n-1].R++
		} else {
			e := sXML{D: s.Duration}
			if i == 0 || s.Start != next {
				start := s.Start
				e.T = &start
			}
			x.Timeline = append(x.Timeline, e)
		}
		next = s.Start + s.Duration
	}
	return x, nil
}

// channelConfig is the MPEG-B CICP channel configuration: 2 is stereo, 6 is 5.1.
func channelConfig(ch int) string {
	switch ch {
	case 1:
		return "1"
	case 6:
		return "6"
	case 8:
		return "12"
	}
	return "2"
}

// isoDuration writes d as an xs:duration: PT6.000S, PT1H58M3.250S.
func isoDuration(d time.Duration) string {
	s := d.Seconds()
	h := math.Floor(s / 3600)
	s -= h * 3600
	m := math.Floor(s / 60)
	s -= m * 60
	var b strings.Builder
	b.WriteString("PT")
	if h > 0 {
		fmt.Fprintf(&b, "%dH", int(h))
	}
	if m > 0 {
		fmt.Fprintf(&b, "%dM", int(m))
	}
	fmt.Fprintf(&b, "%.3fS", s)
	return b.String()
}
