package media

import (
	"bytes"
	"errors"
	"fmt"
	"regexp"
	"strings"
	"unicode/utf8"

	"github.com/asticode/go-astisub"
	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/charmap"
	"golang.org/x/text/encoding/simplifiedchinese"
	"golang.org/x/text/encoding/traditionalchinese"
	"golang.org/x/text/encoding/unicode"
)

// SubtitleFormat names a subtitle file format Lineup reads.
type SubtitleFormat string

// The subtitle formats ConvertSubtitle reads.
const (
	SubRip SubtitleFormat = "srt"
	WebVTT SubtitleFormat = "webvtt"
	SSA    SubtitleFormat = "ssa" // also ASS, its later form
)

// ErrUnknownSubtitleFormat is returned, wrapped, for a file that is not
// SRT, WebVTT or SSA/ASS.
var ErrUnknownSubtitleFormat = errors.New("not SRT, WebVTT or SSA/ASS subtitles")

// MaxSubtitleSize is the largest subtitle file ConvertSubtitle accepts; a
// feature film's subtitles are well under a megabyte.
const MaxSubtitleSize = 8 << 20

// Subtitle is a subtitle file converted to WebVTT.
type Subtitle struct {
	// WebVTT is the converted file, UTF-8.
	WebVTT []byte
	// Format is the format the file arrived in.
	Format SubtitleFormat
	// Encoding is the text encoding it arrived in: "UTF-8", "UTF-16LE",
	// "UTF-16BE", "GB18030" (which covers GBK and GB2312), "Big5" or
	// "Windows-1252".
	Encoding string
	// Cues is the number of cues.
	Cues int
}

// ConvertSubtitle converts an SRT, WebVTT or SSA/ASS file to UTF-8 WebVTT.
// It detects the format from the contents, not the name, and the text
// encoding as DecodeSubtitleText does. Styling beyond what WebVTT carries
// is dropped; subtitles are never burned into the video.
func ConvertSubtitle(data []byte) (sub Subtitle, err error) {
	if len(data) > MaxSubtitleSize {
		return Subtitle{}, fmt.Errorf("media: subtitles: file is %d bytes, more than the %d allowed", len(data), MaxSubtitleSize)
	}
	text, enc, err := DecodeSubtitleText(data)
	if err != nil {
		return Subtitle{}, err
	}
	text = strings.ReplaceAll(text, "\r\n", "\n")
	text = strings.ReplaceAll(text, "\r", "\n")
	format, err := detectSubtitleFormat(text)
	if err != nil {
		return Subtitle{}, err
	}
	defer func() {
		// go-astisub reads outside input; a panic in it must fail this
		// file, not the worker.
		if r := recover(); r != nil {
			sub, err = Subtitle{}, fmt.Errorf("media: subtitles: %s file could not be read: %v", format, r)
		}
	}()
	var subs *astisub.Subtitles
	switch format {
	case SubRip:
		subs, err = astisub.ReadFromSRT(strings.NewReader(text))
	case WebVTT:
		subs, err = astisub.ReadFromWebVTT(strings.NewReader(text))
	case SSA:
		subs, err = astisub.ReadFromSSA(strings.NewReader(text))
	}
	if err != nil {
		return Subtitle{}, fmt.Errorf("media: subtitles: %s file could not be read: %w", format, err)
	}
	if len(subs.Items) == 0 {
		return Subtitle{}, fmt.Errorf("media: subtitles: the %s file holds no cues", format)
	}
	var out bytes.Buffer
	if err := subs.WriteToWebVTT(&out); err != nil {
		return Subtitle{}, fmt.Errorf("media: subtitles: write WebVTT: %w", err)
	}
	return Subtitle{WebVTT: out.Bytes(), Format: format, Encoding: enc, Cues: len(subs.Items)}, nil
}

var (
	srtTiming = regexp.MustCompile(`(?m)^\s*\d{1,3}:\d{2}:\d{2}[,.]\d{1,3}\s*-->\s*\d{1,3}:\d{2}:\d{2}[,.]\d{1,3}`)
	ssaHeader = regexp.MustCompile(`(?im)^\s*\[(script info|v4\+? styles|events)\]`)
)

func detectSubtitleFormat(text string) (SubtitleFormat, error) {
	t := strings.TrimLeft(text, " \t\n")
	switch {
	case strings.HasPrefix(t, "WEBVTT"):
		return WebVTT, nil
	case ssaHeader.MatchString(text):
		return SSA, nil
	case srtTiming.MatchString(text):
		return SubRip, nil
	}
	return "", fmt.Errorf("media: subtitles: %w", ErrUnknownSubtitleFormat)
}

