//go:build !linux

package media

import "os/exec"

// runChild starts cmd, waits for it with wait and returns wait's error.
// Outside Linux a child is not tied to this process's life.
func runChild(cmd *exec.Cmd, wait func() error) error {
	if err := cmd.Start(); err != nil {
		return err
	}
	return wait()
}
