package media

import (
	"errors"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf8"

	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/charmap"
	"golang.org/x/text/encoding/japanese"
	"golang.org/x/text/encoding/korean"
	"golang.org/x/text/encoding/simplifiedchinese"
	"golang.org/x/text/encoding/traditionalchinese"
	"golang.org/x/text/encoding/unicode"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if string(got) != string(want) {
		t.Errorf("%s differs from the golden file (run go test -update if the change is meant):\n--- got\n%s\n--- want\n%s", name, got, want)
	}
}

// The subtitles of a scene from Us and Them (后来的我们), in both scripts.
const (
	srtSimplified  = "1\r\n00:00:01,000 --> 00:00:03,500\r\n后来的我们，什么都有了。\r\n\r\n2\r\n00:00:04,000 --> 00:00:06,250\r\n却没有了我们。\r\n\r\n3\r\n00:00:07,000 --> 00:00:09,000\r\n你还好吗？我们回家过年吧。\r\n"
	srtTraditional = "1\r\n00:00:01,000 --> 00:00:03,500\r\n後來的我們，什麼都有了。\r\n\r\n2\r\n00:00:04,000 --> 00:00:06,250\r\n卻沒有了我們。\r\n\r\n3\r\n00:00:07,000 --> 00:00:09,000\r\n你還好嗎？我們回家過年吧。\r\n"
	srtEnglish     = "1\n00:00:01,000 --> 00:00:03,500\nLater, we had everything.\n\n2\n00:00:04,000 --> 00:00:06,250\n<i>But we no longer had us.</i>\n"
	vttEnglish     = "WEBVTT\n\n00:00:01.000 --> 00:00:03.500\nLater, we had everything.\n\n00:00:04.000 --> 00:00:06.250\nBut we no longer had us.\n"
	assSimplified  = `[Script Info]
ScriptType: v4.00+
PlayResX: 1280
PlayResY: 720

[V4+ Styles]
Format: Name, Fontname, Fontsize, PrimaryColour, SecondaryColour, OutlineColour, BackColour, Bold, Italic, Underline, StrikeOut, ScaleX, ScaleY, Spacing, Angle, BorderStyle, Outline, Shadow, Alignment, MarginL, MarginR, MarginV, Encoding
Style: Default,Noto Sans CJK SC,48,&H00FFFFFF,&H000000FF,&H00000000,&H00000000,0,0,0,0,100,100,0,0,1,2,0,2,10,10,10,1

[Events]
Format: Layer, Start, End, Style, Name, MarginL, MarginR, MarginV, Effect, Text
Dialogue: 0,0:00:01.00,0:00:03.50,Default,,0,0,0,,后来的我们，什么都有了。
Dialogue: 0,0:00:04.00,0:00:06.25,Default,,0,0,0,,却没有了我们。
`
)

func encode(t *testing.T, enc encoding.Encoding, s string) []byte {
	t.Helper()
	b, err := enc.NewEncoder().Bytes([]byte(s))
	if err != nil {
		t.Fatalf("encode fixture: %v", err)
	}
	return b
}