// DecodeSubtitleText returns data as UTF-8 text without a byte-order mark,
// and the name of the encoding it was in. It recognises UTF-8 and UTF-16
// (by their byte-order marks, or UTF-16 by its zero bytes), then valid
// UTF-8, then GBK/GB18030 and Big5 (whichever decodes to the more common
// Chinese characters), and falls back to Windows-1252.
func DecodeSubtitleText(data []byte) (text, encodingName string, err error) {
	switch {
	case bytes.HasPrefix(data, []byte{0xEF, 0xBB, 0xBF}):
		data = data[3:]
		if !utf8.Valid(data) {
			return "", "", errors.New("media: subtitles: the file says it is UTF-8 but is not")
		}
		return string(data), "UTF-8", nil
	case bytes.HasPrefix(data, []byte{0xFF, 0xFE}):
		return decodeWith(data, unicode.UTF16(unicode.LittleEndian, unicode.ExpectBOM), "UTF-16LE")
	case bytes.HasPrefix(data, []byte{0xFE, 0xFF}):
		return decodeWith(data, unicode.UTF16(unicode.BigEndian, unicode.ExpectBOM), "UTF-16BE")
	}
	if le, be := zeroBytes(data); le || be {
		order, name := unicode.LittleEndian, "UTF-16LE"
		if be {
			order, name = unicode.BigEndian, "UTF-16BE"
		}
		return decodeWith(data, unicode.UTF16(order, unicode.IgnoreBOM), name)
	}
	if utf8.Valid(data) {
		return string(data), "UTF-8", nil
	}
	best, bestName, bestScore := "", "", 0
	for _, c := range []struct {
		enc  encoding.Encoding
		name string
	}{{simplifiedchinese.GB18030, "GB18030"}, {traditionalchinese.Big5, "Big5"}} {
		s, err := c.enc.NewDecoder().String(string(data))
		if err != nil {
			continue
		}
		if score := chineseScore(s); score > bestScore {
			best, bestName, bestScore = s, c.name, score
		}
	}
	if bestScore > 0 {
		return best, bestName, nil
	}
	return decodeWith(data, charmap.Windows1252, "Windows-1252")
}

func decodeWith(data []byte, enc encoding.Encoding, name string) (string, string, error) {
	s, err := enc.NewDecoder().String(string(data))
	if err != nil {
		return "", "", fmt.Errorf("media: subtitles: decode %s: %w", name, err)
	}
	return strings.TrimPrefix(s, "\uFEFF"), name, nil
}

// zeroBytes reports whether data looks like UTF-16 without a byte-order
// mark: mostly ASCII text (digits, arrows, line breaks) has a zero in every
// other byte.
func zeroBytes(data []byte) (le, be bool) {
	n := min(len(data), 4096) &^ 1
	if n < 16 {
		return false, false
	}
	var even, odd int
	for i := 0; i < n; i++ {
		if data[i] == 0 {
			if i%2 == 0 {
				even++
			} else {
				odd++
			}
		}
	}
	half := n / 2
	return odd > half/3 && even == 0, even > half/3 && odd == 0
}

// commonChinese holds frequent characters in both scripts and Chinese
// punctuation. Text decoded with the right encoding is full of them; the
// wrong encoding turns the same bytes into rare characters.
var commonChinese = func() map[rune]bool {
	const chars = "的一是不了人我在有他这中大来上个们到说时地也子就道要出你会可对生能而那得于着下自之年过发后作里用去么没看好都想还心她天多么事然只己把现些又" +
		"這來個們說時對會後裡還現過發開學樣當經種沒麼見無與愛讓為從間嗎聽話謝長點頭問應該給吧呢啊嗯哦喂" +
		"，。！？、：；“”‘’（）《》…—～"
	m := map[rune]bool{}
	for _, r := range chars {
		m[r] = true
	}
	return m
}()

func chineseScore(s string) int {
	score := 0
	for _, r := range s {
		switch {
		case r == utf8.RuneError:
			score -= 10
		case commonChinese[r]:
			score += 2
		case r >= 0xE000 && r <= 0xF8FF, r >= 0x3400 && r <= 0x4DBF:
			score-- // private use and rare extension characters
		}
	}
	return score
}
