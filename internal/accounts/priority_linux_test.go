package accounts

import (
	"runtime"
	"syscall"
	"testing"
)

// threadNice is the calling thread's nice value (the raw getpriority
// system call answers 20 - nice).
func threadNice(t *testing.T) int {
	t.Helper()
	p, err := syscall.Getpriority(syscall.PRIO_PROCESS, syscall.Gettid())
	if err != nil {
		t.Fatal(err)
	}
	return 20 - p
}

// Hashing must not starve the threads that answer requests (/healthz p99
// was 556 ms while 200 sign-ins hashed): it runs at a lower priority, on a
// thread of its own, and leaves the caller's thread as it was.
func TestHashingRunsAtLowPriority(t *testing.T) {
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	before := threadNice(t)
	var during int
	lowPriority(func() { during = threadNice(t) })
	if during < hashNice {
		t.Errorf("hashing must run at nice %d or lower priority, ran at nice %d", hashNice, during)
	}
	if after := threadNice(t); after != before {
		t.Errorf("the caller's thread must keep its priority: nice %d before, %d after", before, after)
	}
}

// The default leaves one CPU to everything but hashing.
func TestDefaultHashSlotsLeaveACPUFree(t *testing.T) {
	s, err := New(nil, Config{}) // New touches no table
	if err != nil {
		t.Fatal(err)
	}
	if want := max(runtime.NumCPU()-1, 1); cap(s.hashSlots) != want {
		t.Errorf("with %d CPUs the default must allow %d hashes at once, allows %d", runtime.NumCPU(), want, cap(s.hashSlots))
	}
}
