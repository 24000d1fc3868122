package check

import (
	"bufio"
	"fmt"
	"io"
	"net"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/cacheurl/cacheurl/internal/testserver/scripted"
)

// evil is what a hostile or broken server may answer: OSC 0 sets the
// terminal's title, CSI 2 J clears the screen.
const evil = "\x1b]0;pwned-title\x07\x1b[2J"

// controlFree reports the first control or format character of s, or ""
// when it has none.
func controlFree(s string) string {
	for i, r := range s {
		if r == utf8.RuneError || r < ' ' || r == 0x7f || (r >= 0x80 && !unicode.IsPrint(r)) {
			return fmt.Sprintf("%q at byte %d", r, i)
		}
	}
	return ""
}

// scriptedMemcached is a memcached text-protocol server that answers the
// version command with version and keeps set values for gets and delete,
// enough for a check's round trip.
func scriptedMemcached(t *testing.T, version string) string {
	var (
		mu    sync.Mutex
		store = map[string]string{}
	)
	return scripted.Listen(t, func(c net.Conn) {
		r := bufio.NewReader(c)
		for {
			line, err := r.ReadString('\n')
			if err != nil {
				return
			}
			f := strings.Fields(line)
			if len(f) == 0 {
				return
			}
			var reply string
			mu.Lock()
			switch {
			case f[0] == "version":
				reply = "VERSION " + version + "\r\n"
			case f[0] == "set" && len(f) >= 5:
				var n int
				fmt.Sscan(f[4], &n)
				data := make([]byte, n+2)
				if _, err := io.ReadFull(r, data); err != nil {
					mu.Unlock()
					return
				}
				store[f[1]] = f[2] + " " + string(data[:n])
				reply = "STORED\r\n"
			case (f[0] == "gets" || f[0] == "get") && len(f) == 2:
				if v, ok := store[f[1]]; ok {
					flags, data, _ := strings.Cut(v, " ")
					reply = fmt.Sprintf("VALUE %s %s %d 1\r\n%s\r\n", f[1], flags, len(data), data)
				}
				reply += "END\r\n"
			case f[0] == "delete" && len(f) >= 2:
				reply = "NOT_FOUND\r\n"
				if _, ok := store[f[1]]; ok {
					delete(store, f[1])
					reply = "DELETED\r\n"
				}
			default:
				reply = "ERROR\r\n"
			}
			mu.Unlock()
			if _, err := io.WriteString(c, reply); err != nil {
				return
			}
		}
	})
}

// TestServerWordsPrintable: whatever a server answers, no control character
// reaches a check's Result or *Error: a port that answers an escape
// sequence to memcached's version command (and to redis's PING), a redis
// error reply carrying one, a "memcached" whose version carries one, on the
// error paths and on the success path.
func TestServerWordsPrintable(t *testing.T) {
	line := scripted.Listen(t, func(c net.Conn) { io.WriteString(c, evil+"\r\n") })
	errReply := scripted.RESP(t, func([]string) string { return "-ERR " + evil + "\r\n" })
	// Answers PING with memcached's ERROR and version with an evil version:
	// the check says "it is memcached <version>".
	memcachedLike := scriptedMemcached(t, "1.6.0 "+evil)
	for _, url := range []string{
		"memcached://" + line,
		"redis://" + line + "/0",
		"redis://" + errReply + "/0",
		"memcached://" + errReply,
		"redis://" + memcachedLike + "/0",
	} {
		_, err := run(t, url, 2*time.Second)
		if err == nil {
			t.Errorf("%s: no error", url)
			continue
		}
		e := err.(*Error)
		for _, s := range []string{err.Error(), e.Msg, e.Target, e.Detail} {
			if c := controlFree(s); c != "" {
				t.Errorf("%s: %q has %s", url, s, c)
			}
		}
		// Escaped by core.Printable, or already quoted by go-redis (%q).
		if !strings.Contains(err.Error(), `\u001b]0;pwned-title\u0007`) && !strings.Contains(err.Error(), `\x1b]0;pwned-title\a`) {
			t.Errorf("%s: %q does not show the server's words escaped", url, err.Error())
		}
	}

	res, err := run(t, "memcached://"+scriptedMemcached(t, "1.6.0 "+evil), 2*time.Second)
	if err != nil {
		t.Fatalf("scripted memcached: %v", err)
	}
	for _, s := range []string{res.Target, res.Server, res.Note} {
		if c := controlFree(s); c != "" {
			t.Errorf("result %q has %s", s, c)
		}
	}
	if want := `memcached 1.6.0 \u001b]0;pwned-title\u0007\u001b[2J`; res.Server != want {
		t.Errorf("Server = %q, want %q", res.Server, want)
	}
}
