package memcachedserver

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"net"
	"testing"

	"github.com/cacheurl/cacheurl/internal/testserver/scripted"
)

// TestReadyWantsItsOwnServer: a memcached that answers at the address is
// ready only when its pid is the one of the process Launch started.
func TestReadyWantsItsOwnServer(t *testing.T) {
	const pid = 4242
	addr := scripted.Listen(t, func(c net.Conn) {
		r := bufio.NewReader(c)
		if _, err := r.ReadString('\n'); err != nil {
			return
		}
		io.WriteString(c, fmt.Sprintf("STAT pid %d\r\nSTAT uptime 1\r\nSTAT version 1.6.18\r\nEND\r\n", pid))
	})
	if _, err := ready("tcp", addr, pid+1); !errors.Is(err, errNotOurs) {
		t.Errorf("another memcached: %v, want errNotOurs", err)
	}
	if v, err := ready("tcp", addr, pid); err != nil || v != "1.6.18" {
		t.Errorf("its own memcached: %q, %v", v, err)
	}
}
