package ffmpeg

import (
	"fmt"
	"path/filepath"
	"strconv"
)

// Trickplay describes thumbnail sprite sheets: one thumbnail every
// IntervalSeconds of media time, Width×Height pixels each, laid out
// Columns across and Rows down on each sheet, left to right then top to
// bottom. The last sheet may be partly empty.
type Trickplay struct {
	IntervalSeconds int
	Width, Height   int
	Columns, Rows   int
}

// TrickplayDir is the folder, relative to an encode's OutDir, of the
// sprite sheets, named SheetName(1), SheetName(2)...
const TrickplayDir = "trickplay"

// SheetName returns the file name of sprite sheet n (counting from 1).
func SheetName(n int) string { return fmt.Sprintf("sheet_%03d.jpg", n) }

// TrickplayArgs returns the ffmpeg arguments that draw the sprite sheets
// tp describes from input, into outDir/TrickplayDir, which the caller
// creates. Lineup reads the smallest rung of the finished encode (its
// media playlist): decoding 240p costs little, and keeping the thumbnails
// out of the ladder's filter graph keeps that graph's many outputs in step.
func TrickplayArgs(input string, tp Trickplay, outDir string) ([]string, error) {
	if tp.IntervalSeconds < 1 || tp.Width < 2 || tp.Height < 2 || tp.Width%2 != 0 || tp.Height%2 != 0 || tp.Columns < 1 || tp.Rows < 1 {
		return nil, fmt.Errorf("ffmpeg: trickplay %+v: interval, even size and grid must be positive", tp)
	}
	if !filepath.IsAbs(outDir) {
		return nil, fmt.Errorf("ffmpeg: trickplay: output folder %q is not an absolute path", outDir)
	}
	return []string{
		"-hide_banner",
		"-nostdin",
		"-loglevel", "error",
		"-y",
		"-i", inputURL(input),
		"-map", "0:v:0",
		// One frame every interval, shrunk with square pixels, then
		// gathered onto sheets.
		"-vf", fmt.Sprintf("fps=1/%d,scale=%d:%d,setsar=1,tile=%dx%d", tp.IntervalSeconds, tp.Width, tp.Height, tp.Columns, tp.Rows),
		"-c:v", "mjpeg",
		// JPEG quality on ffmpeg's 2 (best) to 31 scale; thumbnails are small.
		"-q:v", strconv.Itoa(5),
		// A sheet comes every Columns×Rows thumbnails; keep each one.
		"-fps_mode", "passthrough",
		"-f", "image2",
		filepath.Join(outDir, TrickplayDir, "sheet_%03d.jpg"),
	}, nil
}
