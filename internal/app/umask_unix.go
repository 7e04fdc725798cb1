//go:build unix

package app

import "syscall"

// privateUmask makes every file the process creates from now on readable
// by its owner only, whatever library creates it (SQLite's WAL, bleve's
// index files): the data at rest holds emails and password hashes.
func privateUmask() { syscall.Umask(0o077) }
