// Package gomemcache turns a memcached-family [core.Config] into a
// [github.com/bradfitz/gomemcache/memcache] client.
//
//	cfg, err := core.Parse("memcached://cache-a:11211,cache-b?socket_timeout=250ms")
//	client, err := gomemcache.New(context.Background(), ctx, cfg)
//	ttl, err := gomemcache.Expiration(cfg.TTL, time.Now())
//	err = client.Set(&memcache.Item{Key: "k", Value: v, Expiration: ttl})
//
// Every memcached scheme is accepted: memcached, pymemcache, pymemcached,
// djangopylibmc, elasticache, and django-environ's memcache and pylibmc. The
// scheme only tells Django which Python library to use; the Go client is the
// same for all of them.
//
// # Servers
//
// Each host of the URL is a server, in URL order, weighted equally; a host
// without a port gets [DefaultPort] (11211), IPv6 hosts included
// ("[::1]" → "[::1]:11211"). A URL with a socket path
// (memcached:///run/memcached.sock) uses that unix socket. [New] resolves the
// servers with [memcache.ServerList.SetServers] and builds the client with
// [memcache.NewFromSelector], so a host that does not resolve is an error
// ([ErrResolve]) at construction. [memcache.New] would swallow that error and
// return a client with no servers at all, failing every call later with
// [memcache.ErrNoServers]. As in gomemcache, names are resolved once (a name
// with several addresses uses the first, as [net.ResolveTCPAddr] does): build
// a new client to follow DNS changes. elasticache:// hosts are used as plain
// servers (there is no ElastiCache auto discovery here).
//
// # Timeouts: the TTL is not the socket timeout
//
// The URL's timeout (alias ttl) is Django's TIMEOUT: the default lifetime of
// entries, in cfg.TTL. It never touches the connection. [Expiration] turns it
// into the [memcache.Item] Expiration field, with Django's rules. The
// connection has its own options:
//
//   - socket_timeout: Client.Timeout, the read/write deadline of each call,
//     also the dial timeout unless connect_timeout is given. Default 500ms
//     ([memcache.DefaultTimeout]).
//   - connect_timeout: the dial timeout alone (a [net.Dialer] in
//     Client.DialContext). Default: socket_timeout.
//   - max_idle_conns: Client.MaxIdleConns, the idle connections kept per
//     server, an integer ≥ 1. Default 2 ([memcache.DefaultMaxIdleConns]).
//
// Timeouts are decimal seconds ("0.5", "3": pymemcache's and
// python-memcached's unit) or Go durations ("250ms", "2s"), more than zero;
// gomemcache cannot turn its timeout off.
//
// The options in [IgnoredOptions] are settings of Django's Python memcached
// clients with no gomemcache counterpart; they are accepted and ignored. Any
// other option is an error naming it ([ErrUnknownOption]), so a typo does
// not pass silently; [AllowUnknownOptions] turns that off.
//
// # What the client does not do
//
// KeyPrefix, Version and KeyFunction (Django's key making) and MaxEntries and
// CullFrequency (locmem/file/db settings that Django's memcached backends
// ignore too) stay in the config; the client stores keys exactly as given.
// gomemcache has no SASL: a URL with a username or password, or a username or
// password option (django-pylibmc's USERNAME/PASSWORD), is an error
// ([ErrCredentials]) rather than a client that silently connects without
// them. Configs of other backends are [ErrWrongBackend]; file://, db:// and
// uwsgicache:// have no Go client at all ([clients.ErrNoGoClient]). Every
// config is first checked with [core.Config.Normalize], so a hand-built
// value (elasticache over a socket, a relative socket path, a port
// 99999) is an [ErrInvalidConfig] error here rather than a failure at the
// first call.
package gomemcache

import (
	"context"
	"errors"
	"fmt"
	"math"
	"net"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/bradfitz/gomemcache/memcache"

	"github.com/cacheurl/cacheurl/clients"
	"github.com/cacheurl/cacheurl/core"
	"github.com/cacheurl/cacheurl/internal/clientcfg"
)

// DefaultPort is the port of hosts given without one.
const DefaultPort = 11211

// MaxRelativeExpiration is the largest expiration memcached reads as
// seconds from now (30 days); larger values are absolute Unix times.
const MaxRelativeExpiration = 30 * 24 * 60 * 60

