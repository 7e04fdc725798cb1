package media

import (
	"context"
	"fmt"
	"os"
	"path/filepath"

	"github.com/lineup/lineup/internal/media/ffmpeg"
)

// extractSubtitles converts the source's embedded text subtitles (mov_text,
// SubRip, ASS, WebVTT) to WebVTT in dir, each with its language (the
// title's language when untagged) and dispositions, and lists the image
// subtitles (PGS, DVD, DVB) it cannot convert.
func extractSubtitles(ctx context.Context, cfg Config, source string, p ffmpeg.Probe, defaultLang, dir string) ([]convertedSubtitle, []ffmpeg.SubtitleStream, error) {
	var subs []convertedSubtitle
	var skipped []ffmpeg.SubtitleStream
	names := map[string]int{}
	for i, s := range p.Subtitles {
		if !s.Text() {
			skipped = append(skipped, s)
			continue
		}
		lang, err := ffmpeg.CanonicalLanguage(s.Language)
		if err != nil {
			if lang, err = ffmpeg.CanonicalLanguage(defaultLang); err != nil {
				skipped = append(skipped, s)
				continue
			}
		}
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return nil, nil, fmt.Errorf("media: subtitles: %w", err)
		}
		out := filepath.Join(dir, fmt.Sprintf("embedded_%d.vtt", i))
		args, err := ffmpeg.SubtitleExtractArgs(source, i, out)
		if err != nil {
			return nil, nil, fmt.Errorf("media: subtitles: %w", err)
		}
		if _, err := runCapture(ctx, cfg.FFmpegPath, args); err != nil {
			return nil, nil, err
		}
		data, err := readLimited(out, MaxSubtitleSize)
		if err != nil {
			return nil, nil, err
		}
		sub, err := ConvertSubtitle(data)
		if err != nil {
			cfg.Logger.Info("embedded subtitles not converted", "stream", s.Index, "reason", err)
			skipped = append(skipped, s)
			continue
		}
		name := languageName(lang)
		if s.Title != "" && quotableName(s.Title) {
			name = s.Title
		}
		names[name]++
		if n := names[name]; n > 1 {
			name = fmt.Sprintf("%s %d", name, n)
		}
		subs = append(subs, convertedSubtitle{lang: lang, name: name, webVTT: sub.WebVTT,
			isDefault: s.Default, forced: s.Forced, hearingImpaired: s.HearingImpaired})
	}
	return subs, skipped, nil
}

func quotableName(s string) bool {
	for _, r := range s {
		if r == '"' || r == '\n' || r == '\r' {
			return false
		}
	}
	return len(s) <= 100
}
