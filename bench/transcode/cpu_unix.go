//go:build unix

package main

import (
	"syscall"
	"time"
)

// childCPU returns the processor time (user and system) used so far by
// this process's finished children: every ffmpeg and ffprobe the three
// ways run. On a shared machine wall time follows the other work; the
// processor time each way spends does not.
func childCPU() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_CHILDREN, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
