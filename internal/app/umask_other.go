//go:build !unix

package app

// privateUmask does nothing where there is no umask.
func privateUmask() {}
