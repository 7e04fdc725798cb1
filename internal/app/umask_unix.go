//go:build unix

package app

import "syscall"

// ownerOnlyFiles makes every file and folder this process creates from now
// on readable by its own user only (umask 077), whoever creates it: SQLite's
// WAL and shared-memory files, the search index's generations (which a
// rebuild writes while the server runs), media and spooled uploads.
func ownerOnlyFiles() { syscall.Umask(0o077) }
