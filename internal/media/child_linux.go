package media

import (
	"os/exec"
	"runtime"
	"syscall"
)

// runChild starts cmd so that it dies with this process, waits for it with
// wait (which must call cmd.Wait), and returns wait's error.
//
// A worker killed outright (SIGKILL, out of memory) runs no deferred code,
// so exec.CommandContext cannot stop its ffmpeg: without this the encode ran
// on as an orphan. The kernel sends the child SIGKILL when the thread that
// started it ends (PR_SET_PDEATHSIG), so that thread is held by this
// goroutine until the child has been waited for: the Go runtime may end an
// idle thread otherwise, which would kill a healthy child.
func runChild(cmd *exec.Cmd, wait func() error) error {
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	if cmd.SysProcAttr == nil {
		cmd.SysProcAttr = &syscall.SysProcAttr{}
	}
	cmd.SysProcAttr.Pdeathsig = syscall.SIGKILL
	if err := cmd.Start(); err != nil {
		return err
	}
	return wait()
}
