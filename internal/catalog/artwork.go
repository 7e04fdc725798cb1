package catalog

import (
	"bytes"
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"fmt"
	"image"
	"image/jpeg"
	_ "image/png" // decoded for uploads
	"io"
	"strconv"
	"strings"

	"golang.org/x/image/draw"
	_ "golang.org/x/image/webp" // decoded for uploads
)

// Artwork kinds: a poster is 2:3 (cards), a backdrop 16:9 (the title page).
const (
	Poster   = "poster"
	Backdrop = "backdrop"
)

// artworkShape gives each kind its aspect ratio (width:height) and the
// widths its renditions are made at, smallest first: enough for a card on
// a phone up to a high-density desktop screen, without a rendition wider
// than the upload.
var artworkShape = map[string]struct {
	w, h   int
	widths []int
}{
	Poster:   {2, 3, []int{160, 320, 640}},
	Backdrop: {16, 9, []int{640, 1280, 1920}},
}

// MaxArtworkBytes bounds an uploaded image.
const MaxArtworkBytes = 20 << 20

// Artwork is a title's poster or backdrop as stored: Key(width) names each
// rendition in the media store.
type Artwork struct {
	TitleID   int64  `json:"title_id"`
	Kind      string `json:"kind"`
	KeyPrefix string `json:"key_prefix"`
	Widths    []int  `json:"widths"`
}

// Key is the media-store key of the rendition of width w.
func (a Artwork) Key(w int) string { return a.KeyPrefix + "-" + strconv.Itoa(w) + ".jpg" }

// Rendition is one width of a prepared image, JPEG-encoded.
type Rendition struct {
	Width int
	JPEG  []byte
}

// PrepareArtwork reads an uploaded image (JPEG, PNG or WebP), crops it to
// the kind's shape around its centre, and makes its renditions, each a
// JPEG no wider than the upload. It returns them smallest first with the
// key prefix they belong under. Anything else (another format, an image
// too small for the smallest width, more than MaxArtworkBytes, an unknown
// kind) is a *FieldError that says what was wrong. It is a pure function of
// its input.
func PrepareArtwork(titleID int64, kind string, r io.Reader) (Artwork, []Rendition, error) {
	shape, ok := artworkShape[kind]
	if !ok {
		return Artwork{}, nil, fieldErr("kind", kind, "artwork is a poster or a backdrop")
	}
	raw, err := io.ReadAll(io.LimitReader(r, MaxArtworkBytes+1))
	if err != nil {
		return Artwork{}, nil, fmt.Errorf("catalog: read artwork: %w", err)
	}
	if len(raw) > MaxArtworkBytes {
		return Artwork{}, nil, fieldErr("image", "", fmt.Sprintf("the image is larger than %d MiB: send a smaller file", MaxArtworkBytes>>20))
	}
	src, format, err := image.Decode(bytes.NewReader(raw))
	if err != nil {
		return Artwork{}, nil, fieldErr("image", "", "the file is not a JPEG, PNG or WebP image that can be read")
	}
	if format != "jpeg" && format != "png" && format != "webp" {
		return Artwork{}, nil, fieldErr("image", format, "artwork must be a JPEG, PNG or WebP image")
	}
	crop := centreCrop(src.Bounds(), shape.w, shape.h)
	if crop.Dx() < shape.widths[0] {
		return Artwork{}, nil, fieldErr("image", fmt.Sprintf("%dx%d", src.Bounds().Dx(), src.Bounds().Dy()),
			fmt.Sprintf("a %s must be at least %d pixels wide once cropped to %d:%d", kind, shape.widths[0], shape.w, shape.h))
	}
	sum := sha256.Sum256(raw)
	a := Artwork{TitleID: titleID, Kind: kind,
		KeyPrefix: fmt.Sprintf("artwork/%d/%s/%s", titleID, hex.EncodeToString(sum[:8]), kind)}
	var out []Rendition
	for _, w := range shape.widths {
		if w > crop.Dx() {
			break
		}
		h := w * shape.h / shape.w
		dst := image.NewRGBA(image.Rect(0, 0, w, h))
		// CatmullRom: a sharp downscale; the cost is paid once per upload.
		draw.CatmullRom.Scale(dst, dst.Bounds(), src, crop, draw.Src, nil)
		var b bytes.Buffer
		if err := jpeg.Encode(&b, dst, &jpeg.Options{Quality: 82}); err != nil {
			return Artwork{}, nil, fmt.Errorf("catalog: encode artwork: %w", err)
		}
		out = append(out, Rendition{Width: w, JPEG: b.Bytes()})
		a.Widths = append(a.Widths, w)
	}
	return a, out, nil
}

// centreCrop is the largest w:h rectangle centred in b.
func centreCrop(b image.Rectangle, w, h int) image.Rectangle {
	cw, ch := b.Dx(), b.Dx()*h/w
	if ch > b.Dy() {
		ch, cw = b.Dy(), b.Dy()*w/h
	}
	x, y := b.Min.X+(b.Dx()-cw)/2, b.Min.Y+(b.Dy()-ch)/2
	return image.Rect(x, y, x+cw, y+ch)
}

// SaveArtwork records a title's poster or backdrop, replacing the one
// before (whose files stay in the media store; pages stop linking them).
// The renditions must already be stored under a.KeyPrefix.
func (s *Service) SaveArtwork(ctx context.Context, a Artwork) error {
	widths := make([]string, len(a.Widths))
	for i, w := range a.Widths {
		widths[i] = strconv.Itoa(w)
	}
	err := s.db.InTx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `DELETE FROM title_artwork WHERE title_id = $1 AND kind = $2`, a.TitleID, a.Kind); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, `INSERT INTO title_artwork (title_id, kind, key_prefix, widths, created_at) VALUES ($1, $2, $3, $4, $5)`,
			a.TitleID, a.Kind, a.KeyPrefix, strings.Join(widths, ","), s.now().UnixMilli())
		return err
	})
	if err != nil {
		return fmt.Errorf("catalog: save artwork of title %d: %w", a.TitleID, err)
	}
	return nil
}

// ArtworkFor returns the artwork of the given titles, by title and kind; a
// title without artwork is absent.
func (s *Service) ArtworkFor(ctx context.Context, titleIDs []int64) (map[int64]map[string]Artwork, error) {
	out := map[int64]map[string]Artwork{}
	if len(titleIDs) == 0 {
		return out, nil
	}
	args := make([]any, len(titleIDs))
	ph := make([]string, len(titleIDs))
	for i, id := range titleIDs {
		args[i] = id
		ph[i] = "$" + strconv.Itoa(i+1)
	}
	rows, err := s.db.QueryContext(ctx, `SELECT title_id, kind, key_prefix, widths FROM title_artwork WHERE title_id IN (`+strings.Join(ph, ", ")+`)`, args...)
	if err != nil {
		return nil, fmt.Errorf("catalog: artwork: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var a Artwork
		var widths string
		if err := rows.Scan(&a.TitleID, &a.Kind, &a.KeyPrefix, &widths); err != nil {
			return nil, fmt.Errorf("catalog: artwork: %w", err)
		}
		for _, w := range strings.Split(widths, ",") {
			if n, err := strconv.Atoi(w); err == nil {
				a.Widths = append(a.Widths, n)
			}
		}
		if out[a.TitleID] == nil {
			out[a.TitleID] = map[string]Artwork{}
		}
		out[a.TitleID][a.Kind] = a
	}
	return out, rows.Err()
}
