// Package scripted runs fake servers on loopback ports for the tests of
// failure messages that a real server cannot be made to produce on demand
// (or only slowly): a listener that accepts and never answers, a server
// that says one line and hangs up (as redis-server in protected mode does
// with -DENIED), and a minimal RESP2 server answering commands from a
// script, for example a Sentinel that reports a master that is down.
//
// Every server listens on 127.0.0.1 only, on a free port, and is closed with
// all its connections (and its goroutines waited for) by t.Cleanup.
package scripted

import (
	"bufio"
	"fmt"
	"io"
	"net"
	"strconv"
	"strings"
	"sync"
	"testing"
)

// Listen starts a loopback TCP listener and runs handle for every accepted
// connection, in its own goroutine; handle need not close the connection.
// It returns "127.0.0.1:port".
func Listen(t testing.TB, handle func(net.Conn)) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatalf("scripted: listen: %v", err)
	}
	var (
		mu    sync.Mutex
		conns = map[net.Conn]bool{}
		wg    sync.WaitGroup
	)
	wg.Add(1)
	go func() {
		defer wg.Done()
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			mu.Lock()
			conns[c] = true
			mu.Unlock()
			wg.Add(1)
			go func() {
				defer wg.Done()
				defer c.Close()
				handle(c)
			}()
		}
	}()
	t.Cleanup(func() {
		l.Close()
		mu.Lock()
		for c := range conns {
			c.Close()
		}
		mu.Unlock()
		wg.Wait()
	})
	return l.Addr().String()
}

// Silent accepts connections and never writes a byte: a firewall that
// drops, a hung server, a sentinel that does not answer.
func Silent(t testing.TB) string {
	t.Helper()
	return Listen(t, func(c net.Conn) { io.Copy(io.Discard, c) })
}

// SayAndClose writes reply as soon as a connection is accepted and closes
// it, as redis-server in protected mode does:
//
//	-DENIED Redis is running in protected mode because ...
func SayAndClose(t testing.TB, reply string) string {
	t.Helper()
	return Listen(t, func(c net.Conn) { io.WriteString(c, reply) })
}

// DeniedReply is what redis-server 7 in protected mode says to a client
// from another host before closing the connection.
const DeniedReply = "-DENIED Redis is running in protected mode because protected mode is enabled and no password is set for the default user. " +
	"In this mode connections are only accepted from the loopback interface.\r\n"

// RESP serves a minimal RESP2 server: every command (an array of bulk
// strings, or an inline command) is passed to answer, which returns the raw
// reply ("+OK\r\n", "$-1\r\n"), or "" to close the connection.
func RESP(t testing.TB, answer func(args []string) string) string {
	t.Helper()
	return Listen(t, func(c net.Conn) {
		r := bufio.NewReader(c)
		for {
			args, err := readCommand(r)
			if err != nil {
				return
			}
			reply := answer(args)
			if reply == "" {
				return
			}
			if _, err := io.WriteString(c, reply); err != nil {
				return
			}
		}
	})
}

// readCommand reads one RESP array of bulk strings, or an inline command.
func readCommand(r *bufio.Reader) ([]string, error) {
	line, err := readLine(r)
	if err != nil {
		return nil, err
	}
	if !strings.HasPrefix(line, "*") {
		return strings.Fields(line), nil
	}
	n, err := strconv.Atoi(line[1:])
	if err != nil || n < 0 || n > 1024 {
		return nil, fmt.Errorf("bad array header %q", line)
	}
	args := make([]string, n)
	for i := range args {
		h, err := readLine(r)
		if err != nil {
			return nil, err
		}
		size, err := strconv.Atoi(strings.TrimPrefix(h, "$"))
		if !strings.HasPrefix(h, "$") || err != nil || size < 0 || size > 1<<20 {
			return nil, fmt.Errorf("bad bulk header %q", h)
		}
		buf := make([]byte, size+2)
		if _, err := io.ReadFull(r, buf); err != nil {
			return nil, err
		}
		args[i] = string(buf[:size])
	}
	return args, nil
}

func readLine(r *bufio.Reader) (string, error) {
	line, err := r.ReadString('\n')
	if err != nil {
		return "", err
	}
	return strings.TrimRight(line, "\r\n"), nil
}

// Sentinel is a fake Redis Sentinel: SENTINEL GET-MASTER-ADDR-BY-NAME
// answers with the address masters gives for the name ("127.0.0.1:6379"),
// or a nil reply for a name it does not know, as a real Sentinel does.
// HELLO is an unknown command (so clients fall back to RESP2), SENTINEL
// SENTINELS and REPLICAS are empty, and everything else is +OK.
func Sentinel(t testing.TB, masters map[string]string) string {
	t.Helper()
	return RESP(t, func(args []string) string {
		if len(args) == 0 {
			return "-ERR empty command\r\n"
		}
		switch strings.ToUpper(args[0]) {
		case "HELLO":
			return "-ERR unknown command 'HELLO'\r\n"
		case "PING":
			return "+PONG\r\n"
		case "SENTINEL":
			if len(args) < 2 {
				return "-ERR wrong number of arguments\r\n"
			}
			switch strings.ToUpper(args[1]) {
			case "GET-MASTER-ADDR-BY-NAME":
				addr, ok := "", false
				if len(args) > 2 {
					addr, ok = masters[args[2]]
				}
				if !ok {
					return "*-1\r\n"
				}
				host, port, _ := net.SplitHostPort(addr)
				return fmt.Sprintf("*2\r\n$%d\r\n%s\r\n$%d\r\n%s\r\n", len(host), host, len(port), port)
			case "SENTINELS", "REPLICAS", "SLAVES":
				return "*0\r\n"
			}
			return "-ERR unknown sentinel subcommand\r\n"
		case "SUBSCRIBE", "PSUBSCRIBE":
			// Confirm every channel; no message ever follows.
			kind := strings.ToLower(args[0])
			var b strings.Builder
			for i, ch := range args[1:] {
				fmt.Fprintf(&b, "*3\r\n$%d\r\n%s\r\n$%d\r\n%s\r\n:%d\r\n", len(kind), kind, len(ch), ch, i+1)
			}
			return b.String()
		}
		return "+OK\r\n"
	})
}
