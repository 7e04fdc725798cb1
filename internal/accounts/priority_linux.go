package accounts

import (
	"runtime"
	"syscall"
)

// hashNice is the nice value of the threads that hash: below the threads
// that answer requests, so that the operating system runs those first.
const hashNice = 10

// lowPriority runs f on an operating-system thread of its own at nice
// hashNice, and waits for it. A thread cannot take back its priority
// without privileges, so the goroutine ends still locked to it, which makes
// Go end the thread rather than hand it, slowed, to other goroutines; a new
// thread costs microseconds against a hash's tens of milliseconds. Should
// the priority not be settable, f runs all the same.
func lowPriority(f func()) {
	done := make(chan struct{})
	go func() {
		defer close(done)
		runtime.LockOSThread()
		// Not unlocked on purpose: see above.
		_ = syscall.Setpriority(syscall.PRIO_PROCESS, syscall.Gettid(), hashNice)
		f()
	}()
	<-done
}
