package redisserver

import (
	"testing"
	"time"

	"github.com/cacheurl/cacheurl/internal/testserver"
	"github.com/cacheurl/cacheurl/internal/testserver/scripted"
)

// TestWaitReadyWantsItsOwnServer: a port that accepts connections is not
// ready when the server started for it has not logged that its listeners
// are up: another process may have taken the free port (here a scripted
// listener), and then redis-server exits with "Address already in use".
func TestWaitReadyWantsItsOwnServer(t *testing.T) {
	other := scripted.Silent(t)
	var log testserver.LogBuffer
	log.Write([]byte("# Warning: Could not create server TCP listening socket 127.0.0.1:1: bind: Address already in use\n"))
	exited := make(chan struct{})
	time.AfterFunc(200*time.Millisecond, func() { close(exited) })
	if err := waitReady("tcp", other, exited, &log); err == nil {
		t.Errorf("waitReady took another process's listener for the server")
	}
	for _, line := range []string{
		"1:M 07 Dec 2026 16:43:01.865 * Ready to accept connections",
		"1:M 07 Dec 2026 16:43:01.865 * Ready to accept connections tcp",
		"1:X 07 Dec 2026 16:43:03.863 # Sentinel ID is 9443063b9f79c19eaa43e4b493c5178dc01e1994",
	} {
		var log testserver.LogBuffer
		log.Write([]byte(line + "\n"))
		if err := waitReady("tcp", other, make(chan struct{}), &log); err != nil {
			t.Errorf("with %q logged: %v", line, err)
		}
	}
}
