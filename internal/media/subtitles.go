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
	return convertSubtitle(data, "", "")
}

// ConvertSubtitleCharset is ConvertSubtitle with the text encoding given
// by whoever uploaded the file (charset, case-insensitive: "big5",
// "gbk", "gb18030", "shift_jis", "euc-kr", "utf-8", "utf-16le",
// "windows-1252"...); "" detects it. An unknown name, or bytes that are
// not valid in the named encoding, is an error saying so.
func ConvertSubtitleCharset(data []byte, charset string) (sub Subtitle, err error) {
	return convertSubtitle(data, charset, "")
}

// ConvertSubtitleFor is ConvertSubtitleCharset for a track in language
// lang (a BCP-47 tag): when charset is "" and the bytes could be several
// encodings, the encodings of that language are preferred (EUC-KR for
// "ko", Big5 for "zh-Hant").
func ConvertSubtitleFor(data []byte, charset, lang string) (Subtitle, error) {
	return convertSubtitle(data, charset, lang)
}

func convertSubtitle(data []byte, charset, lang string) (sub Subtitle, err error) {
	if len(data) > MaxSubtitleSize {
		return Subtitle{}, fmt.Errorf("media: subtitles: file is %d bytes, more than the %d allowed", len(data), MaxSubtitleSize)
	}
	var text, enc string
	if charset == "" {
		text, enc, err = decodeSubtitleText(data, lang)
	} else {
		text, enc, err = decodeAs(data, charset)
	}
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
// UTF-8, then scores the legacy encodings (GB18030, Big5, Shift_JIS,
// EUC-KR, Windows-1252) by how likely their decoding is; see detectLegacy.
func DecodeSubtitleText(data []byte) (text, encodingName string, err error) {
	return decodeSubtitleText(data, "")
}

func decodeSubtitleText(data []byte, lang string) (text, encodingName string, err error) {
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
	return detectLegacy(data, lang)
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
