package editorial

import (
	"fmt"
	"html"
	"html/template"
	"strings"
)

// RenderOptions says how HTML links a story's images and people.
type RenderOptions struct {
	// ImageURL turns an image's blob key into the URL the page loads it
	// from. Nil leaves keys as they are (relative URLs). Keys that are
	// http(s) URLs are used as they are. A key Parse would refuse, or a
	// URL that is neither http(s) nor relative, is dropped and only the
	// caption shown.
	ImageURL func(key string) string
	// PersonURL, when set, links each answer's speaker to their page.
	PersonURL func(personID int64) string
	// HeadingLevel is the level of the story's headline (default 1); its
	// headings are one level below.
	HeadingLevel int
	// QuestionLabel marks the interviewer's questions, its punctuation
	// included ("Q:", "问："); "Q:" when empty. QuestionLang, when set, is
	// the label's language (the reader's), which may differ from the
	// story's.
	QuestionLabel, QuestionLang string
}

// HTML renders a story as an <article>: header (publication, date,
// headline, standfirst, author), then its blocks: paragraphs, headings,
// questions and answers (each answer labelled with its speaker), and images
// as <figure> with caption and credit. Every text is escaped; the only
// markup that comes from the story is the convention's *emphasis* and
// **strong**, and line breaks inside a paragraph stay soft.
func HTML(s Story, opts RenderOptions) template.HTML {
	h := opts.HeadingLevel
	if h < 1 || h > 5 {
		h = 1
	}
	var b strings.Builder
	lang := ""
	if s.Language != "" {
		lang = fmt.Sprintf(` lang="%s"`, html.EscapeString(s.Language))
	}
	fmt.Fprintf(&b, `<article class="story story-%s"%s>`+"\n<header>\n", html.EscapeString(s.Kind), lang)
	if s.Publication != "" || s.Date != "" {
		b.WriteString(`<p class="story-meta">`)
		if s.Publication != "" {
			fmt.Fprintf(&b, `<span class="publication">%s</span>`, html.EscapeString(s.Publication))
		}
		if s.Publication != "" && s.Date != "" {
			b.WriteString(" · ")
		}
		if s.Date != "" {
			fmt.Fprintf(&b, `<time datetime="%s">%s</time>`, html.EscapeString(s.Date), html.EscapeString(s.Date))
		}
		b.WriteString("</p>\n")
	}
	fmt.Fprintf(&b, "<h%d>%s</h%d>\n", h, html.EscapeString(s.Headline), h)
	if s.Standfirst != "" {
		fmt.Fprintf(&b, `<p class="standfirst">%s</p>`+"\n", Inline(s.Standfirst))
	}
	if s.Author != "" {
		fmt.Fprintf(&b, `<p class="byline">%s</p>`+"\n", html.EscapeString(s.Author))
	}
	b.WriteString("</header>\n")
	for _, blk := range s.Blocks {
		switch blk.Kind {
		case BlockHeading:
			fmt.Fprintf(&b, "<h%d>%s</h%d>\n", h+1, Inline(blk.Text), h+1)
		case BlockQuestion:
			label, labelLang := opts.QuestionLabel, ""
			if label == "" {
				label = "Q:"
			}
			if opts.QuestionLang != "" && opts.QuestionLang != s.Language {
				labelLang = fmt.Sprintf(` lang="%s"`, html.EscapeString(opts.QuestionLang))
			}
			fmt.Fprintf(&b, `<p class="question"><strong class="speaker"%s>%s</strong> %s</p>`+"\n", labelLang, html.EscapeString(label), Inline(blk.Text))
		case BlockAnswer:
			speaker := template.HTML(html.EscapeString(blk.Speaker))
			if opts.PersonURL != nil && blk.PersonID != 0 {
				if u := safeURL(opts.PersonURL(blk.PersonID)); u != "" {
					speaker = template.HTML(fmt.Sprintf(`<a href="%s">%s</a>`, html.EscapeString(u), speaker))
				}
			}
			fmt.Fprintf(&b, `<div class="answer" data-person="%d">`, blk.PersonID)
			for i, p := range strings.Split(blk.Text, "\n\n") {
				if i == 0 {
					fmt.Fprintf(&b, `<p><strong class="speaker">%s:</strong> %s</p>`, speaker, Inline(p))
				} else {
					fmt.Fprintf(&b, `<p>%s</p>`, Inline(p))
				}
			}
			b.WriteString("</div>\n")
		case BlockImage:
			if blk.Image == nil {
				continue
			}
			img := *blk.Image
			b.WriteString(`<figure class="still">`)
			src := ""
			if safeImageRef(img.Key) {
				src = img.Key
				if opts.ImageURL != nil && !strings.HasPrefix(src, "http://") && !strings.HasPrefix(src, "https://") {
					src = opts.ImageURL(src)
				}
			}
			if u := safeURL(src); u != "" {
				fmt.Fprintf(&b, `<img src="%s" alt="%s" loading="lazy">`, html.EscapeString(u), html.EscapeString(img.Caption))
			}
			fmt.Fprintf(&b, `<figcaption>%s`, Inline(img.Caption))
			if img.Credit != "" {
				fmt.Fprintf(&b, ` <span class="credit">%s</span>`, html.EscapeString(img.Credit))
			}
			b.WriteString("</figcaption></figure>\n")
		default:
			fmt.Fprintf(&b, "<p>%s</p>\n", Inline(blk.Text))
		}
	}
	b.WriteString("</article>\n")
	return template.HTML(b.String())
}

