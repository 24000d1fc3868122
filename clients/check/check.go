// Package check proves a CACHE_URL against the live server: it builds the
// client the URL describes (clients/goredis, clients/gomemcache,
// clients/lru), connects with a timeout, and does a real round trip — PING
// and SET/GET/DEL of a random key for redis, set/get/delete and the version
// command for memcached, add/get/remove for locmem — reporting the server
// version and the latency. It is what `cacheurl check` runs.
//
// Failures are *Error values whose Kind says what went wrong ([ErrRefused],
// [ErrAuth], [ErrTLS], [ErrTimeout], [ErrResolve], [ErrNoClient],
// [ErrConfig], [ErrRoundTrip], [ErrFailed]) with a message saying what to do
// about it; no message contains the password.
package check

import (
	"bufio"
	"context"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net"
	"strings"
	"syscall"
	"time"

	"github.com/bradfitz/gomemcache/memcache"

	"github.com/cacheurl/cacheurl/clients/gomemcache"
	"github.com/cacheurl/cacheurl/clients/goredis"
	"github.com/cacheurl/cacheurl/clients/lru"
	"github.com/cacheurl/cacheurl/core"
)

// DefaultTimeout bounds a whole check when the context has no deadline.
const DefaultTimeout = 5 * time.Second

// Result is what a successful check found.
type Result struct {
	// URL is the canonical URL, redacted.
	URL string
	// Backend and Topology are the config's.
	Backend  core.Backend
	Topology core.Topology
	// Target says where the client connected ("127.0.0.1:6379 db 0",
	// "unix socket /run/mc.sock", "in-process").
	Target string
	// Server is the server software and version ("redis 7.0.15",
	// "memcached 1.6.18"), or what stands in for one.
	Server string
	// Connect is the time to the first successful reply (PING for redis;
	// the version command for memcached).
	Connect time.Duration
	// RoundTrip is the time of the set, get and delete of the test key.
	RoundTrip time.Duration
	// Note is an extra remark ("dummy:// stores nothing").
	Note string
}

// Kinds of failure, matched with errors.Is.
var (
	ErrRefused   = errors.New("connection refused")
	ErrAuth      = errors.New("authentication failed")
	ErrTLS       = errors.New("TLS handshake failed")
	ErrTimeout   = errors.New("timed out")
	ErrResolve   = errors.New("host not found")
	ErrNoClient  = errors.New("no Go client for this backend")
	ErrConfig    = errors.New("the URL cannot be used by the Go client")
	ErrRoundTrip = errors.New("round trip returned the wrong value")
	ErrFailed    = errors.New("check failed")
)

// Error is a failed check.
type Error struct {
	// Kind is one of the Err* sentinels.
	Kind error
	// Target is where the check tried to connect.
	Target string
	// Msg says what happened and what to try, redacted.
	Msg string
	// Err is the underlying error (it is not printed by Error: its text may
	// come from a client library; use Msg).
	Err error
}

func (e *Error) Error() string {
	if e.Target == "" {
		return e.Msg
	}
	return e.Target + ": " + e.Msg
}

// Unwrap returns the kind and the cause, so errors.Is matches both.
func (e *Error) Unwrap() []error { return []error{e.Kind, e.Err} }

// Option configures a check.
type Option func(*options)

type options struct {
	allowUnknown bool
}

// AllowUnknownOptions lets the clients ignore URL options they do not know
// instead of failing on them (the clients' own AllowUnknown options).
func AllowUnknownOptions() Option { return func(o *options) { o.allowUnknown = true } }

// Run checks cfg against its server. Without a deadline in ctx it uses
// [DefaultTimeout].
func Run(ctx context.Context, cfg core.Config, opts ...Option) (Result, error) {
	var o options
	for _, f := range opts {
		f(&o)
	}
	if _, ok := ctx.Deadline(); !ok {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, DefaultTimeout)
		defer cancel()
	}
	res := Result{URL: cfg.Redacted(), Backend: cfg.Backend, Topology: cfg.Topology}
	var err error
	switch cfg.Backend {
	case core.BackendRedis:
		err = checkRedis(ctx, cfg, o, &res)
	case core.BackendMemcached:
		err = checkMemcached(ctx, cfg, o, &res)
	case core.BackendLocmem, core.BackendDummy:
		err = checkLocal(cfg, o, &res)
	default:
		err = &Error{Kind: ErrNoClient, Msg: fmt.Sprintf("%s:// is a Django backend with no Go client; nothing to connect to", cfg.Scheme), Err: lru.ErrNoGoClient}
	}
	if err != nil {
		return res, scrub(err, cfg)
	}
	return res, nil
}

