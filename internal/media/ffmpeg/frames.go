package ffmpeg

import (
	"fmt"
	"path/filepath"
	"strings"
)

// Frames asks for candidate artwork frames from a film.
type Frames struct {
	// Input is the film.
	Input string
	// OutDir receives frame_01.jpg, frame_02.jpg, …
	OutDir string
	// Count is how many frames at most, 1 to 12.
	Count int
	// Width is the frames' width in pixels (height follows the picture).
	Width int
}

// FramesArgs returns the ffmpeg arguments that pick candidate frames for
// artwork: the first frame of each new shot (a scene-change score above
// 0.3), and one frame a minute as well so that a film with few cuts still
// gives some, skipping the first two seconds (usually black or a logo).
// It is a pure function; a request it cannot serve is an error.
func FramesArgs(f Frames) ([]string, error) {
	if f.Input == "" || f.OutDir == "" {
		return nil, fmt.Errorf("ffmpeg: frames: input and output folder are required")
	}
	if f.Count < 1 || f.Count > 12 {
		return nil, fmt.Errorf("ffmpeg: frames: count %d must be 1 to 12", f.Count)
	}
	if f.Width < 160 || f.Width > 3840 || f.Width%2 != 0 {
		return nil, fmt.Errorf("ffmpeg: frames: width %d must be even, 160 to 3840", f.Width)
	}
	// In a filter expression commas separate filters, so the ones inside
	// select's expression are escaped.
	sel := strings.ReplaceAll("gte(t,2)*(gt(scene,0.3)+lt(mod(t,60),1/24)*eq(lt(prev_selected_t,t-30),1))", ",", `\,`)
	return []string{
		"-hide_banner", "-nostdin", "-v", "error", "-y",
		"-i", f.Input,
		"-map", "0:v:0",
		"-vf", fmt.Sprintf("select=%s,scale=%d:-2", sel, f.Width),
		// One output image per selected frame, not a frame per tick of
		// the input's clock.
		"-fps_mode", "vfr",
		"-frames:v", fmt.Sprint(f.Count),
		"-q:v", "3",
		filepath.Join(f.OutDir, "frame_%02d.jpg"),
	}, nil
}
