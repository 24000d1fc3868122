package classify

import (
	"context"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"strings"
	"syscall"
	"testing"

	"github.com/bradfitz/gomemcache/memcache"
	"github.com/redis/go-redis/v9"

	"github.com/cacheurl/cacheurl/clients"
)

func TestRedis(t *testing.T) {
	refused := &net.OpError{Op: "dial", Net: "tcp", Err: os.NewSyscallError("connect", syscall.ECONNREFUSED)}
	timeout := &net.OpError{Op: "read", Net: "tcp", Err: os.ErrDeadlineExceeded}
	srv := Server{Backend: "redis", DB: 20, Master: "mymaster"}
	for _, tc := range []struct {
		err   error
		kind  *clients.Kind
		words string
	}{
		{refused, clients.ErrRefused, "connection refused; is redis running"},
		{timeout, clients.ErrTimeout, "no answer in time"},
		{&net.DNSError{Name: "cache.example", Err: "no such host"}, clients.ErrResolve, `cannot resolve "cache.example"`},
		{x509.UnknownAuthorityError{}, clients.ErrTLS, "ssl_ca_certs"},
		{io.EOF, clients.ErrClosed, "closed the connection"},
		{errors.New("WRONGPASS invalid username-password pair or user is disabled."), clients.ErrAuth, "rejected the credentials"},
		{errors.New("NOAUTH Authentication required."), clients.ErrAuth, "username and password"},
		{errors.New("NOPERM this user has no permissions to run the 'get' command"), clients.ErrAuth, "ACL"},
		{errors.New("DENIED Redis is running in protected mode"), clients.ErrDenied, "protected mode"},
		{errors.New("LOADING Redis is loading the dataset in memory"), clients.ErrLoading, "loading"},
		{errors.New("ERR DB index is out of range"), clients.ErrMismatch, "db 20"},
		{errors.New("READONLY You can't write against a read only replica."), clients.ErrServer, "read-only replica"},
		{errors.New("OOM command not allowed when used memory > 'maxmemory'."), clients.ErrServer, "maxmemory"},
		{errors.New("WRONGTYPE Operation against a key holding the wrong kind of value"), clients.ErrServer, "reported an error"},
		{fmt.Errorf("redis: all sentinels specified in configuration are unreachable: %w", redis.Nil), clients.ErrUnknownMaster, `"mymaster"`},
		{fmt.Errorf("redis: all sentinels specified in configuration are unreachable: %w", timeout), clients.ErrTimeout, "from the sentinels"},
		{errors.New("something odd"), clients.ErrFailed, "failed"},
	} {
		r := Redis(context.Background(), tc.err, srv)
		if r.Kind != tc.kind || !strings.Contains(r.Msg, tc.words) {
			t.Errorf("Redis(%v) = %s %q, want %s and %q", tc.err, r.Kind.Code(), r.Msg, tc.kind.Code(), tc.words)
		}
	}
}

func TestContextFirst(t *testing.T) {
	timeout := &net.OpError{Op: "read", Net: "tcp", Err: os.ErrDeadlineExceeded}
	expired, cancel := context.WithTimeout(context.Background(), 0)
	defer cancel()
	<-expired.Done()
	cancelled, cancel2 := context.WithCancel(context.Background())
	cancel2()
	for _, tc := range []struct {
		ctx  context.Context
		err  error
		kind *clients.Kind
	}{
		{expired, timeout, clients.ErrTimeout},
		{cancelled, io.EOF, clients.ErrCanceled},
		{context.Background(), context.Canceled, clients.ErrCanceled},
		{context.Background(), context.DeadlineExceeded, clients.ErrTimeout},
	} {
		for name, f := range map[string]func(context.Context, error, Server) Result{"Redis": Redis, "Memcached": Memcached} {
			if r := f(tc.ctx, tc.err, Server{Backend: "redis"}); r.Kind != tc.kind {
				t.Errorf("%s(ctx %v, %v) = %s, want %s", name, tc.ctx.Err(), tc.err, r.Kind.Code(), tc.kind.Code())
			}
		}
	}
}

func TestMemcached(t *testing.T) {
	srv := Server{Backend: "memcached", Socket: "/run/mc.sock"}
	for _, tc := range []struct {
		err   error
		kind  *clients.Kind
		words string
	}{
		{&memcache.ConnectTimeoutError{Addr: &net.TCPAddr{}}, clients.ErrTimeout, "no answer in time"},
		{fmt.Errorf("%w: SERVER_ERROR out of memory", memcache.ErrServerError), clients.ErrServer, "memcached reported"},
		{memcache.ErrNoServers, clients.ErrFailed, "no memcached server"},
		{&net.OpError{Op: "dial", Net: "unix", Err: os.NewSyscallError("connect", syscall.ENOENT)}, clients.ErrRefused, "no unix socket at /run/mc.sock"},
		{io.ErrUnexpectedEOF, clients.ErrClosed, "memcached's port"},
	} {
		r := Memcached(context.Background(), tc.err, srv)
		if r.Kind != tc.kind || !strings.Contains(r.Msg, tc.words) {
			t.Errorf("Memcached(%v) = %s %q, want %s and %q", tc.err, r.Kind.Code(), r.Msg, tc.kind.Code(), tc.words)
		}
	}
}
