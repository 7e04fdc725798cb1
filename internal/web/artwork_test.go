package web

import (
	"bytes"
	"context"
	"image"
	"image/color"
	"image/gif"
	"image/png"
	"io"
	"mime/multipart"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/lineup/lineup/internal/accounts"
)

func uploadArtwork(t *testing.T, b *browser, titleID int64, csrf, kind string, data []byte) (int, string) {
	t.Helper()
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	mw.WriteField("kind", kind)
	fw, _ := mw.CreateFormFile("image", "art.png")
	fw.Write(data)
	mw.Close()
	req, _ := http.NewRequest("POST", b.base+"/admin/titles/"+itoa(titleID)+"/artwork?csrf="+url.QueryEscape(csrf), &body)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	resp, err := b.c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(raw)
}

func TestAdminUploadsArtworkAndCardsShowIt(t *testing.T) {
	vs := newViewerServer(t)
	ctx := context.Background()
	u, err := vs.accounts.AddUser(ctx, accounts.NewUser{Email: "admin@b.test", Password: "correct horse battery", HomeTerritory: "US", Role: accounts.RoleAdmin})
	if err != nil {
		t.Fatal(err)
	}
	p, _ := vs.accounts.AddProfile(ctx, u.ID, accounts.ProfileInput{Name: "Admin", Language: "en", MaxAge: 18})
	b := newBrowserClient(t, vs.url)
	_, page := b.do("POST", "/signin", url.Values{"email": {"admin@b.test"}, "password": {"correct horse battery"}})
	token := b.csrf(page)
	b.do("POST", "/profiles/"+itoa(p.ID)+"/select", url.Values{"csrf": {token}})

	img := image.NewRGBA(image.Rect(0, 0, 700, 1000))
	for y := 0; y < 1000; y++ {
		for x := 0; x < 700; x++ {
			img.Set(x, y, color.RGBA{uint8(x / 3), 40, uint8(y / 4), 255})
		}
	}
	var pngData, gifData bytes.Buffer
	png.Encode(&pngData, img)
	gif.Encode(&gifData, img, nil)

	// The page takes images up to 20 MiB, beyond the 1 MiB this server
	// allows other bodies: a 3 MiB file is read (and refused as no image),
	// not cut off as too large.
	status, page := uploadArtwork(t, b, vs.unready, token, "poster", bytes.Repeat([]byte{0x89}, 3<<20))
	if status == http.StatusRequestEntityTooLarge || status/100 != 4 {
		t.Errorf("a 3 MiB artwork upload must be read as an upload (20 MiB limit), not refused by the ordinary body limit: %d", status)
	}
	status, _ = uploadArtwork(t, b, vs.unready, token, "poster", bytes.Repeat([]byte{0x89}, 22<<20))
	if status != http.StatusRequestEntityTooLarge {
		t.Errorf("an artwork over 20 MiB must be refused with 413: %d", status)
	}
	status, page = uploadArtwork(t, b, vs.unready, token, "poster", gifData.Bytes())
	if status != http.StatusUnprocessableEntity || !strings.Contains(page, "JPEG, PNG or WebP") {
		t.Errorf("a GIF must be refused saying which formats are taken: %d", status)
	}
	status, page = uploadArtwork(t, b, vs.unready, token, "poster", pngData.Bytes())
	if status != 200 || !strings.Contains(page, "is saved, in 3 sizes") {
		t.Fatalf("an admin's PNG poster must be saved in three sizes: %d", status)
	}
	b.do("POST", "/my-list/"+itoa(vs.unready), url.Values{"csrf": {token}})
	_, page = b.do("GET", "/my-list", nil)
	srcset := regexp.MustCompile(`srcset="([^"]+)"`).FindStringSubmatch(page)
	if srcset == nil || strings.Count(srcset[1], "w,") != 2 || !strings.Contains(srcset[1], "640w") {
		t.Fatalf("a card must show the title's poster with its widths in srcset: %v", srcset)
	}
	first := strings.Fields(srcset[1])[0]
	resp, err := http.Get(vs.url + first)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 || resp.Header.Get("Content-Type") != "image/jpeg" || !strings.Contains(resp.Header.Get("Cache-Control"), "immutable") {
		t.Errorf("a rendition is a JPEG cached for ever (its key names the image): %d %s %s", resp.StatusCode, resp.Header.Get("Content-Type"), resp.Header.Get("Cache-Control"))
	}
}
