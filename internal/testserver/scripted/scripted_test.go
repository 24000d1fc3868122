package scripted

import (
	"bufio"
	"io"
	"net"
	"strings"
	"testing"
	"time"
)

func dial(t *testing.T, addr string) (net.Conn, *bufio.Reader) {
	t.Helper()
	c, err := net.DialTimeout("tcp", addr, time.Second)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	c.SetDeadline(time.Now().Add(2 * time.Second))
	return c, bufio.NewReader(c)
}

func TestSayAndClose(t *testing.T) {
	_, r := dial(t, SayAndClose(t, DeniedReply))
	b, err := io.ReadAll(r)
	if err != nil || string(b) != DeniedReply {
		t.Errorf("read %q, %v", b, err)
	}
}

func TestSilent(t *testing.T) {
	c, r := dial(t, Silent(t))
	c.SetReadDeadline(time.Now().Add(100 * time.Millisecond))
	if _, err := r.ReadByte(); err == nil {
		t.Error("the silent server wrote something")
	}
}

func TestSentinel(t *testing.T) {
	c, r := dial(t, Sentinel(t, map[string]string{"mymaster": "127.0.0.1:6399"}))
	for _, tt := range []struct{ req, want string }{
		{"*3\r\n$8\r\nSENTINEL\r\n$23\r\nGET-MASTER-ADDR-BY-NAME\r\n$8\r\nmymaster\r\n", "*2\r\n$9\r\n127.0.0.1\r\n$4\r\n6399\r\n"},
		{"*3\r\n$8\r\nsentinel\r\n$23\r\nget-master-addr-by-name\r\n$6\r\nnosuch\r\n", "*-1\r\n"},
		{"PING\r\n", "+PONG\r\n"},
		{"*2\r\n$5\r\nHELLO\r\n$1\r\n3\r\n", "-ERR unknown command 'HELLO'\r\n"},
	} {
		if _, err := io.WriteString(c, tt.req); err != nil {
			t.Fatal(err)
		}
		got := make([]byte, len(tt.want))
		if _, err := io.ReadFull(r, got); err != nil || string(got) != tt.want {
			t.Errorf("%q: got %q, %v; want %q", strings.TrimSpace(tt.req), got, err, tt.want)
		}
	}
}
