package app

import (
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"regexp"
	"strings"
	"testing"
)

// TestAdminPicksAFrameAsPoster: a title with an encoded film and no artwork
// offers candidate frames of the film on its admin artwork page; picking one
// makes it the poster every card shows.
func TestAdminPicksAFrameAsPoster(t *testing.T) {
	svc := startBrowserService(t)
	jar, _ := cookiejar.New(nil)
	c := &http.Client{Jar: jar}
	read := func(resp *http.Response, err error) (int, string) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b)
	}
	_, page := read(c.PostForm(svc.url+"/signin", url.Values{"email": {"admin@viewer.test"}, "password": {"correct horse battery"}}))
	csrf := regexp.MustCompile(`name="csrf" value="([^"]+)"`).FindStringSubmatch(page)
	action := regexp.MustCompile(`action="(/profiles/\d+/select)"`).FindStringSubmatch(page)
	if csrf == nil || action == nil {
		t.Fatalf("signing in must lead to the profile picker")
	}
	read(c.PostForm(svc.url+action[1], url.Values{"csrf": {csrf[1]}}))
	id := itoa(svc.titleID)
	status, page := read(c.Get(svc.url + "/admin/titles/" + id + "/artwork"))
	frames := regexp.MustCompile(`<img src="(/images/assets/[^"]+/frames/frame_01\.jpg)"`).FindStringSubmatch(page)
	if status != 200 || frames == nil {
		t.Fatalf("the artwork page must offer frames of the encoded film: %d\n%s", status, page)
	}
	if status, _ := read(c.Get(svc.url + frames[1])); status != 200 {
		t.Fatalf("a candidate frame must load: %d", status)
	}
	status, page = read(c.PostForm(svc.url+"/admin/titles/"+id+"/artwork/pick", url.Values{"csrf": {csrf[1]}, "frame": {"1"}, "kind": {"poster"}}))
	if status != 200 || !strings.Contains(page, "Frame 1 is now the poster") {
		t.Fatalf("picking a frame must make it the poster: %d", status)
	}
	_, page = read(c.Get(svc.url + "/"))
	if !regexp.MustCompile(`srcset="/images/artwork/` + id + `/`).MatchString(page) {
		t.Errorf("the home page's card must show the picked poster")
	}
}
