package editorial

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"regexp"
	"strings"
	"time"
	"unicode/utf8"
)

// MaxMarkdown is the largest story Parse accepts, in bytes.
const MaxMarkdown = 1 << 20

// Limits on the front matter's fields, in characters.
const (
	maxHeadline   = 300
	maxStandfirst = 1000
	maxShort      = 200
	maxBlock      = 20000
)

// Draft is a story as Parse reads it, before its references are resolved:
// Story has no ID, TitleIDs, PersonIDs, or answers' PersonID yet.
// TitleRefs and PersonRefs are the front matter's title and person lines,
// and BlockLines the line each block starts on, for error messages.
type Draft struct {
	Story      Story
	TitleRefs  []Ref
	PersonRefs []Ref
	BlockLines []int
}

// Ref is a reference as written, with its line number (1-based).
type Ref struct {
	Line  int
	Value string
}

var (
	headingRE = regexp.MustCompile(`^#{1,6}[ \t]+(.+?)[ \t#]*$`)
	imageRE   = regexp.MustCompile(`^!\[([^\]]*)\]\((\S+?)(?:[ \t]+"([^"]*)")?\)$`)
	labelRE   = regexp.MustCompile(`^\*\*([^*]+?)[ \t]*[:：]\*\*[ \t]*(.*)$`)
	slugRE    = regexp.MustCompile(`^[a-z0-9]+(?:-[a-z0-9]+)*$`)
)

// frontKeys are the front matter's keys; true marks the repeatable ones.
var frontKeys = map[string]bool{
	"headline": false, "standfirst": false, "publication": false, "date": false, "author": false,
	"language": false, "kind": false, "slug": false, "title": true, "person": true,
}

