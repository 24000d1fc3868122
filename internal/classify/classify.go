// Package classify turns the errors of talking to a cache server (the
// network, TLS, a context, go-redis's and gomemcache's errors, the server's
// own replies) into a runtime kind of package clients and a message that
// says what to do about it, in the words of the backend. It is the one
// classification package cache (every operation's error) and the check
// share; it never touches the network (a caller that wants to probe the
// server, as the check does, does that itself).
package classify

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"net"
	"strings"
	"syscall"

	"github.com/bradfitz/gomemcache/memcache"
	"github.com/redis/go-redis/v9"

	"github.com/cacheurl/cacheurl/clients"
	"github.com/cacheurl/cacheurl/core"
)

// Server says what was being talked to, for the hints.
type Server struct {
	// Backend is "redis" or "memcached".
	Backend string
	// TLS is set for a TLS scheme.
	TLS bool
	// Socket is the unix socket path, or "".
	Socket string
	// DB is the redis database number.
	DB int
	// Master is the Sentinel master name, or "" when not a Sentinel URL.
	Master string
}

// Result is a classified error.
type Result struct {
	// Kind is the runtime kind (clients.ErrTimeout, ...).
	Kind *clients.Kind
	// Msg says what happened and what to try.
	Msg string
	// Detail is what the server or the client library said, first line
	// ("WRONGPASS invalid username-password pair ..."), or "".
	Detail string
}

// For returns what cfg says about its server, for the hints.
func For(cfg core.Config) Server {
	return Server{Backend: string(cfg.Backend), TLS: cfg.TLS, Socket: cfg.Socket, DB: cfg.DB, Master: cfg.Master}
}

// SentinelsUnreachable is the text go-redis (and clients/goredis) put in the
// error of a failed master lookup through the Sentinels.
const SentinelsUnreachable = "all sentinels specified in configuration are unreachable"

// The messages a caller that knows more (the check, which probes the
// server) recognises or gives itself.
const (
	// SentinelTimeout is the message of a timeout of the Sentinels.
	SentinelTimeout = "no answer in time from the sentinels; check the sentinel hosts and ports (26379 by default), firewalls, and that redis-sentinel is up"
	// NotRedis starts the message of a reply that is not redis's protocol.
	NotRedis = "the server does not speak the redis protocol"
)

// Context classifies an error that a done context explains: the caller's
// deadline (clients.ErrTimeout) or cancellation (clients.ErrCanceled).
func Context(ctx context.Context, err error) (Result, bool) {
	cerr := ctx.Err()
	switch {
	case errors.Is(cerr, context.Canceled) || cerr == nil && errors.Is(err, context.Canceled):
		return Result{Kind: clients.ErrCanceled, Msg: "the caller cancelled the operation (its context)"}, true
	case cerr != nil || errors.Is(err, context.DeadlineExceeded):
		return Result{Kind: clients.ErrTimeout, Msg: "no answer before the caller's deadline (its context); the server or the network to it is slow or down, or the deadline is too short"}, true
	}
	return Result{}, false
}

