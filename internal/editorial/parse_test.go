package editorial

import (
	"errors"
	"regexp"
	"strings"
	"testing"
)

const front = "---\nheadline: A demo interview: test\nstandfirst: Short *and* plain\npublication: Lineup demo\ndate: 2018-06-22\ntitle: 后来的我们\n---\n\n"

func TestParseConvention(t *testing.T) {
	d, err := Parse([]byte(front + `Intro paragraph
on two lines.

## A heading ##

**Q:** First question?

**刘若英：** An answer with a full-width colon.

It goes on here.

**Q:** Second?

**René Liu:** Short.

![A train at night](stills/train.png "Lineup demo")

After the image, a paragraph again.
`))
	if err != nil {
		t.Fatal(err)
	}
	want := []Block{
		{Kind: BlockParagraph, Text: "Intro paragraph\non two lines."},
		{Kind: BlockHeading, Text: "A heading"},
		{Kind: BlockQuestion, Text: "First question?"},
		{Kind: BlockAnswer, Speaker: "刘若英", Text: "An answer with a full-width colon.\n\nIt goes on here."},
		{Kind: BlockQuestion, Text: "Second?"},
		{Kind: BlockAnswer, Speaker: "René Liu", Text: "Short."},
		{Kind: BlockImage, Image: &Image{Key: "stills/train.png", Caption: "A train at night", Credit: "Lineup demo"}},
		{Kind: BlockParagraph, Text: "After the image, a paragraph again."},
	}
	got := d.Story.Blocks
	if len(got) != len(want) {
		t.Fatalf("got %d blocks, want %d: %+v", len(got), len(want), got)
	}
	for i := range want {
		g, w := got[i], want[i]
		if g.Kind != w.Kind || g.Text != w.Text || g.Speaker != w.Speaker || (w.Image != nil && (g.Image == nil || *g.Image != *w.Image)) {
			t.Errorf("block %d = %+v, want %+v", i, g, w)
		}
	}
	s := d.Story
	if s.Kind != KindInterview || s.Headline != "A demo interview: test" || s.Date != "2018-06-22" || s.Slug != "2018-06-22-a-demo-interview-test" {
		t.Errorf("front matter: %+v", s)
	}
	if len(d.TitleRefs) != 1 || d.TitleRefs[0] != (Ref{6, "后来的我们"}) {
		t.Errorf("title refs keep their line: %+v", d.TitleRefs)
	}
	if d.BlockLines[3] != 16 {
		t.Errorf("blocks keep their line: %v", d.BlockLines)
	}
}

func TestParseRefuses(t *testing.T) {
	cases := []struct {
		rule, md string
		line     int
		reason   string
	}{
		{"a story begins with a front matter", "headline: x\n", 1, "front matter"},
		{"the front matter closes", "---\nheadline: x\n", 1, "closing"},
		{"headline is required", "---\ndate: 2018-01-01\ntitle: x\n---\ntext\n", 1, "required"},
		{"the date is YYYY-MM-DD", "---\nheadline: x\ndate: 22/06/2018\ntitle: x\n---\ntext\n", 3, "YYYY-MM-DD"},
		{"unknown keys are refused", "---\nheadline: x\ndate: 2018-01-01\ntitle: x\nheadlin: y\n---\ntext\n", 5, "unknown front matter key"},
		{"a story is attached to something", "---\nheadline: x\ndate: 2018-01-01\n---\ntext\n", 1, "at least one title or person"},
		{"an answer needs text", front + "**René Liu:**\n", 9, "no text"},
		{"an image needs a caption", front + "![](a.png)\n", 9, "caption"},
		{"an image key is a blob key or an http(s) URL", front + "![x](javascript:alert(1))\n", 9, "blob key"},
		{"an image key does not climb out", front + "![x](../secrets.png)\n", 9, "blob key"},
		{"the body is not empty", front, 7, "no body"},
	}
	for _, c := range cases {
		t.Run(c.rule, func(t *testing.T) {
			_, err := Parse([]byte(c.md))
			var ie *ImportError
			if !errors.As(err, &ie) {
				t.Fatalf("%s: want an *ImportError, got %v", c.rule, err)
			}
			found := false
			for _, p := range ie.Problems {
				if p.Line == c.line && strings.Contains(p.Reason, c.reason) {
					found = true
				}
			}
			if !found {
				t.Errorf("%s: want a problem on line %d about %q, got %v", c.rule, c.line, c.reason, err)
			}
		})
	}
}