// safeURL returns u when it is an http(s) URL or a relative one (no scheme),
// and "" otherwise (javascript:, data: and the like).
func safeURL(u string) string {
	u = strings.TrimSpace(u)
	lower := strings.ToLower(u)
	if strings.HasPrefix(lower, "https://") || strings.HasPrefix(lower, "http://") {
		return u
	}
	if i := strings.IndexAny(u, ":/?#"); i >= 0 && u[i] == ':' {
		return ""
	}
	if u == "" || strings.ContainsAny(u, "\x00\n\r\t") {
		return ""
	}
	return u
}

// Inline renders one piece of text of the convention as escaped HTML:
// **strong** becomes <strong>, *emphasis* becomes <em>, a backslash keeps
// the next asterisk literal, and everything else is escaped text. An
// asterisk without its pair stays an asterisk.
func Inline(text string) template.HTML {
	var b strings.Builder
	inline(&b, text)
	return template.HTML(b.String())
}

func inline(b *strings.Builder, text string) {
	for i := 0; i < len(text); {
		switch {
		case text[i] == '\\' && i+1 < len(text) && text[i+1] == '*':
			b.WriteByte('*')
			i += 2
		case strings.HasPrefix(text[i:], "**"):
			if j := closing(text, i+2, "**"); j > i+2 {
				b.WriteString("<strong>")
				inline(b, text[i+2:j])
				b.WriteString("</strong>")
				i = j + 2
				continue
			}
			b.WriteString("**")
			i += 2
		case text[i] == '*':
			if j := closing(text, i+1, "*"); j > i+1 {
				b.WriteString("<em>")
				inline(b, text[i+1:j])
				b.WriteString("</em>")
				i = j + 1
				continue
			}
			b.WriteByte('*')
			i++
		default:
			j := i + 1
			for j < len(text) && text[j] != '*' && text[j] != '\\' {
				j++
			}
			b.WriteString(html.EscapeString(text[i:j]))
			i = j
		}
	}
}

// closing finds the delimiter that closes a span opened before from, or -1.
// A single "*" does not close on half of a "**".
func closing(text string, from int, delim string) int {
	for j := from; j < len(text); j++ {
		if text[j] == '\\' {
			j++
			continue
		}
		if !strings.HasPrefix(text[j:], delim) {
			continue
		}
		if delim == "**" && strings.HasPrefix(text[j:], "***") {
			// "***" after an open emphasis: the first "*" closes it and
			// the last two close the strong span.
			return j + 1
		}
		if delim == "*" && strings.HasPrefix(text[j:], "**") {
			// Skip a whole strong span inside emphasis.
			if k := closing(text, j+2, "**"); k > 0 {
				j = k + 1
				continue
			}
			return -1
		}
		return j
	}
	return -1
}