// Parse reads a story written in Lineup's Markdown convention
// (docs/editorial.md) without looking anything up. Every problem found is
// reported in one *ImportError, by line.
//
// The convention, in short: a front matter between two "---" lines with
// "key: value" lines (headline and date required; title and person may
// repeat; standfirst, publication, author, language, kind and slug
// optional); then blocks separated by blank lines: "## Heading", a question
// "**Q:** …", an answer "**Name:** …" (the colon may be full-width, "：")
// whose following unlabelled paragraphs belong to it until the next
// heading, question, answer or image, an image "![Caption](key "Credit")"
// alone on its line, or a paragraph. Inside text only *emphasis* and
// **strong** are formatting; everything else is text.
func Parse(markdown []byte) (Draft, error) {
	ie := &ImportError{}
	if len(markdown) > MaxMarkdown {
		ie.add(0, "", "", fmt.Sprintf("the story is %d bytes; the limit is %d", len(markdown), MaxMarkdown))
		return Draft{}, ie
	}
	if !utf8.Valid(markdown) || bytes.IndexByte(markdown, 0) >= 0 {
		ie.add(0, "", "", "the story must be UTF-8 text without NUL bytes")
		return Draft{}, ie
	}
	text := strings.TrimPrefix(string(markdown), "\uFEFF")
	text = strings.ReplaceAll(strings.ReplaceAll(text, "\r\n", "\n"), "\r", "\n")
	lines := strings.Split(text, "\n")
	var d Draft
	s := &d.Story
	if len(lines) == 0 || strings.TrimSpace(lines[0]) != "---" {
		ie.add(1, "", "", `the story must begin with a front matter: a line "---", then "headline: …", "date: YYYY-MM-DD", "title: …" lines, then "---"`)
		return Draft{}, ie
	}
	end := -1
	seen := map[string]bool{}
	for i := 1; i < len(lines); i++ {
		line := strings.TrimSpace(lines[i])
		if line == "---" {
			end = i
			break
		}
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		key, value, ok := strings.Cut(line, ":")
		key, value = strings.ToLower(strings.TrimSpace(key)), strings.TrimSpace(value)
		repeat, known := frontKeys[key]
		switch {
		case !ok:
			ie.add(i+1, "", line, `a front matter line is "key: value"`)
			continue
		case !known:
			ie.add(i+1, key, value, "unknown front matter key; the keys are headline, standfirst, publication, date, author, language, kind, slug, title, person")
			continue
		case seen[key] && !repeat:
			ie.add(i+1, key, value, "given twice")
			continue
		case value == "":
			ie.add(i+1, key, "", "is empty")
			continue
		}
		seen[key] = true
		switch key {
		case "headline":
			s.Headline = checkText(ie, i+1, key, value, maxHeadline)
		case "standfirst":
			s.Standfirst = checkText(ie, i+1, key, value, maxStandfirst)
		case "publication":
			s.Publication = checkText(ie, i+1, key, value, maxShort)
		case "author":
			s.Author = checkText(ie, i+1, key, value, maxShort)
		case "language":
			s.Language = checkText(ie, i+1, key, value, 35)
		case "date":
			if t, err := time.Parse(time.DateOnly, value); err != nil || t.Format(time.DateOnly) != value {
				ie.add(i+1, key, value, "must be a calendar day written YYYY-MM-DD")
			} else {
				s.Date = value
			}
		case "kind":
			if value != KindInterview && value != KindStory {
				ie.add(i+1, key, value, `must be "interview" or "story"`)
			} else {
				s.Kind = value
			}
		case "slug":
			if !slugRE.MatchString(value) || len(value) > 100 {
				ie.add(i+1, key, value, "must be lowercase letters, digits and single hyphens, at most 100 characters")
			} else {
				s.Slug = value
			}
		case "title":
			d.TitleRefs = append(d.TitleRefs, Ref{i + 1, value})
		case "person":
			d.PersonRefs = append(d.PersonRefs, Ref{i + 1, value})
		}
	}
	if end < 0 {
		ie.add(1, "", "", `the front matter has no closing "---" line`)
		return Draft{}, ie
	}
	for _, k := range []string{"headline", "date"} {
		if !seen[k] {
			ie.add(1, k, "", "is required in the front matter")
		}
	}
	if len(d.TitleRefs) == 0 && len(d.PersonRefs) == 0 {
		ie.add(1, "title", "", "a story is attached to at least one title or person: add a \"title:\" or \"person:\" line")
	}

	// The body: blocks separated by blank lines.
	inAnswer := false
	start := -1
	var para []string
	flush := func() {
		if len(para) == 0 {
			return
		}
		line := start + 1
		first := strings.TrimSpace(para[0])
		rest := para[1:]
		body := func(first string, rest []string) string {
			parts := []string{}
			if strings.TrimSpace(first) != "" {
				parts = append(parts, strings.TrimSpace(first))
			}
			for _, r := range rest {
				parts = append(parts, strings.TrimSpace(r))
			}
			return strings.Join(parts, "\n")
		}
		add := func(b Block) {
			if utf8.RuneCountInString(b.Text) > maxBlock {
				ie.add(line, string(b.Kind), "", fmt.Sprintf("is longer than %d characters", maxBlock))
			}
			s.Blocks = append(s.Blocks, b)
			d.BlockLines = append(d.BlockLines, line)
		}
		switch {
		case headingRE.MatchString(first):
			m := headingRE.FindStringSubmatch(first)
			add(Block{Kind: BlockHeading, Text: m[1]})
			inAnswer = false
			if len(rest) > 0 {
				add(Block{Kind: BlockParagraph, Text: body("", rest)})
				line++
			}
		case imageRE.MatchString(first) && len(rest) == 0:
			m := imageRE.FindStringSubmatch(first)
			img := Image{Key: m[2], Caption: strings.TrimSpace(m[1]), Credit: strings.TrimSpace(m[3])}
			if !safeImageRef(img.Key) {
				ie.add(line, "image", img.Key, "an image is a blob key (stills/one.png) or an http(s) URL")
			}
			if img.Caption == "" {
				ie.add(line, "image", img.Key, "needs a caption: ![Caption](key \"Credit\")")
			}
			add(Block{Kind: BlockImage, Image: &img})
			inAnswer = false
		case labelRE.MatchString(first):
			m := labelRE.FindStringSubmatch(first)
			label, text := strings.TrimSpace(m[1]), body(m[2], rest)
			if text == "" {
				ie.add(line, "answer", label, "has no text after its label")
			}
			if strings.EqualFold(label, "Q") {
				add(Block{Kind: BlockQuestion, Text: text})
				inAnswer = false
			} else {
				add(Block{Kind: BlockAnswer, Speaker: label, Text: text})
				inAnswer = true
			}
		case inAnswer:
			last := &s.Blocks[len(s.Blocks)-1]
			last.Text += "\n\n" + body(first, rest)
		default:
			add(Block{Kind: BlockParagraph, Text: body(first, rest)})
		}
		para = nil
	}
	for i := end + 1; i < len(lines); i++ {
		if strings.TrimSpace(lines[i]) == "" {
			flush()
			continue
		}
		if len(para) == 0 {
			start = i
		}
		para = append(para, lines[i])
	}
	flush()
	if len(s.Blocks) == 0 {
		ie.add(end+1, "", "", "the story has no body after its front matter")
	}
	hasQA := false
	for _, b := range s.Blocks {
		if b.Kind == BlockAnswer || b.Kind == BlockQuestion {
			hasQA = true
		}
		if b.Kind == BlockAnswer && len(d.TitleRefs) == 0 {
			ie.add(1, "title", "", "a story with answers needs a title: each answer comes from a person credited on it")
			break
		}
	}
	if s.Kind == "" {
		s.Kind = KindStory
		if hasQA {
			s.Kind = KindInterview
		}
	}
	if s.Slug == "" && s.Date != "" {
		s.Slug = makeSlug(s.Date, s.Headline)
	}
	if len(ie.Problems) > 0 {
		return Draft{}, ie
	}
	s.Markdown = text
	return d, nil
}

