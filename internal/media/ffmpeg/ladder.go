// Package ffmpeg builds ffmpeg and ffprobe argument lists and parses what
// those programs print. Everything here is pure: nothing runs a process or
// touches a file, so every command Lineup runs can be read in a golden file.
package ffmpeg

import (
	"fmt"
	"math"
)

// Rung is one video rendition of the ladder.
type Rung struct {
	// Name is the rung's height with a "p", such as "720p"; it also names
	// the rung's output folder.
	Name string
	// Width and Height are the encoded frame size in pixels, both even.
	Width, Height int
	// Bitrate is the target average video bitrate in bits per second.
	Bitrate int
	// MaxRate and BufSize bound the encoder's rate control (VBV) in bits per
	// second and bits: any stretch of T seconds holds at most
	// MaxRate·T + BufSize bits.
	MaxRate, BufSize int
}

// ladderHeights are the rung heights Lineup offers, tallest first.
var ladderHeights = []int{1080, 720, 480, 360, 240}

// Bitrate formula. A rung's target bitrate is
//
//	bitrate = bpp(h) · w · h · 30 · (fps/30)^0.75
//	bpp(h)  = 0.08 · (1080/h)^0.25
//
// bpp is bits per pixel per frame at 30 fps: 0.08 at 1080p (about 5 Mb/s),
// rising slowly for smaller frames, which need more bits per pixel for the
// same look (240p gets 0.116). Frame rate counts less than linearly,
// because frames that follow each other faster differ less: 60 fps costs
// 1.68 times 30 fps, 24 fps 0.85 times. The result is rounded to a whole
// kb/s. MaxRate is 1.5 times the target and BufSize twice it, so a 4 s
// segment peaks at no more than twice the target.
const (
	bppAt1080      = 0.08
	bppSizeExp     = 0.25
	fpsExp         = 0.75
	maxRateFactor  = 1.5
	bufSizeFactor  = 2.0
	defaultFPS     = 30.0
	referenceFPS   = 30.0
	minFPS, maxFPS = 1.0, 120.0
)

// ChooseLadder returns the rungs for a source of the given display size and
// frame rate, largest first: each of 1080p, 720p, 480p, 360p and 240p that is
// no taller than the source, each as wide as the source's aspect ratio
// makes it (rounded to an even number). A portrait source (taller than
// wide, such as a phone's) is measured on its short side instead: its
// 360p rung is 360 wide and as tall as its aspect makes it. A source
// whose short side is under 240 gets a single rung of its own size. An unknown frame rate (0 or less)
// counts as 30 fps. ChooseLadder returns nil when the size is not positive.
func ChooseLadder(srcWidth, srcHeight int, fps float64) []Rung {
	if srcWidth <= 0 || srcHeight <= 0 {
		return nil
	}
	if fps <= 0 || math.IsNaN(fps) || math.IsInf(fps, 0) {
		fps = defaultFPS
	}
	fps = min(max(fps, minFPS), maxFPS)
	var rungs []Rung
	portrait := srcHeight > srcWidth
	for _, h := range ladderHeights {
		switch {
		case portrait && h <= srcWidth:
			r := newRung(h, even(float64(srcHeight)*float64(h)/float64(srcWidth)), fps)
			r.Name = fmt.Sprintf("%dp", h)
			rungs = append(rungs, r)
		case !portrait && h <= srcHeight:
			rungs = append(rungs, newRung(even(float64(srcWidth)*float64(h)/float64(srcHeight)), h, fps))
		}
	}
	if len(rungs) == 0 {
		rungs = append(rungs, newRung(even(float64(srcWidth)), even(float64(srcHeight)), fps))
	}
	return rungs
}

func newRung(w, h int, fps float64) Rung {
	bpp := bppAt1080 * math.Pow(1080/float64(min(w, h)), bppSizeExp)
	bits := bpp * float64(w*h) * referenceFPS * math.Pow(fps/referenceFPS, fpsExp)
	b := int(math.Round(bits/1000)) * 1000
	return Rung{
		Name:    fmt.Sprintf("%dp", min(w, h)),
		Width:   w,
		Height:  h,
		Bitrate: b,
		MaxRate: int(float64(b) * maxRateFactor),
		BufSize: int(float64(b) * bufSizeFactor),
	}
}

// even rounds x to the nearest even whole number, at least 2.
func even(x float64) int {
	return max(2, int(math.Round(x/2))*2)
}