func checkRedis(ctx context.Context, cfg core.Config, o options, res *Result) error {
	res.Target = goredis.Describe(cfg)
	var gopts []goredis.Option
	if o.allowUnknown {
		gopts = append(gopts, goredis.AllowUnknownOptions())
	}
	// The check's deadline must bound every command, so the client honours
	// the context (go-redis ignores context deadlines unless asked), and a
	// failure is reported as it is, not retried until the deadline hides it.
	// Settings the URL gives itself are kept.
	opts := make(map[string]string, len(cfg.Options)+3)
	for k, v := range checkRedisDefaults {
		opts[k] = v
	}
	for k, v := range cfg.Options {
		opts[k] = v
	}
	cfg.Options = opts
	client, err := goredis.NewClient(cfg, gopts...)
	if err != nil {
		return &Error{Kind: ErrConfig, Msg: err.Error(), Err: err}
	}
	defer client.Close()
	start := time.Now()
	if err := client.Ping(ctx).Err(); err != nil {
		return classify(err, res.Target, cfg)
	}
	res.Connect = time.Since(start)
	res.Server = "redis"
	if info, err := client.Info(ctx, "server").Result(); err == nil {
		res.Server = redisVersion(info)
	}
	key, val := randomKey()
	start = time.Now()
	if err := client.Set(ctx, key, val, 30*time.Second).Err(); err != nil {
		return classify(err, res.Target, cfg)
	}
	got, err := client.Get(ctx, key).Result()
	if err != nil {
		return classify(err, res.Target, cfg)
	}
	if err := client.Del(ctx, key).Err(); err != nil {
		return classify(err, res.Target, cfg)
	}
	res.RoundTrip = time.Since(start)
	if got != val {
		return &Error{Kind: ErrRoundTrip, Target: res.Target, Msg: "GET returned a different value than SET stored"}
	}
	return nil
}

// checkRedisDefaults are the go-redis settings of a check, unless the URL
// sets them.
var checkRedisDefaults = map[string]string{
	"context_timeout_enabled": "true",
	"dialer_retries":          "1",
	"max_retries":             "-1",
}

// redisVersion picks the server name and version out of INFO server.
func redisVersion(info string) string {
	name, version := "redis", ""
	for _, line := range strings.Split(info, "\n") {
		k, v, ok := strings.Cut(strings.TrimSpace(line), ":")
		if !ok {
			continue
		}
		switch k {
		case "redis_version":
			if version == "" {
				version = v
			}
		case "valkey_version":
			name, version = "valkey", v
		case "server_name":
			if v != "" {
				name = v
			}
		}
	}
	if version == "" {
		return name
	}
	return name + " " + version
}

func checkMemcached(ctx context.Context, cfg core.Config, o options, res *Result) error {
	var mopts []gomemcache.Option
	if o.allowUnknown {
		mopts = append(mopts, gomemcache.AllowUnknownOptions())
	}
	servers, err := gomemcache.Servers(cfg)
	if err != nil {
		return &Error{Kind: ErrConfig, Msg: err.Error(), Err: err}
	}
	network := "tcp"
	if cfg.Socket != "" {
		network = "unix"
		res.Target = "unix socket " + cfg.Socket
	} else {
		res.Target = strings.Join(servers, ", ")
	}
	client, err := gomemcache.New(cfg, mopts...)
	if err != nil {
		var de *net.DNSError
		if errors.As(err, &de) || errors.Is(err, gomemcache.ErrResolve) {
			return &Error{Kind: ErrResolve, Target: res.Target, Msg: "cannot resolve a server name; check the host names (and DNS)", Err: err}
		}
		return &Error{Kind: ErrConfig, Msg: err.Error(), Err: err}
	}
	defer client.Close()
	start := time.Now()
	var versions []string
	for _, addr := range servers {
		v, err := memcachedVersion(ctx, network, addr)
		if err != nil {
			return classify(err, addr, cfg)
		}
		versions = append(versions, v)
	}
	res.Connect = time.Since(start)
	res.Server = "memcached " + strings.Join(dedupe(versions), ", ")
	key, val := randomKey()
	start = time.Now()
	if err := client.Set(&memcache.Item{Key: key, Value: []byte(val), Expiration: 30}); err != nil {
		return classify(err, res.Target, cfg)
	}
	it, err := client.Get(key)
	if err != nil {
		return classify(err, res.Target, cfg)
	}
	if err := client.Delete(key); err != nil {
		return classify(err, res.Target, cfg)
	}
	res.RoundTrip = time.Since(start)
	if string(it.Value) != val {
		return &Error{Kind: ErrRoundTrip, Target: res.Target, Msg: "get returned a different value than set stored"}
	}
	return nil
}