func TestHTMLIsSafe(t *testing.T) {
	s := Story{Kind: KindInterview, Headline: `<img src=x onerror=alert(1)>`, Standfirst: "A *demo* & more", Publication: "Lineup demo", Date: "2018-06-22",
		Blocks: []Block{
			{Kind: BlockParagraph, Text: `<script>alert("x")</script> **bold *and em*** \*literal\* *unclosed`},
			{Kind: BlockQuestion, Text: "Why?"},
			{Kind: BlockAnswer, Speaker: "René <b>Liu</b>", PersonID: 7, Text: "One.\n\nTwo."},
			{Kind: BlockImage, Image: &Image{Key: "stills/a.png", Caption: `Cap "tion" <i>`, Credit: "Demo"}},
			{Kind: BlockImage, Image: &Image{Key: "javascript:alert(1)", Caption: "Dropped image"}},
		}}
	out := string(HTML(s, RenderOptions{
		ImageURL:  func(k string) string { return "/media/" + k },
		PersonURL: func(id int64) string { return "/people/7" },
	}))
	cases := []struct {
		rule string
		ok   bool
	}{
		{"the headline is escaped", strings.Contains(out, "&lt;img src=x onerror=alert(1)&gt;")},
		{"a script in text is escaped", strings.Contains(out, "&lt;script&gt;") && !strings.Contains(out, "<script")},
		{"strong and emphasis nest", strings.Contains(out, "<strong>bold <em>and em</em></strong>")},
		{"a backslash keeps an asterisk literal", strings.Contains(out, "*literal*")},
		{"an unclosed asterisk stays text", strings.Contains(out, " *unclosed")},
		{"the speaker is escaped and linked", strings.Contains(out, `<a href="/people/7">René &lt;b&gt;Liu&lt;/b&gt;</a>:`)},
		{"an answer keeps its paragraphs", strings.Contains(out, "<p>Two.</p>")},
		{"images load through ImageURL with the caption as alt", strings.Contains(out, `<img src="/media/stills/a.png" alt="Cap &#34;tion&#34; &lt;i&gt;"`)},
		{"a javascript: image is dropped but its caption kept", !strings.Contains(out, "javascript:") && strings.Contains(out, "Dropped image")},
		{"the credit is shown", strings.Contains(out, `<span class="credit">Demo</span>`)},
		{"a question is labelled Q: by default", strings.Contains(out, `<p class="question"><strong class="speaker">Q:</strong> Why?</p>`)},
	}
	for _, c := range cases {
		if !c.ok {
			t.Errorf("%s:\n%s", c.rule, out)
		}
	}
}

// TestQuestionLabelIsTheReaders: the interviewer's label is in the
// reader's language, marked with it when the story is in another.
func TestQuestionLabelIsTheReaders(t *testing.T) {
	s := Story{Kind: KindInterview, Headline: "René Liu", Language: "en", Blocks: []Block{{Kind: BlockQuestion, Text: "Why <now>?"}}}
	out := string(HTML(s, RenderOptions{QuestionLabel: "问：", QuestionLang: "zh-Hans"}))
	if !strings.Contains(out, `<p class="question"><strong class="speaker" lang="zh-Hans">问：</strong> Why &lt;now&gt;?</p>`) {
		t.Errorf("a question must carry the reader's label, in the reader's language:\n%s", out)
	}
	s.Language = "zh-Hans"
	if out := string(HTML(s, RenderOptions{QuestionLabel: "问：", QuestionLang: "zh-Hans"})); !strings.Contains(out, `<strong class="speaker">问：</strong>`) {
		t.Errorf("a label in the story's own language needs no lang of its own:\n%s", out)
	}
}

var allowedTags = regexp.MustCompile(`</?(strong|em)>`)

func FuzzInline(f *testing.F) {
	for _, s := range []string{"**a**", "*a **b** c*", `\*x\*`, "<script>", "***", "*a*b*c**"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		out := allowedTags.ReplaceAllString(string(Inline(s)), "")
		if strings.ContainsAny(out, "<>") {
			t.Fatalf("Inline(%q) let markup through: %q", s, out)
		}
	})
}

func FuzzParse(f *testing.F) {
	f.Add([]byte(front + "**Q:** x\n\n**A B:** y\n\n![c](k.png \"d\")\n"))
	f.Add([]byte("---\n---\n"))
	f.Fuzz(func(t *testing.T, md []byte) {
		d, err := Parse(md)
		if err != nil {
			var ie *ImportError
			if !errors.As(err, &ie) || len(ie.Problems) == 0 {
				t.Fatalf("a refused story must list its problems: %v", err)
			}
			return
		}
		if d.Story.Headline == "" || d.Story.Date == "" || len(d.Story.Blocks) != len(d.BlockLines) {
			t.Fatalf("an accepted story has a headline, a date and a line for each block: %+v", d)
		}
	})
}
