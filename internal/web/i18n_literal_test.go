package web

import (
	"html"
	"io/fs"
	"regexp"
	"strings"
	"testing"
)

var (
	templateAction = regexp.MustCompile(`(?s)\{\{.*?\}\}`)
	templateCode   = regexp.MustCompile(`(?s)<(script|style)\b[^>]*>.*?</(script|style)>`)
	templateTag    = regexp.MustCompile(`(?s)<[^>]*>`)
	// shownAttr are the attributes whose text a person reads or hears.
	shownAttr    = regexp.MustCompile(`\b(alt|aria-label|title)="([^"]*)"`)
	templateWord = regexp.MustCompile(`[A-Za-z]{2,}`)
)

// notWords are the names that read the same in every language: file
// formats and standards an administrator picks files and dates by.
var notWords = map[string]bool{"JPEG": true, "PNG": true, "WebP": true, "SRT": true, "WebVTT": true, "ASS": true,
	"EMA": true, "Avails": true, "xlsx": true, "csv": true, "RFC": true, "YYYY": true, "MM": true, "DD": true, "ZZ": true, "EU": true}

// TestTemplatesHaveNoLiteralText: every word a template shows (its text
// and the alt, aria-label and title attributes) comes through the
// catalogue ({{$.T "…"}}), so no page shows English to a viewer reading
// Chinese. Template actions, markup, scripts and the names above are not
// text.
func TestTemplatesHaveNoLiteralText(t *testing.T) {
	err := fs.WalkDir(templateFiles, "templates", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := fs.ReadFile(templateFiles, p)
		if err != nil {
			return err
		}
		src := templateCode.ReplaceAllString(templateAction.ReplaceAllString(string(b), " "), " ")
		var shown []string
		for _, m := range shownAttr.FindAllStringSubmatch(src, -1) {
			shown = append(shown, m[2])
		}
		shown = append(shown, templateTag.ReplaceAllString(src, " "))
		for _, s := range shown {
			for _, w := range templateWord.FindAllString(html.UnescapeString(s), -1) {
				if !notWords[w] {
					t.Errorf("%s shows the literal word %q: put its sentence through {{$.T \"…\"}} and translate it in internal/locale", p, w)
				}
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// TestLiteralTextCheckFindsEnglish: the check above is not blind.
func TestLiteralTextCheckFindsEnglish(t *testing.T) {
	src := `<h1>{{$.T "Admin"}}</h1><p>Uploading: <img alt="Poster of {{.Name}}"></p><script>var x = "ok"</script>`
	src = templateCode.ReplaceAllString(templateAction.ReplaceAllString(src, " "), " ")
	var found []string
	for _, m := range shownAttr.FindAllStringSubmatch(src, -1) {
		found = append(found, templateWord.FindAllString(m[2], -1)...)
	}
	found = append(found, templateWord.FindAllString(templateTag.ReplaceAllString(src, " "), -1)...)
	if strings.Join(found, " ") != "Poster of Uploading" {
		t.Errorf("the literal text check must find the words of text and of shown attributes, and only them: %q", found)
	}
}