// The error kinds. Every error New and ParseSettings return is an [*Error]
// matching one of them with errors.Is. The first four are shared with the
// other client packages (package clients).
var (
	// ErrInvalidConfig: core.Config.Normalize rejects the config (a
	// hand-built value: elasticache over a socket, a relative socket path,
	// a host that is not host[:port]); core's *core.Error is wrapped, so
	// its kind matches too.
	ErrInvalidConfig = clients.ErrInvalidConfig
	// ErrWrongBackend: the config is not a memcached URL.
	ErrWrongBackend = clients.ErrWrongBackend
	// ErrUnknownOption: an option that is neither a client option nor in
	// IgnoredOptions.
	ErrUnknownOption = clients.ErrUnknownOption
	// ErrInvalidOption: a client option with a bad value.
	ErrInvalidOption = clients.ErrInvalidOption
	// ErrNoServers: the URL names no host and no socket.
	ErrNoServers = core.NewKind("no_servers", "no memcached servers", core.ErrInvalidHost)
	// ErrInvalidServer: a host that is not host[:port] or [ipv6][:port].
	ErrInvalidServer = core.NewKind("invalid_server", "invalid memcached server address", core.ErrInvalidHost)
	// ErrResolve: a server address does not resolve (the cause, usually a
	// *net.DNSError, is wrapped too); it is clients.ErrResolve, the kind
	// every package shares.
	ErrResolve = clients.ErrResolve
	// ErrCredentials: the URL carries SASL credentials, which gomemcache
	// cannot use.
	ErrCredentials = core.NewKind("credentials", "memcached credentials are not supported", core.ErrInvalidUserinfo)
	// ErrTTLRange: the TTL is beyond what memcached's 32-bit expiration
	// holds (an absolute time after 2038-01-19).
	ErrTTLRange = core.NewKind("ttl_range", "TTL out of memcached's range", core.ErrInvalidParameter)
)

// Error is the error of every client package: a kind, a message that says
// what to change, the redacted URL, and possibly a cause. It never
// contains a password or an option value.
type Error = clients.Error

const pkg = "gomemcache"

func newError(cfg core.Config, kind *clients.Kind, cause error, format string, args ...any) *Error {
	return &Error{Package: pkg, Kind: kind, URL: cfg.Redacted(), Msg: fmt.Sprintf(format, args...), Err: cause}
}

// The client options.
const (
	optSocketTimeout  = "socket_timeout"
	optConnectTimeout = "connect_timeout"
	optMaxIdleConns   = "max_idle_conns"
)

var clientOptions = []string{optConnectTimeout, optMaxIdleConns, optSocketTimeout}

// ignoredOptions: settings of Django's Python memcached clients that mean
// nothing to gomemcache, and do not change where or how long entries are
// stored.
var ignoredOptions = []string{
	"allow_unicode_keys", // pymemcache: gomemcache accepts any key without spaces or control characters
	"binary",             // django-pylibmc BINARY: gomemcache speaks the text protocol
	"ignore_exc",         // pymemcache: swallow errors (Go callers see them)
	"max_pool_size",      // pymemcache pool size (gomemcache pools; see max_idle_conns)
	"no_delay",           // pymemcache TCP_NODELAY (Go sets it by default)
	"tcp_nodelay",        // pylibmc behavior, same
	"use_pooling",        // pymemcache (gomemcache always pools)
}

// IgnoredOptions returns the options New accepts and ignores, sorted:
// settings of Django's Python memcached clients (pymemcache, pylibmc,
// django-pylibmc) that have no gomemcache counterpart. pylibmc's ketama is
// deliberately not among them: it changes which server holds a key.
func IgnoredOptions() []string { return append([]string(nil), ignoredOptions...) }

// Settings is what [ParseSettings] reads from a config: the gomemcache
// client's inputs, before any name is resolved.
type Settings struct {
	// Servers are the addresses for ServerList.SetServers, in URL order:
	// "host:port" (DefaultPort filled in) or one unix socket path.
	Servers []string
	// Timeout is socket_timeout (Client.Timeout), 0 when not given
	// (gomemcache then uses memcache.DefaultTimeout, 500ms).
	Timeout time.Duration
	// ConnectTimeout is connect_timeout, 0 when not given (the dial then
	// uses Timeout).
	ConnectTimeout time.Duration
	// MaxIdleConns is max_idle_conns (Client.MaxIdleConns), 0 when not given
	// (memcache.DefaultMaxIdleConns, 2).
	MaxIdleConns int
	// Ignored are the options given that are in IgnoredOptions, or unknown
	// and allowed by AllowUnknownOptions, sorted.
	Ignored []string
}

