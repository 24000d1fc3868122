package check

import (
	"bufio"
	"context"
	"crypto/tls"
	"errors"
	"io"
	"net"
	"strings"
	"sync"
	"time"

	"github.com/cacheurl/cacheurl/clients"
	"github.com/cacheurl/cacheurl/core"
)

// boundedDialer dials as go-redis's own dialer does (TCP or unix, then TLS
// when tlsConfig is set), but within done as well as the dial's context,
// and closes the connection when done ends.
func boundedDialer(done context.Context, timeout time.Duration, tlsConfig *tls.Config) func(context.Context, string, string) (net.Conn, error) {
	return func(ctx context.Context, network, addr string) (net.Conn, error) {
		ctx, cancel := context.WithCancel(ctx)
		defer cancel()
		stop := context.AfterFunc(done, cancel)
		defer stop()
		d := net.Dialer{Timeout: timeout}
		conn, err := d.DialContext(ctx, network, addr)
		if err != nil {
			return nil, err
		}
		if tlsConfig != nil {
			tc := tls.Client(conn, tlsConfig)
			if err := handshake(ctx, tc, network, addr); err != nil {
				conn.Close()
				return nil, err
			}
			conn = tc
		}
		context.AfterFunc(done, func() { conn.Close() })
		return conn, nil
	}
}

// plainProbeAfter is how long a TLS handshake may take before [handshake]
// asks the port in plain text whether it speaks TLS at all.
const plainProbeAfter = 250 * time.Millisecond

// handshake runs tc's TLS handshake. A plain-text port never completes one:
// redis (like memcached) reads the ClientHello as the start of a command
// line and waits for its end, which never comes, so the handshake would
// only end with the deadline. When the handshake has not finished after
// [plainProbeAfter], handshake therefore sends PING to the address on a
// second, plain connection; a line of plain text in reply (+PONG, -NOAUTH,
// memcached's ERROR) ends the handshake at once with a *plainPortError. A
// TLS port answers the probe with a TLS alert or nothing, which changes
// nothing. No goroutine outlives the call.
func handshake(ctx context.Context, tc *tls.Conn, network, addr string) error {
	hctx, cancel := context.WithCancel(ctx)
	defer cancel()
	var (
		wg    sync.WaitGroup
		reply string
	)
	wg.Add(1)
	go func() {
		defer wg.Done()
		t := time.NewTimer(plainProbeAfter)
		defer t.Stop()
		select {
		case <-hctx.Done():
			return
		case <-t.C:
		}
		if line, err := probe(hctx, network, addr, "PING\r\n", time.Second); err == nil && plainText(line) {
			reply = line
			cancel()
		}
	}()
	err := tc.HandshakeContext(hctx)
	cancel()
	wg.Wait()
	if err != nil && reply != "" {
		return &plainPortError{reply: reply}
	}
	return err
}

// plainText reports whether a probe's reply is a line of printable ASCII:
// a text protocol's answer, where a TLS port sends binary records.
func plainText(line string) bool {
	return line != "" && strings.IndexFunc(line, func(r rune) bool { return r < ' ' || r > '~' }) < 0
}

// plainPortError is a TLS handshake given up because the port answered a
// plain-text PING: it does not speak TLS.
type plainPortError struct{ reply string }

func (e *plainPortError) Error() string {
	return "the port answered a plain-text PING (" + e.reply + "): it does not speak TLS"
}

func deadline(ctx context.Context) time.Time {
	if d, ok := ctx.Deadline(); ok {
		return d
	}
	return time.Now().Add(DefaultTimeout)
}

// probe connects to addr, writes req and returns the first line of the
// answer, within the context's deadline and, when limit > 0, within limit;
// it gives up when the context is cancelled.
func probe(ctx context.Context, network, addr, req string, limit time.Duration) (string, error) {
	if limit > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, limit)
		defer cancel()
	}
	var d net.Dialer
	conn, err := d.DialContext(ctx, network, addr)
	if err != nil {
		return "", err
	}
	defer conn.Close()
	conn.SetDeadline(deadline(ctx))
	stop := context.AfterFunc(ctx, func() { conn.Close() })
	defer stop()
	// A server that hangs up at once may reset the write; its first line
	// may still be readable.
	io.WriteString(conn, req)
	line, err := bufio.NewReader(io.LimitReader(conn, 4096)).ReadString('\n')
	line = strings.TrimRight(line, "\r\n")
	if line != "" {
		return line, nil
	}
	if err == nil {
		err = io.EOF
	}
	return "", err
}

// tlsProbe recognises a TLS handshake that [handshake] gave up because the
// port answered in plain text.
func tlsProbe(err error) (kind *core.Kind, msg, detail string, ok bool) {
	var plain *plainPortError
	if !errors.As(err, &plain) {
		return nil, "", "", false
	}
	m := "the port does not speak TLS: it answers in plain text"
	if strings.HasPrefix(plain.reply, "+") || strings.HasPrefix(plain.reply, "-") {
		m = "the port does not speak TLS: it is a plain redis port"
	}
	return clients.ErrTLS, m + "; use redis:// for it, or the server's TLS port (tls-port in redis.conf)", firstSentence(strings.TrimPrefix(plain.reply, "-")), true
}

// firstSentence shortens a long server reply (redis's DENIED is a
// paragraph) to its first sentence.
func firstSentence(s string) string {
	if i := strings.Index(s, ". "); i > 0 {
		return s[:i+1]
	}
	return s
}
