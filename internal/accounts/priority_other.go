//go:build !linux

package accounts

// lowPriority runs f; only Linux sets a thread's priority.
func lowPriority(f func()) { f() }