// Option changes how [New] and [ParseSettings] read a config.
type Option func(*options)

type options struct {
	allowUnknown bool
}

// AllowUnknownOptions makes unknown options ignored instead of an error
// (they are listed in Settings.Ignored).
func AllowUnknownOptions() Option { return func(o *options) { o.allowUnknown = true } }

// New returns a gomemcache client for a memcached-family config: its servers
// resolved with ServerList.SetServers and passed to memcache.NewFromSelector,
// Client.Timeout, Client.MaxIdleConns and (for connect_timeout)
// Client.DialContext set from the options. It does not connect: the first
// call does (use Client.Ping to check the servers). gomemcache resolves the
// names without a context, so ctx is only checked: after the config's own
// errors, New returns ctx's error when it is already done, before it
// resolves anything.
//
// Errors are [*Error] values matching ErrInvalidConfig, ErrWrongBackend,
// clients.ErrNoGoClient, ErrNoServers, ErrInvalidServer, ErrCredentials,
// ErrUnknownOption, ErrInvalidOption, ErrTTLRange or ErrResolve.
func New(ctx context.Context, cfg core.Config, opts ...Option) (*memcache.Client, error) {
	ss, s, err := Selector(ctx, cfg, opts...)
	if err != nil {
		return nil, err
	}
	c := memcache.NewFromSelector(ss)
	c.Timeout = s.Timeout
	c.MaxIdleConns = s.MaxIdleConns
	if s.ConnectTimeout > 0 {
		d := &net.Dialer{Timeout: s.ConnectTimeout}
		// gomemcache bounds the dial's context by Client.Timeout; drop that
		// deadline so connect_timeout alone decides, longer or shorter.
		c.DialContext = func(ctx context.Context, network, address string) (net.Conn, error) {
			return d.DialContext(context.WithoutCancel(ctx), network, address)
		}
	}
	return c, nil
}

// Open parses rawURL with [core.Parse] and builds its client with [New].
// A parse error is core's [*core.Error] (redacted).
func Open(ctx context.Context, rawURL string, opts ...Option) (*memcache.Client, error) {
	cfg, err := core.Parse(rawURL)
	if err != nil {
		return nil, err
	}
	return New(ctx, cfg, opts...)
}

// Selector is what New builds a client on: the config's settings and its
// servers, resolved (ServerList.SetServers), for a caller that builds
// clients of its own on the same servers (package cache builds one per
// call in progress, to give each call its context's deadline). Its errors
// are New's.
func Selector(ctx context.Context, cfg core.Config, opts ...Option) (*memcache.ServerList, Settings, error) {
	s, err := ParseSettings(cfg, opts...)
	if err != nil {
		return nil, Settings{}, err
	}
	if err := ctx.Err(); err != nil {
		return nil, Settings{}, err
	}
	ss := new(memcache.ServerList)
	if err := ss.SetServers(s.Servers...); err != nil {
		return nil, Settings{}, newError(cfg, ErrResolve, err,
			"cannot resolve the memcached server %s; check the host name", failedServer(s.Servers, err))
	}
	return ss, s, nil
}

// failedServer names the server SetServers failed on, when the error says.
func failedServer(servers []string, err error) string {
	var dnsErr *net.DNSError
	if errors.As(err, &dnsErr) {
		for _, s := range servers {
			if h, _, e := net.SplitHostPort(s); e == nil && h == dnsErr.Name {
				return strconv.Quote(s)
			}
		}
	}
	if len(servers) == 1 {
		return strconv.Quote(servers[0])
	}
	return "list " + strconv.Quote(strings.Join(servers, ","))
}