// memcachedVersion asks one server for its version with the text protocol.
func memcachedVersion(ctx context.Context, network, addr string) (string, error) {
	var d net.Dialer
	conn, err := d.DialContext(ctx, network, addr)
	if err != nil {
		return "", err
	}
	defer conn.Close()
	if dl, ok := ctx.Deadline(); ok {
		conn.SetDeadline(dl)
	}
	if _, err := io.WriteString(conn, "version\r\n"); err != nil {
		return "", err
	}
	line, err := bufio.NewReader(conn).ReadString('\n')
	if err != nil {
		return "", err
	}
	v, ok := strings.CutPrefix(strings.TrimSpace(line), "VERSION ")
	if !ok {
		return "", fmt.Errorf("unexpected reply to version: %q", strings.TrimSpace(line))
	}
	return v, nil
}

func dedupe(xs []string) []string {
	var out []string
	for _, x := range xs {
		if len(out) == 0 || out[len(out)-1] != x {
			out = append(out, x)
		}
	}
	return out
}

func checkLocal(cfg core.Config, o options, res *Result) error {
	res.Target = "in-process"
	var lopts []lru.Option
	if o.allowUnknown {
		lopts = append(lopts, lru.AllowUnknownOptions())
	}
	start := time.Now()
	cache, err := lru.New[string, string](cfg, lopts...)
	if err != nil {
		return &Error{Kind: ErrConfig, Msg: err.Error(), Err: err}
	}
	res.Connect = time.Since(start)
	key, val := randomKey()
	start = time.Now()
	cache.Add(key, val)
	got, ok := cache.Get(key)
	cache.Remove(key)
	res.RoundTrip = time.Since(start)
	if _, noop := cache.(lru.Dummy[string, string]); noop {
		res.Server = "no-op cache"
		res.Note = "this cache stores nothing (dummy://, or timeout=0): every get misses, as in Django"
		return nil
	}
	res.Server = "in-process LRU (golang-lru/v2 expirable)"
	if !ok || got != val {
		return &Error{Kind: ErrRoundTrip, Target: res.Target, Msg: "get did not return what add stored"}
	}
	return nil
}

func randomKey() (key, val string) {
	var b [8]byte
	rand.Read(b[:])
	return "cacheurl:check:" + hex.EncodeToString(b[:]), "ok-" + hex.EncodeToString(b[4:])
}