// Net recognises the failures of the network and of TLS.
func Net(err error, s Server) (Result, bool) {
	var (
		dnsErr    *net.DNSError
		unknownCA x509.UnknownAuthorityError
		hostErr   x509.HostnameError
		invalid   x509.CertificateInvalidError
		recordErr tls.RecordHeaderError
		alert     tls.AlertError
		verifyErr *tls.CertificateVerificationError
		netErr    net.Error
	)
	port := map[string]string{"redis": "6379", "memcached": "11211"}[s.Backend]
	text := err.Error()
	switch {
	case errors.Is(err, context.DeadlineExceeded) || errors.As(err, &netErr) && netErr.Timeout():
		m := "no answer in time; check the host and port, firewalls, and that " + s.Backend + " is up"
		if s.TLS {
			m += " (and, with TLS, that the port speaks TLS)"
		}
		return Result{Kind: clients.ErrTimeout, Msg: m}, true
	case errors.Is(err, syscall.ECONNREFUSED):
		return Result{Kind: clients.ErrRefused, Msg: fmt.Sprintf("connection refused; is %s running, and is the port right (%s is its default)?", s.Backend, port)}, true
	case errors.Is(err, syscall.ENOENT) && s.Socket != "":
		return Result{Kind: clients.ErrRefused, Msg: "no unix socket at " + s.Socket + "; is " + s.Backend + " running with that socket path?"}, true
	case (errors.Is(err, syscall.EACCES) || errors.Is(err, syscall.EPERM)) && s.Socket != "":
		return Result{Kind: clients.ErrRefused, Msg: "permission denied on the unix socket " + s.Socket + "; check its mode and owner"}, true
	case errors.As(err, &dnsErr):
		return Result{Kind: clients.ErrResolve, Msg: fmt.Sprintf("cannot resolve %q; check the host name (and DNS)", dnsErr.Name)}, true
	case errors.As(err, &unknownCA) || errors.As(err, &verifyErr) || errors.As(err, &invalid):
		d := FirstLine(text)
		if errors.As(err, &unknownCA) {
			d = "signed by an unknown authority"
		}
		return Result{Kind: clients.ErrTLS, Msg: "the server's certificate is not trusted; give the CA with ssl_ca_certs=/path/ca.pem (or, for testing only, ssl_cert_reqs=none)", Detail: d}, true
	case errors.As(err, &hostErr):
		return Result{Kind: clients.ErrTLS, Msg: "the server's certificate does not match the host name; connect by the name in the certificate"}, true
	case errors.As(err, &recordErr):
		return Result{Kind: clients.ErrTLS, Msg: "the server did not answer with TLS; use " + s.Backend + ":// for a plain port, or the server's TLS port"}, true
	case errors.As(err, &alert) || strings.Contains(text, "tls: "):
		return Result{Kind: clients.ErrTLS, Msg: "the TLS handshake failed; if the server requires a client certificate, give ssl_certfile and ssl_keyfile", Detail: FirstLine(text)}, true
	case errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, syscall.ECONNRESET) || errors.Is(err, syscall.EPIPE) || errors.Is(err, net.ErrClosed):
		m := "the server closed the connection"
		if s.Backend == "memcached" {
			m += "; is this memcached's port (11211 by default)? gomemcache speaks plain TCP, so a TLS-only port closes like this too"
		} else if !s.TLS {
			m += "; if the server only speaks TLS, use rediss://"
		}
		return Result{Kind: clients.ErrClosed, Msg: m}, true
	}
	return Result{}, false
}

// Redis classifies an error of a go-redis call: the caller's context
// first, then the Sentinel lookup, the network and TLS, then the server's
// reply.
func Redis(ctx context.Context, err error, s Server) Result {
	if r, ok := Context(ctx, err); ok {
		return r
	}
	msg := err.Error()
	viaSentinel := strings.Contains(msg, SentinelsUnreachable)
	switch {
	case viaSentinel && errors.Is(err, redis.Nil):
		return Result{Kind: clients.ErrUnknownMaster, Msg: fmt.Sprintf("the sentinels answered but know no master named %q; check the master name in the URL "+
			"(redis-cli -h <sentinel> -p 26379 SENTINEL MASTERS lists the names they monitor)", s.Master)}
	case viaSentinel && isAuthReply(msg):
		return Result{Kind: clients.ErrAuth, Msg: "the sentinels rejected the credentials; the sentinels' password is the sentinel_password option " +
			"(and sentinel_username), the URL's userinfo is the data nodes'", Detail: ServerWords(err)}
	}
	if r, ok := Net(err, s); ok {
		if r.Kind == clients.ErrTimeout && viaSentinel {
			r.Msg = SentinelTimeout
		}
		return r
	}
	words := ServerWords(err)
	switch {
	case strings.HasPrefix(msg, "DENIED"):
		return Result{Kind: clients.ErrDenied, Msg: DeniedMsg, Detail: words}
	case isAuthReply(msg):
		return Result{Kind: clients.ErrAuth, Msg: "the server rejected the credentials; check the username and password in the URL", Detail: words}
	case strings.HasPrefix(msg, "NOPERM"):
		return Result{Kind: clients.ErrAuth, Msg: "the user may not run this command; grant it in the server's ACL", Detail: words}
	case strings.HasPrefix(msg, "ERR DB index is out of range"):
		return Result{Kind: clients.ErrMismatch, Detail: words, Msg: fmt.Sprintf(
			"the server has fewer databases than db %d; use a db below its databases setting (16 by default), or raise databases in redis.conf", s.DB)}
	case strings.HasPrefix(msg, "ERR This instance has cluster support disabled"):
		return Result{Kind: clients.ErrMismatch, Detail: words, Msg: "the server is not a Redis Cluster node (cluster support is disabled); " +
			"for a single server use redis:// (or rediss://), for a cluster point at one of its nodes"}
	case strings.HasPrefix(msg, "LOADING"):
		return Result{Kind: clients.ErrLoading, Msg: "the server is up but still loading its dataset into memory; try again in a moment", Detail: words}
	case strings.HasPrefix(msg, "MOVED") || strings.HasPrefix(msg, "CLUSTERDOWN"):
		return Result{Kind: clients.ErrMismatch, Detail: words, Msg: "the server is a Redis Cluster node (or its cluster is down); for a cluster use redis+cluster://"}
	case strings.Contains(msg, "can't parse") || strings.Contains(msg, "invalid reply") || strings.Contains(msg, "unexpected reply"):
		return Result{Kind: clients.ErrMismatch, Detail: words, Msg: NotRedis + "; check the port (6379 is redis's default)"}
	case strings.HasPrefix(msg, "READONLY"):
		return Result{Kind: clients.ErrServer, Detail: words, Msg: "the server is a read-only replica; point the URL at the master (or use redis+sentinel:// to follow failovers)"}
	case strings.HasPrefix(msg, "OOM"):
		return Result{Kind: clients.ErrServer, Detail: words, Msg: "the server is out of memory (maxmemory reached with a noeviction policy); raise maxmemory or set an eviction policy such as allkeys-lru"}
	case isReply(msg):
		return Result{Kind: clients.ErrServer, Detail: words, Msg: "the server reported an error"}
	}
	return Result{Kind: clients.ErrFailed, Msg: "the operation failed", Detail: words}
}