// ParseSettings checks a config and returns the client settings New uses,
// without resolving any name. It is New's validation alone, for tools that
// describe a config.
func ParseSettings(cfg core.Config, opts ...Option) (Settings, error) {
	var o options
	for _, opt := range opts {
		opt(&o)
	}
	cfg, err := clientcfg.Normalize(pkg, cfg, core.BackendMemcached)
	if err != nil {
		return Settings{}, err
	}
	if err := checkCredentials(cfg); err != nil {
		return Settings{}, err
	}
	servers, err := Servers(cfg)
	if err != nil {
		return Settings{}, err
	}
	s := Settings{Servers: servers}
	if err := s.readOptions(cfg, o); err != nil {
		return Settings{}, err
	}
	if _, err := Expiration(cfg.TTL, time.Now()); err != nil {
		var e *Error
		if errors.As(err, &e) {
			e.URL = cfg.Redacted()
		}
		return Settings{}, err
	}
	return s, nil
}

func checkCredentials(cfg core.Config) error {
	var what []string
	if cfg.Username != "" || cfg.Password != "" {
		what = append(what, "userinfo")
	}
	for _, name := range []string{"password", "username"} {
		if _, ok := cfg.Options[name]; ok {
			what = append(what, "option "+strconv.Quote(name))
		}
	}
	if len(what) == 0 {
		return nil
	}
	return newError(cfg, ErrCredentials, nil,
		"the URL has SASL credentials (%s), but github.com/bradfitz/gomemcache has no SASL support; "+
			"remove them and use an unauthenticated memcached, or a client with SASL", strings.Join(what, ", "))
}

// Servers returns the server addresses of a memcached config, in URL order,
// as ServerList.SetServers takes them: "host:port" with [DefaultPort] filled
// in where the URL has no port ("[::1]" → "[::1]:11211"), or the socket path.
// It resolves nothing.
func Servers(cfg core.Config) ([]string, error) {
	if cfg.Socket != "" {
		if len(cfg.Hosts) > 0 {
			return nil, newError(cfg, ErrInvalidServer, nil, "the config has both hosts and a socket; give one")
		}
		return []string{cfg.Socket}, nil
	}
	if len(cfg.Hosts) == 0 {
		return nil, newError(cfg, ErrNoServers, nil,
			"the URL names no memcached server; write memcached://host:11211[,host2...] or memcached:///path/to/socket")
	}
	out := make([]string, len(cfg.Hosts))
	for i, h := range cfg.Hosts {
		a, ok := withPort(h)
		if !ok {
			return nil, newError(cfg, ErrInvalidServer, nil, "host %q is not host[:port] or [ipv6][:port]", h)
		}
		out[i] = a
	}
	return out, nil
}

// withPort adds DefaultPort to a host written without a port.
func withPort(h string) (string, bool) {
	if h == "" || strings.ContainsAny(h, "/ ") {
		return "", false
	}
	def := strconv.Itoa(DefaultPort)
	if host, port, err := net.SplitHostPort(h); err == nil {
		if host == "" {
			return "", false
		}
		if port == "" {
			port = def
		}
		return net.JoinHostPort(host, port), true
	}
	if strings.HasPrefix(h, "[") && strings.HasSuffix(h, "]") && len(h) > 2 {
		return h + ":" + def, true
	}
	if !strings.ContainsAny(h, ":[]") {
		return net.JoinHostPort(h, def), true
	}
	return "", false
}

func (s *Settings) readOptions(cfg core.Config, o options) error {
	names := make([]string, 0, len(cfg.Options))
	for k := range cfg.Options {
		names = append(names, k)
	}
	sort.Strings(names)
	var unknown []string
	for _, name := range names {
		v := cfg.Options[name]
		switch name {
		case optSocketTimeout, optConnectTimeout:
			d, ok := parseSeconds(v)
			if !ok {
				return newError(cfg, ErrInvalidOption, nil,
					"%s=%q is not a timeout: write seconds (\"0.5\", \"3\") or a Go duration (\"250ms\", \"2s\"), more than 0",
					name, v)
			}
			if name == optSocketTimeout {
				s.Timeout = d
			} else {
				s.ConnectTimeout = d
			}
		case optMaxIdleConns:
			n, ok := parsePositive(v)
			if !ok {
				return newError(cfg, ErrInvalidOption, nil, "%s=%q is not an integer ≥ 1", name, v)
			}
			s.MaxIdleConns = n
		case "password", "username":
			// Refused by checkCredentials already.
		default:
			if i := sort.SearchStrings(ignoredOptions, name); i < len(ignoredOptions) && ignoredOptions[i] == name {
				s.Ignored = append(s.Ignored, name)
				continue
			}
			unknown = append(unknown, name)
		}
	}
	if len(unknown) > 0 {
		if o.allowUnknown {
			s.Ignored = append(s.Ignored, unknown...)
			sort.Strings(s.Ignored)
			return nil
		}
		e := newError(cfg, ErrUnknownOption, nil,
			"unknown option%s %s: the memcached client options are %s (and the Django-only ones in "+
				"gomemcache.IgnoredOptions); fix the name, or pass gomemcache.AllowUnknownOptions() to ignore it",
			plural(len(unknown)), quoteList(unknown), strings.Join(clientOptions, ", "))
		e.Options = unknown
		return e
	}
	return nil
}