func TestConvertSubtitle(t *testing.T) {
	utf16le := unicode.UTF16(unicode.LittleEndian, unicode.UseBOM)
	utf16be := unicode.UTF16(unicode.BigEndian, unicode.UseBOM)
	cases := []struct {
		name     string
		data     []byte
		format   SubtitleFormat
		encoding string
		cues     int
		contains string
		golden   string
	}{
		{"SRT in UTF-8", []byte(srtEnglish), SubRip, "UTF-8", 2, "00:00:04.000 --> 00:00:06.250", "srt_english.vtt"},
		{"SRT in UTF-8 with BOM", append([]byte{0xEF, 0xBB, 0xBF}, srtSimplified...), SubRip, "UTF-8", 3, "后来的我们", ""},
		{"SRT in GBK", encode(t, simplifiedchinese.GBK, srtSimplified), SubRip, "GB18030", 3, "后来的我们，什么都有了。", "srt_gbk.vtt"},
		{"SRT in GB18030", encode(t, simplifiedchinese.GB18030, srtSimplified), SubRip, "GB18030", 3, "却没有了我们。", ""},
		{"traditional SRT in GBK", encode(t, simplifiedchinese.GBK, srtTraditional), SubRip, "GB18030", 3, "後來的我們", ""},
		{"SRT in Big5", encode(t, traditionalchinese.Big5, srtTraditional), SubRip, "Big5", 3, "後來的我們，什麼都有了。", "srt_big5.vtt"},
		{"SRT in UTF-16LE with BOM", encode(t, utf16le, srtSimplified), SubRip, "UTF-16LE", 3, "你还好吗？", ""},
		{"SRT in UTF-16BE with BOM", encode(t, utf16be, srtTraditional), SubRip, "UTF-16BE", 3, "你還好嗎？", ""},
		{"SRT in UTF-16LE without BOM", encode(t, unicode.UTF16(unicode.LittleEndian, unicode.IgnoreBOM), srtEnglish), SubRip, "UTF-16LE", 2, "Later, we had everything.", ""},
		{"SRT in Windows-1252", encode(t, charmap.Windows1252, "1\n00:00:01,000 --> 00:00:02,000\nPlus tard, nous avions tout, même l'été.\n"), SubRip, "Windows-1252", 1, "même l'été", ""},
		{"WebVTT", []byte(vttEnglish), WebVTT, "UTF-8", 2, "But we no longer had us.", ""},
		{"ASS", []byte(assSimplified), SSA, "UTF-8", 2, "后来的我们，什么都有了。", "ass_simplified.vtt"},
		{"ASS in GBK", encode(t, simplifiedchinese.GBK, assSimplified), SSA, "GB18030", 2, "却没有了我们。", ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, err := ConvertSubtitle(c.data)
			if err != nil {
				t.Fatal(err)
			}
			if got.Format != c.format || got.Encoding != c.encoding || got.Cues != c.cues {
				t.Errorf("detected %s in %s with %d cues, want %s in %s with %d", got.Format, got.Encoding, got.Cues, c.format, c.encoding, c.cues)
			}
			vtt := string(got.WebVTT)
			if !strings.HasPrefix(vtt, "WEBVTT") || !utf8.ValidString(vtt) {
				t.Errorf("output must be UTF-8 WebVTT:\n%s", vtt)
			}
			if !strings.Contains(vtt, c.contains) {
				t.Errorf("output must keep the text %q:\n%s", c.contains, vtt)
			}
			if c.golden != "" {
				golden(t, c.golden, got.WebVTT)
			}
		})
	}
}

func TestConvertSubtitleRefuses(t *testing.T) {
	cases := []struct {
		rule string
		data []byte
		want error
		msg  string
	}{
		{"empty file", nil, ErrUnknownSubtitleFormat, ""},
		{"plain text", []byte("Just a letter, no timings.\n"), ErrUnknownSubtitleFormat, ""},
		{"a video", []byte("\x00\x00\x00\x20ftypisom\x00\x00\x02\x00isomiso2avc1mp41"), ErrUnknownSubtitleFormat, ""},
		{"WebVTT header without cues", []byte("WEBVTT\n\n"), nil, "no cues"},
		{"BOM claiming UTF-8 over GBK bytes", append([]byte{0xEF, 0xBB, 0xBF}, encode(t, simplifiedchinese.GBK, srtSimplified)...), nil, "not"},
		{"too big", make([]byte, MaxSubtitleSize+1), nil, "more than"},
	}
	for _, c := range cases {
		_, err := ConvertSubtitle(c.data)
		if err == nil {
			t.Errorf("%s must be refused", c.rule)
			continue
		}
		if c.want != nil && !errors.Is(err, c.want) {
			t.Errorf("%s: want %v, got %v", c.rule, c.want, err)
		}
		if c.msg != "" && !strings.Contains(err.Error(), c.msg) {
			t.Errorf("%s: error must say %q: %v", c.rule, c.msg, err)
		}
	}
}