func checkText(ie *ImportError, line int, field, value string, max int) string {
	if utf8.RuneCountInString(value) > max {
		ie.add(line, field, value, fmt.Sprintf("must be at most %d characters", max))
	}
	return value
}

// safeImageRef accepts an http(s) URL or a relative blob key without a
// scheme, "..", backslashes, spaces or quotes.
func safeImageRef(ref string) bool {
	if ref == "" || len(ref) > 500 || strings.ContainsAny(ref, "\\\"'<> \t") {
		return false
	}
	if strings.HasPrefix(ref, "https://") || strings.HasPrefix(ref, "http://") {
		return true
	}
	if strings.Contains(ref, ":") || strings.HasPrefix(ref, "/") || strings.HasPrefix(ref, "//") {
		return false
	}
	for _, part := range strings.Split(ref, "/") {
		if part == ".." || part == "." || part == "" {
			return false
		}
	}
	return true
}

// makeSlug builds a slug from the date and the headline's ASCII letters and
// digits; a headline without enough of them (a Chinese one) gets a short
// hash instead.
func makeSlug(date, headline string) string {
	var b strings.Builder
	dash := false
	for _, r := range strings.ToLower(headline) {
		switch {
		case r >= 'a' && r <= 'z' || r >= '0' && r <= '9':
			b.WriteRune(r)
			dash = false
		case b.Len() > 0 && !dash:
			b.WriteByte('-')
			dash = true
		}
		if b.Len() >= 60 {
			break
		}
	}
	word := strings.Trim(b.String(), "-")
	if len(word) < 8 {
		sum := sha256.Sum256([]byte(headline))
		word = strings.Trim(word+"-"+hex.EncodeToString(sum[:])[:10], "-")
	}
	return date + "-" + word
}
