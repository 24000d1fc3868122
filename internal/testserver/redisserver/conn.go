package redisserver

import (
	"bufio"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"net"
	"strconv"
	"testing"
	"time"
)

// ioTimeout bounds every command of a [Conn].
const ioTimeout = 5 * time.Second

// Conn is a minimal RESP2 connection for setting servers up and checking
// what the code under test did (for example that a key landed in db 2). It
// is deliberately independent of the client library being tested.
type Conn struct {
	c net.Conn
	r *bufio.Reader
}

// ServerError is an error reply ("-ERR ...", "-WRONGPASS ...").
type ServerError string

func (e ServerError) Error() string { return string(e) }

// Dial opens a plain connection to network ("tcp" or "unix") and addr.
func Dial(network, addr string) (*Conn, error) {
	c, err := dialRaw(network, addr, ioTimeout)
	if err != nil {
		return nil, err
	}
	return &Conn{c: c, r: bufio.NewReader(c)}, nil
}

// DialTLS opens a TLS connection to a TCP addr.
func DialTLS(addr string, cfg *tls.Config) (*Conn, error) {
	d := &net.Dialer{Timeout: ioTimeout}
	c, err := tls.DialWithDialer(d, "tcp", addr, cfg)
	if err != nil {
		return nil, err
	}
	return &Conn{c: c, r: bufio.NewReader(c)}, nil
}

func dialRaw(network, addr string, timeout time.Duration) (net.Conn, error) {
	return net.DialTimeout(network, addr, timeout)
}

// Close closes the connection.
func (c *Conn) Close() error { return c.c.Close() }

// Do sends one command and returns its reply: a string (simple or bulk
// string), an int64, nil (null bulk string or array), a []any, or a
// [ServerError] as the error.
func (c *Conn) Do(args ...string) (any, error) {
	if err := c.c.SetDeadline(time.Now().Add(ioTimeout)); err != nil {
		return nil, err
	}
	buf := []byte("*" + strconv.Itoa(len(args)) + "\r\n")
	for _, a := range args {
		buf = append(buf, "$"+strconv.Itoa(len(a))+"\r\n"...)
		buf = append(buf, a...)
		buf = append(buf, "\r\n"...)
	}
	if _, err := c.c.Write(buf); err != nil {
		return nil, err
	}
	return c.read()
}

// Must is Do that fails the test on any error, server errors included.
func (c *Conn) Must(t testing.TB, args ...string) any {
	t.Helper()
	v, err := c.Do(args...)
	if err != nil {
		t.Fatalf("redis %q: %v", args, err)
	}
	return v
}

func (c *Conn) read() (any, error) {
	line, err := c.r.ReadString('\n')
	if err != nil {
		return nil, err
	}
	if len(line) < 3 || line[len(line)-2] != '\r' {
		return nil, fmt.Errorf("malformed reply line %q", line)
	}
	kind, body := line[0], line[1:len(line)-2]
	switch kind {
	case '+':
		return body, nil
	case '-':
		return nil, ServerError(body)
	case ':':
		return strconv.ParseInt(body, 10, 64)
	case '$':
		n, err := strconv.Atoi(body)
		if err != nil {
			return nil, err
		}
		if n < 0 {
			return nil, nil
		}
		b := make([]byte, n+2)
		if _, err := io.ReadFull(c.r, b); err != nil {
			return nil, err
		}
		return string(b[:n]), nil
	case '*':
		n, err := strconv.Atoi(body)
		if err != nil {
			return nil, err
		}
		if n < 0 {
			return nil, nil
		}
		out := make([]any, 0, n)
		for range n {
			v, err := c.read()
			var se ServerError
			if err != nil && !errors.As(err, &se) {
				return nil, err
			}
			if err != nil {
				v = se
			}
			out = append(out, v)
		}
		return out, nil
	}
	return nil, fmt.Errorf("unexpected reply type %q", kind)
}