func FuzzConvertSubtitle(f *testing.F) {
	for _, s := range []string{srtEnglish, srtSimplified, vttEnglish, assSimplified, "WEBVTT\n\n", "1\n00:00:01,000 --> 00:00:00,000\n\n"} {
		f.Add([]byte(s))
	}
	f.Add(append([]byte{0xFF, 0xFE}, []byte("1\x00\n\x00")...))
	f.Fuzz(func(t *testing.T, data []byte) {
		got, err := ConvertSubtitle(data)
		if err != nil {
			return
		}
		if !utf8.Valid(got.WebVTT) || !strings.HasPrefix(string(got.WebVTT), "WEBVTT") || got.Cues == 0 {
			t.Fatalf("a converted file must be UTF-8 WebVTT with cues: %q", got.WebVTT)
		}
	})
}

// TestDecodeShortCues is issue 13's row: subtitles whose cues are only
// names are too short for counting common characters; decoding must
// still find their encoding.
func TestDecodeShortCues(t *testing.T) {
	const traditional = "1\n00:00:01,000 --> 00:00:02,000\n林志玲\n\n2\n00:00:03,000 --> 00:00:04,000\n劉德華　郭富城\n"
	const simplified = "1\n00:00:01,000 --> 00:00:02,000\n林志玲\n\n2\n00:00:03,000 --> 00:00:04,000\n刘德华　郭富城\n"
	cases := []struct {
		name, text string
		enc        encoding.Encoding
		lang, want string
	}{
		{"Big5 names", traditional, traditionalchinese.Big5, "", "Big5"},
		{"GBK names", simplified, simplifiedchinese.GBK, "", "GB18030"},
		{"GBK single name", "1\n00:00:01,000 --> 00:00:02,000\n王菲\n", simplifiedchinese.GBK, "", "GB18030"},
		{"Big5 single name", "1\n00:00:01,000 --> 00:00:02,000\n周潤發\n", traditionalchinese.Big5, "", "Big5"},
		{"Big5 names, track in Chinese", traditional, traditionalchinese.Big5, "zh", "Big5"},
		{"GBK names, track in traditional Chinese", simplified, simplifiedchinese.GBK, "zh-Hant", "GB18030"},
		{"Shift_JIS names", "1\n00:00:01,000 --> 00:00:02,000\n山田太郎　さくら\n", japanese.ShiftJIS, "", "Shift_JIS"},
		// Hangul in EUC-KR is also valid frequent GB2312 hanzi: the track's language decides.
		{"EUC-KR names, track in Korean", "1\n00:00:01,000 --> 00:00:02,000\n김민수　이지은\n", korean.EUCKR, "ko", "EUC-KR"},
		{"Windows-1252 names", "1\n00:00:01,000 --> 00:00:02,000\nJosé Müller\n", charmap.Windows1252, "", "Windows-1252"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			text, enc, err := decodeSubtitleText(encode(t, c.enc, c.text), c.lang)
			if err != nil {
				t.Fatal(err)
			}
			if enc != c.want || text != c.text {
				t.Errorf("detected %s, want %s; decoded %q", enc, c.want, text)
			}
		})
	}
}

func TestConvertSubtitleCharsetOverride(t *testing.T) {
	// One name that reads as valid GBK and as valid Big5 alike: the
	// uploader says which it is.
	data := encode(t, traditionalchinese.Big5, "1\n00:00:01,000 --> 00:00:02,000\n林志玲\n")
	sub, err := ConvertSubtitleCharset(data, "big5")
	if err != nil || sub.Encoding != "Big5" || !strings.Contains(string(sub.WebVTT), "林志玲") {
		t.Errorf("charset=big5 must decode as Big5: %+v %v", sub, err)
	}
	if _, err := ConvertSubtitleCharset(data, "klingon"); err == nil || !strings.Contains(err.Error(), "charset") {
		t.Errorf("an unknown charset must be refused, naming it: %v", err)
	}
	if _, err := ConvertSubtitleCharset([]byte{0xff, 0xfe, 0x41}, "utf-8"); err == nil {
		t.Errorf("bytes that are not valid in the named charset must be refused")
	}
}
