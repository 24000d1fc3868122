//go:build !unix

package testserver

import (
	"strconv"
	"testing"
)

// RefusedAddr returns "127.0.0.1:port" where a connection is refused: a
// [FreePort] (without the unix socket calls that keep the port reserved,
// another process may take it while the test runs).
func RefusedAddr(t testing.TB) string {
	t.Helper()
	return "127.0.0.1:" + strconv.Itoa(FreePort(t))
}
