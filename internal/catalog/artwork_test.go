package catalog_test

import (
	"bytes"
	"context"
	"errors"
	"image"
	"image/color"
	"image/gif"
	"image/jpeg"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"testing"

	"github.com/lineup/lineup/internal/catalog"
	"github.com/lineup/lineup/internal/store"
	"github.com/lineup/lineup/internal/store/storetest"
)

func testImage(w, h int) image.Image {
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			img.Set(x, y, color.RGBA{uint8(x), uint8(y), 120, 255})
		}
	}
	return img
}

func encoded(t *testing.T, enc func(*bytes.Buffer, image.Image) error, w, h int) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := enc(&b, testImage(w, h)); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func TestPrepareArtwork(t *testing.T) {
	pngOf := func(b *bytes.Buffer, img image.Image) error { return png.Encode(b, img) }
	jpegOf := func(b *bytes.Buffer, img image.Image) error { return jpeg.Encode(b, img, nil) }
	tests := []struct {
		rule       string
		kind       string
		data       []byte
		wantWidths []int
		wantH      int // height of the widest rendition
	}{
		{"a landscape PNG poster is cropped to 2:3 and made no wider than itself", catalog.Poster, encoded(t, pngOf, 800, 600), []int{160, 320}, 480},
		{"a large JPEG poster gets every width", catalog.Poster, encoded(t, jpegOf, 1000, 1500), []int{160, 320, 640}, 960},
		{"a backdrop is cropped to 16:9", catalog.Backdrop, encoded(t, jpegOf, 1400, 1400), []int{640, 1280}, 720},
	}
	if ffmpeg, err := exec.LookPath("ffmpeg"); err == nil {
		p := filepath.Join(t.TempDir(), "poster.webp")
		if out, err := exec.Command(ffmpeg, "-v", "error", "-f", "lavfi", "-i", "testsrc=s=480x720", "-frames:v", "1", p).CombinedOutput(); err != nil {
			t.Fatalf("make a WebP image: %v %s", err, out)
		}
		webp, _ := os.ReadFile(p)
		tests = append(tests, struct {
			rule       string
			kind       string
			data       []byte
			wantWidths []int
			wantH      int
		}{"a WebP poster is read", catalog.Poster, webp, []int{160, 320}, 480})
	} else if os.Getenv("LINEUP_TEST_REQUIRE_FFMPEG") == "1" {
		t.Fatal("no ffmpeg to make a WebP image")
	}
	for _, tc := range tests {
		a, rs, err := catalog.PrepareArtwork(7, tc.kind, bytes.NewReader(tc.data))
		if err != nil {
			t.Fatalf("%s: %v", tc.rule, err)
		}
		if !slices.Equal(a.Widths, tc.wantWidths) || len(rs) != len(tc.wantWidths) {
			t.Errorf("%s: widths %v, want %v", tc.rule, a.Widths, tc.wantWidths)
			continue
		}
		last, err := jpeg.Decode(bytes.NewReader(rs[len(rs)-1].JPEG))
		if err != nil {
			t.Fatalf("%s: a rendition must be a JPEG: %v", tc.rule, err)
		}
		if b := last.Bounds(); b.Dx() != tc.wantWidths[len(tc.wantWidths)-1] || b.Dy() != tc.wantH {
			t.Errorf("%s: the widest rendition is %dx%d, want %dx%d", tc.rule, b.Dx(), b.Dy(), tc.wantWidths[len(tc.wantWidths)-1], tc.wantH)
		}
		if a.Key(320) != a.KeyPrefix+"-320.jpg" || !bytes.Contains([]byte(a.KeyPrefix), []byte("artwork/7/")) {
			t.Errorf("%s: renditions live under the title's artwork, named by the image's hash: %s", tc.rule, a.Key(320))
		}
	}
	again, _, _ := catalog.PrepareArtwork(7, catalog.Poster, bytes.NewReader(tests[0].data))
	other, _, _ := catalog.PrepareArtwork(7, catalog.Poster, bytes.NewReader(tests[1].data))
	if again.KeyPrefix == other.KeyPrefix {
		t.Errorf("a different image must get different keys, so cached renditions never go stale")
	}

	var g bytes.Buffer
	gif.Encode(&g, testImage(400, 600), nil)
	bad := []struct {
		rule, kind string
		data       []byte
	}{
		{"a GIF is refused", catalog.Poster, g.Bytes()},
		{"a file that is no image is refused", catalog.Poster, []byte("%PDF-1.4")},
		{"an image too small for the smallest width is refused", catalog.Poster, encoded(t, pngOf, 100, 150)},
		{"an unknown kind is refused", "banner", encoded(t, pngOf, 400, 600)},
	}
	for _, tc := range bad {
		var inv interface {
			InvalidField() (string, string, string)
		}
		if _, _, err := catalog.PrepareArtwork(7, tc.kind, bytes.NewReader(tc.data)); !errors.As(err, &inv) {
			t.Errorf("%s, saying what was wrong: %v", tc.rule, err)
		}
	}
}

func TestArtworkIsKeptPerTitleAndKind(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		s := catalog.New(db)
		ti, err := s.CreateTitle(ctx, catalog.Title{OriginalTitle: "后来的我们", OriginalLanguage: "zh"})
		if err != nil {
			t.Fatal(err)
		}
		first := catalog.Artwork{TitleID: ti.ID, Kind: catalog.Poster, KeyPrefix: "artwork/1/aa/poster", Widths: []int{160, 320}}
		second := catalog.Artwork{TitleID: ti.ID, Kind: catalog.Poster, KeyPrefix: "artwork/1/bb/poster", Widths: []int{160, 320, 640}}
		back := catalog.Artwork{TitleID: ti.ID, Kind: catalog.Backdrop, KeyPrefix: "artwork/1/cc/backdrop", Widths: []int{640}}
		for _, a := range []catalog.Artwork{first, second, back} {
			if err := s.SaveArtwork(ctx, a); err != nil {
				t.Fatal(err)
			}
		}
		got, err := s.ArtworkFor(ctx, []int64{ti.ID, 999})
		if err != nil {
			t.Fatal(err)
		}
		if p := got[ti.ID][catalog.Poster]; p.KeyPrefix != second.KeyPrefix || !slices.Equal(p.Widths, second.Widths) {
			t.Errorf("a new poster replaces the old one: %+v", p)
		}
		if got[ti.ID][catalog.Backdrop].KeyPrefix != back.KeyPrefix || len(got) != 1 {
			t.Errorf("poster and backdrop are kept apart, and a title without artwork is absent: %+v", got)
		}
	})
}
