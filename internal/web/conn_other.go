//go:build !linux

package web

import "net"

// setCork does nothing where TCP_CORK does not exist; responses are sent
// as net/http writes them.
func setCork(*net.TCPConn, bool) bool { return false }
