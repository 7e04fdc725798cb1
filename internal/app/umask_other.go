//go:build !unix

package app

// ownerOnlyFiles does nothing where there is no umask; privateDir still
// makes the data folder private.
func ownerOnlyFiles() {}