// parseSeconds reads a timeout: decimal seconds ("3", "0.5") or a Go
// duration ("250ms"), more than zero.
func parseSeconds(v string) (time.Duration, bool) {
	if v == "" {
		return 0, false
	}
	s := v
	if isDecimal(v) {
		s = v + "s"
	}
	d, err := time.ParseDuration(s)
	if err != nil || d <= 0 {
		return 0, false
	}
	return d, true
}

// isDecimal reports whether v is digits with at most one inner '.'.
func isDecimal(v string) bool {
	intPart, frac, hasDot := strings.Cut(v, ".")
	if !allDigits(intPart) {
		return false
	}
	return !hasDot || allDigits(frac)
}

func allDigits(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

func parsePositive(v string) (int, bool) {
	if !allDigits(v) {
		return 0, false
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 1 {
		return 0, false
	}
	return n, true
}

func plural(n int) string {
	if n == 1 {
		return ""
	}
	return "s"
}

func quoteList(names []string) string {
	q := make([]string, len(names))
	for i, n := range names {
		q[i] = strconv.Quote(n)
	}
	return strings.Join(q, ", ")
}

// Expiration converts a config's TTL into [memcache.Item].Expiration for an
// item stored at now, following Django's memcached backends
// (BaseMemcachedCache.get_backend_timeout), so Go and Django store entries
// for the same time:
//
//   - never (timeout=none) → 0, which memcached reads as "no expiry";
//   - unset → [core.DefaultTimeout], 300 seconds, Django's default
//     TIMEOUT ([core.TTL.OrDefault]);
//   - 0 ("expire at once") → -1: memcached treats a negative expiration as
//     already expired, so the entry is never returned;
//   - up to 30 days ([MaxRelativeExpiration] seconds) → the seconds;
//   - longer → now.Unix() + seconds, because memcached reads values above
//     30 days as an absolute Unix time.
//
// Call it for each item (the absolute form depends on now). A TTL that
// would end after 2038-01-19T03:14:07Z (the int32 limit) is an error
// matching [ErrTTLRange]: use timeout=none for entries that must not expire.
func Expiration(ttl core.TTL, now time.Time) (int32, error) {
	ttl = ttl.OrDefault()
	if ttl.Never() {
		return 0, nil
	}
	secs, _ := ttl.Seconds()
	return ExpirationSeconds(secs, now)
}

// ExpirationSeconds converts a lifetime of secs seconds from now into
// [memcache.Item].Expiration, as [Expiration] does for a TTL that is set:
// 0 or less → -1 (already expired), up to 30 days → the seconds, longer →
// an absolute Unix time, an error matching [ErrTTLRange] past 2038. It is
// for a caller that has resolved the lifetime itself (package cache, whose
// calls give theirs).
func ExpirationSeconds(secs int64, now time.Time) (int32, error) {
	if secs <= 0 {
		return -1, nil
	}
	if secs <= MaxRelativeExpiration {
		return int32(secs), nil
	}
	if secs > math.MaxInt32 || now.Unix() > math.MaxInt32-secs {
		return 0, &Error{Package: pkg, Kind: ErrTTLRange, Msg: fmt.Sprintf(
			"a TTL of %d seconds from %s ends after 2038-01-19, beyond memcached's 32-bit expiration time; "+
				"use a shorter timeout, or timeout=none for no expiry", secs, now.UTC().Format(time.RFC3339))}
	}
	return int32(now.Unix() + secs), nil
}