// classify turns a client error into an actionable *Error.
func classify(err error, target string, cfg core.Config) error {
	e := &Error{Target: target, Err: err}
	var dnsErr *net.DNSError
	var unknownCA x509.UnknownAuthorityError
	var hostErr x509.HostnameError
	var invalid x509.CertificateInvalidError
	var recordErr tls.RecordHeaderError
	var alert tls.AlertError
	var verifyErr *tls.CertificateVerificationError
	var netErr net.Error
	msg := err.Error()
	switch {
	case errors.Is(err, context.DeadlineExceeded) || errors.As(err, &netErr) && netErr.Timeout():
		e.Kind, e.Msg = ErrTimeout, "no answer in time; check the host and port, firewalls, and that the server is up"
		if cfg.TLS {
			e.Msg += " (and, with TLS, that the port speaks TLS)"
		}
	case errors.Is(err, syscall.ECONNREFUSED):
		e.Kind, e.Msg = ErrRefused, "connection refused; is the server running, and is the port right?"
	case errors.Is(err, syscall.ENOENT) && cfg.Socket != "":
		e.Kind, e.Msg = ErrRefused, "no unix socket at "+cfg.Socket+"; is the server running with that socket path?"
	case errors.As(err, &dnsErr):
		e.Kind, e.Msg = ErrResolve, fmt.Sprintf("cannot resolve %q; check the host name", dnsErr.Name)
	case errors.As(err, &unknownCA) || errors.As(err, &verifyErr) || errors.As(err, &invalid):
		e.Kind, e.Msg = ErrTLS, "the server's certificate is not trusted: "+tlsDetail(err)+"; give the CA with ssl_ca_certs=/path/ca.pem (or, for testing only, ssl_cert_reqs=none)"
	case errors.As(err, &hostErr):
		e.Kind, e.Msg = ErrTLS, "the server's certificate does not match the host name; connect by the name in the certificate"
	case errors.As(err, &recordErr):
		e.Kind, e.Msg = ErrTLS, "the server did not answer with TLS; use redis:// for a plain port, or the server's TLS port"
	case errors.As(err, &alert) || strings.Contains(msg, "tls: "):
		e.Kind, e.Msg = ErrTLS, "the TLS handshake failed ("+firstLine(msg)+"); if the server requires a client certificate, give ssl_certfile and ssl_keyfile"
	case strings.HasPrefix(msg, "WRONGPASS") || strings.HasPrefix(msg, "NOAUTH") || strings.Contains(msg, "invalid password") || strings.Contains(msg, "invalid username-password"):
		e.Kind, e.Msg = ErrAuth, "the server rejected the credentials ("+firstLine(msg)+"); check the username and password in the URL"
	case strings.HasPrefix(msg, "NOPERM"):
		e.Kind, e.Msg = ErrAuth, "the user may not run the check's commands ("+firstLine(msg)+")"
	case errors.Is(err, io.EOF) || errors.Is(err, syscall.ECONNRESET):
		hint := "the server closed the connection"
		if cfg.TLS {
			hint += "; is this a TLS port?"
		} else {
			hint += "; if the server only speaks TLS, use rediss://"
		}
		e.Kind, e.Msg = ErrFailed, hint
	default:
		e.Kind, e.Msg = ErrFailed, firstLine(msg)
	}
	return e
}

func tlsDetail(err error) string {
	var unknownCA x509.UnknownAuthorityError
	if errors.As(err, &unknownCA) {
		return "signed by an unknown authority"
	}
	return firstLine(err.Error())
}

func firstLine(s string) string {
	s, _, _ = strings.Cut(s, "\n")
	return s
}

// scrub makes sure no secret of cfg appears in an error message, whatever
// a client library put there.
func scrub(err error, cfg core.Config) error {
	var e *Error
	if !errors.As(err, &e) {
		e = &Error{Kind: ErrFailed, Msg: err.Error(), Err: err}
	}
	secrets := []string{cfg.Password}
	for k, v := range cfg.Options {
		if core.IsCredentialOption(k) {
			secrets = append(secrets, v)
		}
	}
	for _, s := range secrets {
		if len(s) >= 3 {
			e.Msg = strings.ReplaceAll(e.Msg, s, core.Redacted)
			e.Target = strings.ReplaceAll(e.Target, s, core.Redacted)
		}
	}
	return e
}

// Describe formats a result as aligned lines for people.
func (r Result) Describe() string {
	var b strings.Builder
	kind := string(r.Backend)
	if r.Topology != "" {
		kind += " (" + string(r.Topology) + ")"
	}
	fmt.Fprintf(&b, "url:         %s\n", r.URL)
	fmt.Fprintf(&b, "backend:     %s\n", kind)
	fmt.Fprintf(&b, "address:     %s\n", r.Target)
	fmt.Fprintf(&b, "server:      %s\n", r.Server)
	fmt.Fprintf(&b, "connect:     %s\n", r.Connect.Round(time.Microsecond))
	fmt.Fprintf(&b, "round trip:  %s (set, get, delete of a random key)\n", r.RoundTrip.Round(time.Microsecond))
	if r.Note != "" {
		fmt.Fprintf(&b, "note:        %s\n", r.Note)
	}
	return b.String()
}
