package ffmpeg

import (
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

func TestFramesArgsRules(t *testing.T) {
	args, err := FramesArgs(Frames{Input: "in.mp4", OutDir: "out", Count: 4, Width: 1280})
	if err != nil {
		t.Fatal(err)
	}
	at := func(flag string) string {
		i := slices.Index(args, flag)
		if i < 0 || i+1 >= len(args) {
			return ""
		}
		return args[i+1]
	}
	if at("-frames:v") != "4" || at("-fps_mode") != "vfr" || at("-map") != "0:v:0" {
		t.Errorf("at most Count frames, one image per selected frame, from the first video stream: %q", args)
	}
	if vf := at("-vf"); vf == "" || !strings.Contains(vf, `gt(scene\,0.3)`) || !strings.Contains(vf, "scale=1280:-2") {
		t.Errorf("frames are picked at scene changes and scaled to the width: %q", vf)
	}
	if args[len(args)-1] != filepath.Join("out", "frame_%02d.jpg") {
		t.Errorf("frames are numbered JPEGs in the output folder: %q", args[len(args)-1])
	}
	for _, bad := range []Frames{{OutDir: "o", Count: 1, Width: 640}, {Input: "i", OutDir: "o", Count: 0, Width: 640}, {Input: "i", OutDir: "o", Count: 2, Width: 641}} {
		if _, err := FramesArgs(bad); err == nil {
			t.Errorf("%+v must be refused", bad)
		}
	}
}

// TestFramesFromAFilm runs the arguments on a few seconds of generated video
// with a cut in it.
func TestFramesFromAFilm(t *testing.T) {
	ff, _ := needFFmpeg(t)
	dir := t.TempDir()
	src := filepath.Join(dir, "cut.mp4")
	run(t, ff, "-hide_banner", "-v", "error", "-f", "lavfi", "-i", "testsrc=s=640x360:r=24:d=3", "-f", "lavfi", "-i", "color=c=red:s=640x360:r=24:d=3",
		"-filter_complex", "[0:v][1:v]concat=n=2:v=1[v]", "-map", "[v]", "-c:v", "libx264", "-pix_fmt", "yuv420p", src)
	args, err := FramesArgs(Frames{Input: src, OutDir: dir, Count: 3, Width: 320})
	if err != nil {
		t.Fatal(err)
	}
	if out, err := exec.Command(ff, args...).CombinedOutput(); err != nil {
		t.Fatalf("ffmpeg: %v %s", err, out)
	}
	got, _ := filepath.Glob(filepath.Join(dir, "frame_*.jpg"))
	if len(got) == 0 {
		t.Fatalf("the cut at 3 s must give a candidate frame")
	}
	if st, err := os.Stat(got[0]); err != nil || st.Size() == 0 {
		t.Errorf("a candidate frame must be a JPEG file: %v", err)
	}
}
