package app

import (
	"context"
	"fmt"
	goruntime "runtime"
	"runtime/debug"
)

// Set at release time with -ldflags "-X github.com/lineup/lineup/internal/app.version=v1.2.3
// -X …app.commit=abc123 -X …app.buildDate=2026-12-03T12:00:00Z" (scripts/release).
// Left empty, they come from the build information Go records.
var (
	version   string
	commit    string
	buildDate string
)

// Build describes this binary.
type Build struct {
	Version   string `json:"version"`
	Commit    string `json:"commit"`
	BuildDate string `json:"build_date"`
	Go        string `json:"go"`
}

// BuildInfo returns the version, commit and build date of this binary: the
// ones scripts/release wrote in, else the module version and VCS stamp Go
// recorded (a `go install …@v1.2.3` binary knows its version), else
// "devel" and "unknown".
func BuildInfo() Build {
	b := Build{Version: version, Commit: commit, BuildDate: buildDate, Go: goruntime.Version()}
	if info, ok := debug.ReadBuildInfo(); ok {
		if b.Version == "" && info.Main.Version != "" && info.Main.Version != "(devel)" {
			b.Version = info.Main.Version
		}
		for _, s := range info.Settings {
			switch {
			case s.Key == "vcs.revision" && b.Commit == "":
				b.Commit = s.Value
			case s.Key == "vcs.time" && b.BuildDate == "":
				b.BuildDate = s.Value
			}
		}
	}
	if b.Version == "" {
		b.Version = "devel"
	}
	if b.Commit == "" {
		b.Commit = "unknown"
	}
	if b.BuildDate == "" {
		b.BuildDate = "unknown"
	}
	return b
}

func runVersion(ctx context.Context, e *env, args []string) error {
	b := BuildInfo()
	if len(args) > 0 && args[0] == "--json" {
		return writeJSON(e.stdout, b)
	}
	_, err := fmt.Fprintf(e.stdout, "lineup %s (commit %s, built %s, %s)\n", b.Version, b.Commit, b.BuildDate, b.Go)
	return err
}