// Memcached classifies an error of a gomemcache call, in memcached's
// terms.
func Memcached(ctx context.Context, err error, s Server) Result {
	if r, ok := Context(ctx, err); ok {
		return r
	}
	var cte *memcache.ConnectTimeoutError
	switch {
	case errors.As(err, &cte):
		return Result{Kind: clients.ErrTimeout, Msg: "no answer in time to the connection; check the host and port, firewalls, and that memcached is up"}
	case errors.Is(err, memcache.ErrNoServers):
		return Result{Kind: clients.ErrFailed, Msg: "the client has no memcached server; check the URL's hosts"}
	case errors.Is(err, memcache.ErrServerError):
		return Result{Kind: clients.ErrServer, Msg: "memcached reported an error", Detail: FirstLine(err.Error())}
	}
	if r, ok := Net(err, s); ok {
		return r
	}
	return Result{Kind: clients.ErrFailed, Msg: "the operation failed", Detail: FirstLine(err.Error())}
}

// DeniedMsg is the advice for redis in protected mode.
const DeniedMsg = "the server refused the connection: redis is in protected mode (no password set, and the connection is not " +
	"from loopback); on the server, set a password (requirepass, or an ACL user) and put it in the URL, or bind it to " +
	"the address you connect to and set protected-mode no only on a trusted network"

func isAuthReply(msg string) bool {
	return strings.Contains(msg, "WRONGPASS") || strings.Contains(msg, "NOAUTH") ||
		strings.Contains(msg, "invalid password") || strings.Contains(msg, "invalid username-password")
}

// isReply reports whether msg starts like a redis error reply: an upper-case
// code ("ERR", "WRONGTYPE", "BUSY").
func isReply(msg string) bool {
	code, _, _ := strings.Cut(msg, " ")
	if len(code) < 2 {
		return false
	}
	for i := 0; i < len(code); i++ {
		if c := code[i]; c < 'A' || c > 'Z' {
			return false
		}
	}
	return true
}

// ServerWords is the last part of a go-redis error: what the server said
// ("ERR DB index is out of range"), without go-redis's prefixes.
func ServerWords(err error) string {
	msg := FirstLine(err.Error())
	if i := strings.LastIndex(msg, "unreachable: "); i >= 0 {
		msg = msg[i+len("unreachable: "):]
	}
	return strings.TrimPrefix(msg, "redis: ")
}

// FirstLine is s up to its first newline.
func FirstLine(s string) string {
	s, _, _ = strings.Cut(s, "\n")
	return s
}
