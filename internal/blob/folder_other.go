//go:build !linux

package blob

import "os"

// beneath is Linux's one-call open (see folder_linux.go); elsewhere every
// open goes through os.Root.
type beneath struct{}

func openBeneath(string) *beneath { return &beneath{} }

func (*beneath) close() {}

// open opens key for reading below the folder.
func (f *Folder) open(key string) (*os.File, error) { return f.root.Open(key) }
