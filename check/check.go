// Package check proves a CACHE_URL against the live server: it builds the
// client the URL describes (clients/goredis, clients/gomemcache, or an
// in-process cache for locmem:// and dummy://), connects (PING for redis,
// the version command for memcached), and does a real round trip — set, get
// and delete of a random key through the portable cache (package cache),
// one code path for every backend — reporting the server version and the
// latency. It is what `cacheurl check`
// runs.
//
// The config is routed by its scheme (a Config with only Scheme and Hosts
// set works) after [core.Config.Normalize] has checked it.
//
// # Time
//
// The context's deadline ([DefaultTimeout] when it has none) bounds the
// whole check, for every topology: the client's dial, read, write and pool
// timeouts are capped at the time left, so a Sentinel or a server that
// accepts and never answers fails when the deadline passes, not after
// go-redis's own 5-second dial timeout. A check fails fast: go-redis's
// retries are off (max_retries=-1, one dial attempt) unless the URL sets
// them. When Run returns, the client it built is closed: no goroutine and
// no connection is left behind.
//
// [Wait] repeats the check with backoff until it succeeds or the context
// ends, for a program that must wait until its cache is up.
//
// # Errors
//
// Failures are [*Error] values whose Kind says what happened ([ErrRefused],
// [ErrTimeout], [ErrResolve], [ErrAuth], [ErrDenied], [ErrTLS],
// [ErrUnknownMaster], [ErrMismatch], [ErrLoading], [ErrConfig],
// [ErrNoClient], [ErrRoundTrip], [ErrFailed]); the message says what to do
// about it, in memcached's terms for memcached. A failure at a master or
// node other than the ones in the URL (the master a Sentinel reported, a
// cluster node from the slot map) names that address. No message contains a
// secret of the config: the password and every credential option are
// removed from whatever a server or client library said (see [Error]), and
// no string of a [Result] or an [*Error] holds a control character: a
// server's words are escaped ([Printable]), so printing them is safe.
//
// A rediss:// URL at a port that speaks plain text fails as [ErrTLS] at
// once, not as [ErrTimeout] when the deadline passes: a plain redis waits
// for the end of the command line a TLS ClientHello seems to start, so a
// handshake that stalls is followed by a plain-text PING to the same port,
// and a plain-text reply ends the check.
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
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/bradfitz/gomemcache/memcache"
	"github.com/redis/go-redis/v9"

	"github.com/cacheurl/cacheurl/cache"
	"github.com/cacheurl/cacheurl/clients"
	"github.com/cacheurl/cacheurl/clients/gomemcache"
	"github.com/cacheurl/cacheurl/clients/goredis"
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
	// Attempts is the number of checks made: 1 for Run, more when Wait
	// had to retry.
	Attempts int
}

// Kind is the kind of a failed check, matched with errors.Is.
type Kind struct {
	code, text string
}

// Error returns the kind's short description ("connection refused").
func (k *Kind) Error() string { return k.text }

// Code returns a stable snake_case identifier ("refused"), for
// machine-readable output (cacheurl check --json).
func (k *Kind) Code() string { return k.code }

// Kinds of failure.
var (
	// ErrRefused: nothing listens at the address (or the unix socket does
	// not exist).
	ErrRefused = &Kind{"refused", "connection refused"}
	// ErrTimeout: no answer before the deadline.
	ErrTimeout = &Kind{"timeout", "timed out"}
	// ErrResolve: a host name does not resolve.
	ErrResolve = &Kind{"resolve", "host not found"}
	// ErrAuth: the server rejected the credentials, or the user may not
	// run the check's commands.
	ErrAuth = &Kind{"auth", "authentication failed"}
	// ErrDenied: the server refuses connections by policy: redis in
	// protected mode (-DENIED).
	ErrDenied = &Kind{"denied", "connection denied by the server"}
	// ErrTLS: the TLS handshake failed, or the port does not speak TLS.
	ErrTLS = &Kind{"tls", "TLS handshake failed"}
	// ErrUnknownMaster: the Sentinels answered but know no master of that
	// name.
	ErrUnknownMaster = &Kind{"unknown_master", "unknown sentinel master"}
	// ErrMismatch: the server is not what the URL says: another protocol
	// (a redis URL at a memcached port), not a cluster node, fewer
	// databases than the db.
	ErrMismatch = &Kind{"mismatch", "the server is not what the URL says"}
	// ErrLoading: the server is up but still loading its dataset.
	ErrLoading = &Kind{"loading", "the server is loading its dataset"}
	// ErrConfig: the config cannot be used by the Go client (an unknown
	// option, a hand-built config that Normalize rejects). Err is the
	// client package's or core's error.
	ErrConfig = &Kind{"config", "the URL cannot be used by the Go client"}
	// ErrNoClient: a Django backend with no Go client (file://, db://,
	// uwsgicache://): there is nothing to connect to.
	ErrNoClient = &Kind{"no_client", "no Go client for this backend"}
	// ErrRoundTrip: the server answered, but reading the test key back did
	// not return what was stored.
	ErrRoundTrip = &Kind{"round_trip", "round trip returned the wrong value"}
	// ErrFailed: any other failure (the connection closed, an unexpected
	// reply).
	ErrFailed = &Kind{"failed", "check failed"}
)

// Error is a failed check.
type Error struct {
	// Kind is one of the Err* kinds.
	Kind *Kind
	// Target is where the check tried to connect ("127.0.0.1:6379 db 0",
	// "master mymaster at 10.0.0.5:6379 (reported by the sentinels)").
	Target string
	// Msg says what happened and what to try, in the check's own words.
	Msg string
	// Detail is what the server or the client library said ("ERR DB index
	// is out of range"), with every secret of the config removed and every
	// control character escaped ([Printable]); "" when
	// there is nothing to add. A short secret (1 or 2 bytes) cannot be cut
	// out of a text without mangling it: when one occurs in the text, the
	// text is withheld entirely.
	Detail string
	// Err is the underlying error. It is not printed by Error (its text
	// comes from a client library and is not scrubbed); use Msg and
	// Detail.
	Err error
}

// Error returns "<target>: <msg> (<detail>)".
func (e *Error) Error() string {
	s := e.Msg
	if e.Target != "" {
		s = e.Target + ": " + s
	}
	if e.Detail != "" {
		s += " (" + e.Detail + ")"
	}
	return s
}

// Unwrap returns the kind and the cause, so errors.Is matches both.
func (e *Error) Unwrap() []error {
	if e.Err == nil {
		return []error{e.Kind}
	}
	return []error{e.Kind, e.Err}
}

// Option configures a check.
type Option func(*options)

type options struct {
	allowUnknown bool
	onRetry      func(Attempt)
}

// AllowUnknownOptions lets the clients ignore URL options they do not know
// instead of failing on them (the client packages' AllowUnknownOptions).
func AllowUnknownOptions() Option { return func(o *options) { o.allowUnknown = true } }

// Run checks cfg against its server. Without a deadline in ctx it uses
// [DefaultTimeout].
func Run(ctx context.Context, cfg core.Config, opts ...Option) (Result, error) {
	var o options
	for _, f := range opts {
		if f != nil {
			f(&o)
		}
	}
	return runOnce(ctx, cfg, o)
}

func runOnce(ctx context.Context, cfg core.Config, o options) (Result, error) {
	if _, ok := ctx.Deadline(); !ok {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, DefaultTimeout)
		defer cancel()
	}
	res := Result{URL: cfg.Redacted(), Backend: cfg.Backend, Topology: cfg.Topology, Attempts: 1}
	n, err := cfg.Normalize()
	if err != nil {
		return res, scrub(&Error{Kind: ErrConfig, Msg: "the config is not valid: " + err.Error(), Err: err}, cfg)
	}
	cfg = n
	res.URL, res.Backend, res.Topology = cfg.Redacted(), cfg.Backend, cfg.Topology
	switch cfg.Backend {
	case core.BackendRedis:
		err = checkRedis(ctx, cfg, o, &res)
	case core.BackendMemcached:
		err = checkMemcached(ctx, cfg, o, &res)
	case core.BackendLocmem, core.BackendDummy:
		err = checkLocal(ctx, cfg, o, &res)
	default:
		err = &Error{Kind: ErrNoClient, Msg: fmt.Sprintf("%s:// is a Django backend with no Go client; nothing to connect to", cfg.Scheme), Err: clients.ErrNoGoClient}
	}
	if err != nil {
		return res, scrub(err, cfg)
	}
	res.Target, res.Server, res.Note = Printable(res.Target), Printable(res.Server), Printable(res.Note)
	return res, nil
}

// roundTrip stores a random key through the portable cache, reads it back
// and deletes it, and returns the time it took: one code path for every
// backend. ok is false when the value read back differs.
func roundTrip(ctx context.Context, c *cache.Cache) (d time.Duration, ok bool, err error) {
	key, val := randomKey()
	start := time.Now()
	if err := c.Set(ctx, key, []byte(val), cache.WithTTL(core.TTLSeconds(30))); err != nil {
		return 0, false, err
	}
	got, err := c.Get(ctx, key)
	found := err == nil
	if err != nil && !errors.Is(err, cache.ErrNotFound) {
		return 0, false, err
	}
	if _, err := c.Delete(ctx, key); err != nil {
		return 0, false, err
	}
	return time.Since(start), found && string(got) == val, nil
}

// openCache wraps the check's client (nil for locmem and dummy) in the
// portable cache. A URL with key_function gets Django's default key making:
// the check cannot run a Python function, and its key is its own.
func openCache(ctx context.Context, cfg core.Config, client any) (*cache.Cache, error) {
	// The check has validated the options with the client packages' rules.
	return newCache(ctx, cfg, client, cache.AllowUnknownOptions())
}

// newCache is cache.New with the client (nil: the cache builds none) and
// the key function a URL with key_function needs.
func newCache(ctx context.Context, cfg core.Config, client any, opts ...cache.Option) (*cache.Cache, error) {
	if client != nil {
		opts = append(opts, cache.WithClient(client))
	}
	if cfg.KeyFunction != "" {
		opts = append(opts, cache.WithKeyFunc(func(key, prefix string, version int) string {
			return prefix + ":" + strconv.Itoa(version) + ":" + key
		}))
	}
	return cache.New(ctx, cfg, opts...)
}

func randomKey() (key, val string) {
	var b [8]byte
	rand.Read(b[:])
	return "cacheurl:check:" + hex.EncodeToString(b[:]), "ok-" + hex.EncodeToString(b[4:])
}

// ---- redis ----

func checkRedis(ctx context.Context, cfg core.Config, o options, res *Result) error {
	res.Target = goredis.Describe(cfg)
	var gopts []goredis.Option
	if o.allowUnknown {
		gopts = append(gopts, goredis.AllowUnknownOptions())
	}
	uo, err := goredis.UniversalOptions(cfg, gopts...)
	if err != nil {
		return configError(err)
	}
	boundRedis(ctx, uo, cfg.Options)
	// Every connection the client opens, to the servers or the sentinels,
	// is closed when the check ends: go-redis's dial goroutines, which it
	// does not stop on Close, then end at once too.
	done, cancel := context.WithCancel(ctx)
	defer cancel()
	uo.Dialer = boundedDialer(done, uo.DialTimeout, uo.TLSConfig)
	client := redis.NewUniversalClient(uo)
	c, err := openCache(ctx, cfg, client)
	if err != nil {
		client.Close()
		return configError(err)
	}
	defer c.Close() // closes client
	start := time.Now()
	if err := client.Ping(ctx).Err(); err != nil {
		return classifyRedis(ctx, err, res.Target, cfg)
	}
	res.Connect = time.Since(start)
	res.Server = "redis"
	if info, err := client.Info(ctx, "server").Result(); err == nil {
		res.Server = redisVersion(info)
	}
	d, ok, err := roundTrip(ctx, c)
	if err != nil {
		return classifyRedis(ctx, err, res.Target, cfg)
	}
	res.RoundTrip = d
	if !ok {
		return &Error{Kind: ErrRoundTrip, Target: res.Target, Msg: "GET returned a different value than SET stored"}
	}
	return nil
}

// boundRedis makes the check's deadline bound every step of the client: the
// dial, read, write and pool timeouts are capped at the time left (go-redis
// dials, Sentinel queries included, under a context of its own bounded by
// DialTimeout, not by the caller's), commands honour the context, and a
// failure is reported as it is rather than retried until the deadline hides
// it. Retry settings the URL gives itself are kept.
func boundRedis(ctx context.Context, uo *redis.UniversalOptions, urlOptions map[string]string) {
	left := time.Until(deadline(ctx))
	if left <= 0 {
		left = time.Millisecond
	}
	for _, d := range []*time.Duration{&uo.DialTimeout, &uo.ReadTimeout, &uo.WriteTimeout, &uo.PoolTimeout} {
		if *d <= 0 || *d > left {
			*d = left
		}
	}
	uo.ContextTimeoutEnabled = true
	if _, ok := urlOptions["max_retries"]; !ok {
		uo.MaxRetries = -1
	}
	if _, ok := urlOptions["dialer_retries"]; !ok {
		uo.DialerRetries = 1
	}
}

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
		if line, err := probe(hctx, network, addr, "PING\r\n"); err == nil && plainText(line) {
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
	if line == "" {
		return false
	}
	for i := 0; i < len(line); i++ {
		if line[i] < ' ' || line[i] > '~' {
			return false
		}
	}
	return true
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

// classifyRedis turns a go-redis error into an actionable *Error.
func classifyRedis(ctx context.Context, err error, target string, cfg core.Config) error {
	e := &Error{Kind: ErrFailed, Target: target, Err: err}
	msg := err.Error()
	viaSentinel := strings.Contains(msg, "all sentinels specified in configuration are unreachable")
	// A failure at an address that is not in the URL: the master (or a
	// replica) a Sentinel reported, a node of a cluster's slot map.
	if addr := failedAddr(err); addr != "" && !inHosts(addr, cfg.Hosts) {
		switch cfg.Topology {
		case core.Sentinel:
			e.Target = fmt.Sprintf("master %s at %s (the address the sentinels report)", cfg.Master, addr)
		case core.Cluster:
			e.Target = fmt.Sprintf("cluster node %s (from the cluster's slot map)", addr)
		}
	}
	switch {
	case viaSentinel && errors.Is(err, redis.Nil):
		e.Kind = ErrUnknownMaster
		e.Msg = fmt.Sprintf("the sentinels answered but know no master named %q; check the master name in the URL "+
			"(redis-cli -h <sentinel> -p 26379 SENTINEL MASTERS lists the names they monitor)", cfg.Master)
		return e
	case viaSentinel && isAuthReply(msg):
		e.Kind = ErrAuth
		e.Msg = "the sentinels rejected the credentials; the sentinels' password is the sentinel_password option " +
			"(and sentinel_username), the URL's userinfo is the data nodes'"
		e.Detail = serverWords(err)
		return e
	}
	if k, m, detail, ok := classifyNet(ctx, err, cfg, "redis"); ok {
		e.Kind, e.Msg, e.Detail = k, m, detail
		if k == ErrTimeout && cfg.Topology == core.Sentinel && !strings.HasPrefix(e.Target, "master ") {
			e.Msg = "no answer in time from the sentinels; check the sentinel hosts and ports (26379 by default), firewalls, and that redis-sentinel is up"
		}
		if k == ErrFailed {
			// The server hung up: ask it what it says to a new connection.
			k, m, detail := diagnoseClosed(ctx, cfg, err)
			e.Kind, e.Msg, e.Detail = k, m, detail
		}
		return e
	}
	words := serverWords(err)
	switch {
	case strings.HasPrefix(msg, "DENIED"):
		e.Kind, e.Msg, e.Detail = ErrDenied, deniedMsg, words
	case isAuthReply(msg):
		e.Kind, e.Msg, e.Detail = ErrAuth, "the server rejected the credentials; check the username and password in the URL", words
	case strings.HasPrefix(msg, "NOPERM"):
		e.Kind, e.Msg, e.Detail = ErrAuth, "the user may not run the check's commands (PING, INFO, SET, GET, DEL); grant them in the server's ACL", words
	case strings.HasPrefix(msg, "ERR DB index is out of range"):
		e.Kind, e.Detail = ErrMismatch, words
		e.Msg = fmt.Sprintf("the server has fewer databases than db %d; use a db below its databases setting (16 by default), or raise databases in redis.conf", cfg.DB)
	case strings.HasPrefix(msg, "ERR This instance has cluster support disabled"):
		e.Kind, e.Detail = ErrMismatch, words
		e.Msg = "the server is not a Redis Cluster node (cluster support is disabled); for a single server use redis:// (or rediss://), for a cluster point at one of its nodes"
	case strings.HasPrefix(msg, "LOADING"):
		e.Kind, e.Msg, e.Detail = ErrLoading, "the server is up but still loading its dataset into memory; try again in a moment", words
	case strings.HasPrefix(msg, "MOVED") || strings.HasPrefix(msg, "CLUSTERDOWN"):
		e.Kind, e.Detail = ErrMismatch, words
		e.Msg = "the server is a Redis Cluster node (or its cluster is down); for a cluster use redis+cluster://"
	case strings.Contains(msg, "can't parse") || strings.Contains(msg, "invalid reply") || strings.Contains(msg, "unexpected reply"):
		e.Kind, e.Detail = ErrMismatch, words
		e.Msg = "the server does not speak the redis protocol"
		if v := memcachedAt(ctx, redisAddr(cfg, err)); v != "" {
			e.Msg += fmt.Sprintf(": it is memcached %s; use memcached://", v)
		} else {
			e.Msg += "; check the port (6379 is redis's default)"
		}
	default:
		e.Msg = "the check failed"
		e.Detail = words
	}
	return e
}

const deniedMsg = "the server refused the connection: redis is in protected mode (no password set, and the connection is not " +
	"from loopback); on the server, set a password (requirepass, or an ACL user) and put it in the URL, or bind it to " +
	"the address you connect to and set protected-mode no only on a trusted network"

func isAuthReply(msg string) bool {
	return strings.Contains(msg, "WRONGPASS") || strings.Contains(msg, "NOAUTH") ||
		strings.Contains(msg, "invalid password") || strings.Contains(msg, "invalid username-password")
}

// serverWords is the last part of a go-redis error: what the server said
// ("ERR DB index is out of range"), without go-redis's prefixes.
func serverWords(err error) string {
	msg := firstLine(err.Error())
	if i := strings.LastIndex(msg, "unreachable: "); i >= 0 {
		msg = msg[i+len("unreachable: "):]
	}
	return strings.TrimPrefix(msg, "redis: ")
}

// failedAddr is the remote address of a failed dial or connection, or "".
func failedAddr(err error) string {
	var op *net.OpError
	if errors.As(err, &op) && op.Addr != nil {
		return op.Addr.String()
	}
	return ""
}

func inHosts(addr string, hosts []string) bool {
	for _, h := range hosts {
		if h == addr {
			return true
		}
	}
	return false
}

// redisAddr is the address to probe after a failure: the failed one, or the
// URL's first host or socket.
func redisAddr(cfg core.Config, err error) [2]string {
	if a := failedAddr(err); a != "" {
		return [2]string{"tcp", a}
	}
	if cfg.Socket != "" {
		return [2]string{"unix", cfg.Socket}
	}
	if len(cfg.Hosts) > 0 {
		return [2]string{"tcp", cfg.Hosts[0]}
	}
	return [2]string{"tcp", "localhost:6379"}
}

// diagnoseClosed is called when a redis server closed the connection: it
// connects once more, sends PING and reads the first line, to tell a redis
// in protected mode (-DENIED, sent on accept), a memcached (ERROR) and a
// TLS-only port apart.
func diagnoseClosed(ctx context.Context, cfg core.Config, err error) (*Kind, string, string) {
	closed := "the server closed the connection"
	if cfg.TLS {
		return ErrFailed, closed + "; is this a TLS port? (a plain port closes a TLS handshake like this)", ""
	}
	addr := redisAddr(cfg, err)
	line, perr := probe(ctx, addr[0], addr[1], "PING\r\n")
	switch {
	case perr == nil && strings.HasPrefix(line, "-DENIED"):
		return ErrDenied, deniedMsg, strings.TrimPrefix(firstSentence(line), "-")
	case perr == nil && line == "ERROR":
		v := memcachedAt(ctx, addr)
		if v == "" {
			return ErrMismatch, "the server does not speak the redis protocol (it answers PING with ERROR, as memcached does); check the port", ""
		}
		return ErrMismatch, fmt.Sprintf("the server does not speak the redis protocol: it is memcached %s; use memcached://", v), ""
	case perr == nil && strings.HasPrefix(line, "-"):
		return ErrFailed, closed, strings.TrimPrefix(firstSentence(line), "-")
	}
	return ErrFailed, closed + " without a reply; if the server only speaks TLS, use rediss://", ""
}

// memcachedAt asks addr for its memcached version; "" when it is not
// memcached (or does not answer).
func memcachedAt(ctx context.Context, addr [2]string) string {
	line, err := probe(ctx, addr[0], addr[1], "version\r\n")
	if v, ok := strings.CutPrefix(line, "VERSION "); err == nil && ok {
		return v
	}
	return ""
}

// probe connects to addr, writes req and returns the first line of the
// answer, within the context's deadline and at most a second; it gives up
// when the context is cancelled.
func probe(ctx context.Context, network, addr, req string) (string, error) {
	ctx, cancel := context.WithTimeout(ctx, time.Second)
	defer cancel()
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

// classifyNet recognises the failures of the network and of TLS, with
// hints in the words of the backend ("redis" or "memcached").
func classifyNet(ctx context.Context, err error, cfg core.Config, backend string) (kind *Kind, msg, detail string, ok bool) {
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
	port := map[string]string{"redis": "6379", "memcached": "11211"}[backend]
	text := err.Error()
	var plain *plainPortError
	switch {
	case errors.As(err, &plain):
		m := "the port does not speak TLS: it answers in plain text"
		if strings.HasPrefix(plain.reply, "+") || strings.HasPrefix(plain.reply, "-") {
			m = "the port does not speak TLS: it is a plain redis port"
		}
		return ErrTLS, m + "; use redis:// for it, or the server's TLS port (tls-port in redis.conf)", firstSentence(strings.TrimPrefix(plain.reply, "-")), true
	case errors.Is(err, context.DeadlineExceeded) || errors.As(err, &netErr) && netErr.Timeout() || ctx.Err() != nil:
		m := "no answer in time; check the host and port, firewalls, and that " + backend + " is up"
		if cfg.TLS {
			m += " (and, with TLS, that the port speaks TLS)"
		}
		return ErrTimeout, m, "", true
	case errors.Is(err, syscall.ECONNREFUSED):
		return ErrRefused, fmt.Sprintf("connection refused; is %s running, and is the port right (%s is its default)?", backend, port), "", true
	case errors.Is(err, syscall.ENOENT) && cfg.Socket != "":
		return ErrRefused, "no unix socket at " + cfg.Socket + "; is " + backend + " running with that socket path?", "", true
	case (errors.Is(err, syscall.EACCES) || errors.Is(err, syscall.EPERM)) && cfg.Socket != "":
		return ErrRefused, "permission denied on the unix socket " + cfg.Socket + "; check its mode and owner", "", true
	case errors.As(err, &dnsErr):
		return ErrResolve, fmt.Sprintf("cannot resolve %q; check the host name (and DNS)", dnsErr.Name), "", true
	case errors.As(err, &unknownCA) || errors.As(err, &verifyErr) || errors.As(err, &invalid):
		return ErrTLS, "the server's certificate is not trusted; give the CA with ssl_ca_certs=/path/ca.pem (or, for testing only, ssl_cert_reqs=none)", tlsDetail(err), true
	case errors.As(err, &hostErr):
		return ErrTLS, "the server's certificate does not match the host name; connect by the name in the certificate", "", true
	case errors.As(err, &recordErr):
		return ErrTLS, "the server did not answer with TLS; use redis:// for a plain port, or the server's TLS port", "", true
	case errors.As(err, &alert) || strings.Contains(text, "tls: "):
		return ErrTLS, "the TLS handshake failed; if the server requires a client certificate, give ssl_certfile and ssl_keyfile", firstLine(text), true
	case errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, syscall.ECONNRESET) || errors.Is(err, syscall.EPIPE):
		return ErrFailed, "the server closed the connection", "", true
	}
	return nil, "", "", false
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

// firstSentence shortens a long server reply (redis's DENIED is a
// paragraph) to its first sentence.
func firstSentence(s string) string {
	if i := strings.Index(s, ". "); i > 0 {
		return s[:i+1]
	}
	return s
}

// ---- memcached ----

func checkMemcached(ctx context.Context, cfg core.Config, o options, res *Result) error {
	var mopts []gomemcache.Option
	if o.allowUnknown {
		mopts = append(mopts, gomemcache.AllowUnknownOptions())
	}
	network := "tcp"
	if cfg.Socket != "" {
		network = "unix"
		res.Target = "unix socket " + cfg.Socket
	} else if servers, err := gomemcache.Servers(cfg); err == nil {
		res.Target = strings.Join(servers, ", ")
	}
	client, err := gomemcache.New(cfg, mopts...)
	if err != nil {
		var de *net.DNSError
		if errors.As(err, &de) || errors.Is(err, gomemcache.ErrResolve) {
			return &Error{Kind: ErrResolve, Target: res.Target, Msg: "cannot resolve a server name; check the host names (and DNS)", Err: err}
		}
		return configError(err)
	}
	c, err := openCache(ctx, cfg, client)
	if err != nil {
		client.Close()
		return configError(err)
	}
	defer c.Close() // closes client
	// gomemcache bounds each call by Client.Timeout, not by a context: cap
	// it at the time left.
	left := time.Until(deadline(ctx))
	if client.Timeout <= 0 {
		client.Timeout = memcache.DefaultTimeout
	}
	client.Timeout = max(min(client.Timeout, left), time.Millisecond)
	servers, _ := gomemcache.Servers(cfg)
	start := time.Now()
	var versions []string
	for _, addr := range servers {
		v, err := memcachedVersion(ctx, network, addr)
		if err != nil {
			return classifyMemcached(ctx, err, addr, cfg)
		}
		versions = append(versions, v)
	}
	res.Connect = time.Since(start)
	res.Server = "memcached " + strings.Join(dedupe(versions), ", ")
	d, ok, err := roundTrip(ctx, c)
	if err != nil {
		return classifyMemcached(ctx, err, res.Target, cfg)
	}
	res.RoundTrip = d
	if !ok {
		return &Error{Kind: ErrRoundTrip, Target: res.Target, Msg: "get returned a different value than set stored"}
	}
	return nil
}

// replyError is a reply to the version command that is not VERSION.
type replyError struct{ line string }

func (e *replyError) Error() string { return fmt.Sprintf("unexpected reply to version: %q", e.line) }

// memcachedVersion asks one server for its version with the text protocol.
func memcachedVersion(ctx context.Context, network, addr string) (string, error) {
	var d net.Dialer
	conn, err := d.DialContext(ctx, network, addr)
	if err != nil {
		return "", err
	}
	defer conn.Close()
	conn.SetDeadline(deadline(ctx))
	if _, err := io.WriteString(conn, "version\r\n"); err != nil {
		return "", err
	}
	line, err := bufio.NewReader(io.LimitReader(conn, 4096)).ReadString('\n')
	line = strings.TrimRight(line, "\r\n")
	if err != nil && line == "" {
		return "", err
	}
	v, ok := strings.CutPrefix(line, "VERSION ")
	if !ok {
		return "", &replyError{line}
	}
	return v, nil
}

// classifyMemcached turns a memcached failure into an actionable *Error,
// in memcached's terms.
func classifyMemcached(ctx context.Context, err error, target string, cfg core.Config) error {
	e := &Error{Kind: ErrFailed, Target: target, Err: err}
	var re *replyError
	switch {
	case errors.As(err, &re) && strings.HasPrefix(re.line, "-DENIED"):
		e.Kind, e.Detail = ErrDenied, strings.TrimPrefix(firstSentence(re.line), "-")
		e.Msg = "this is not memcached but a redis server, in protected mode; point the URL at memcached's port (11211 by default)"
	case errors.As(err, &re) && (strings.HasPrefix(re.line, "-") || strings.HasPrefix(re.line, "+")):
		e.Kind, e.Detail = ErrMismatch, strings.TrimPrefix(firstSentence(re.line), "-")
		e.Msg = "the server answered in the redis protocol: this is redis, not memcached; use redis:// for it, or memcached's port (11211 by default)"
	case errors.As(err, &re):
		e.Kind, e.Detail = ErrMismatch, firstSentence(re.line)
		e.Msg = "the server does not answer the memcached version command; is this memcached's port (11211 by default)?"
	case errors.Is(err, memcache.ErrServerError):
		e.Msg, e.Detail = "memcached reported an error", firstLine(err.Error())
	default:
		k, m, detail, ok := classifyNet(ctx, err, cfg, "memcached")
		if !ok {
			e.Msg, e.Detail = "the check failed", firstLine(err.Error())
			return e
		}
		e.Kind, e.Msg, e.Detail = k, m, detail
		if k == ErrFailed {
			e.Msg = "the server closed the connection without answering; is this memcached's port (11211 by default)? " +
				"gomemcache speaks plain TCP, so a TLS-only port closes like this too"
		}
	}
	return e
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

// ---- locmem, dummy ----

// checkLocal checks a locmem:// or dummy:// config and round-trips through
// the portable cache's in-process store, as every backend does. An
// in-process cache takes no options: the cache package rejects them unless
// they are allowed.
func checkLocal(ctx context.Context, cfg core.Config, o options, res *Result) error {
	res.Target = "in-process"
	start := time.Now()
	var copts []cache.Option
	if o.allowUnknown {
		copts = append(copts, cache.AllowUnknownOptions())
	}
	c, err := newCache(ctx, cfg, nil, copts...)
	if err != nil {
		return configError(err)
	}
	defer c.Close()
	res.Connect = time.Since(start)
	d, ok, err := roundTrip(ctx, c)
	if err != nil {
		return &Error{Kind: ErrFailed, Target: res.Target, Msg: "the check failed", Detail: err.Error(), Err: err}
	}
	res.RoundTrip = d
	secs, isSeconds := cfg.TTL.Seconds()
	if cfg.Backend == core.BackendDummy || isSeconds && secs == 0 {
		res.Server = "no-op cache"
		res.Note = "this cache stores nothing (dummy://, or timeout=0): every get misses, as in Django"
		return nil
	}
	ttl := "entries never expire"
	switch {
	case !cfg.TTL.IsSet():
		ttl = "TTL " + cache.DefaultTTL.String()
	case !cfg.TTL.Never():
		d, _ := cfg.TTL.Duration()
		ttl = "TTL " + d.String()
	}
	entries := cache.DefaultMaxEntries
	if cfg.MaxEntries != nil {
		entries = *cfg.MaxEntries
	}
	res.Server = fmt.Sprintf("in-process LRU (%d entries, %s)", entries, ttl)
	if !ok {
		return &Error{Kind: ErrRoundTrip, Target: res.Target, Msg: "get did not return what set stored"}
	}
	return nil
}

// configError wraps a client package's (or core's) error about the config.
func configError(err error) error {
	return &Error{Kind: ErrConfig, Msg: err.Error(), Err: err}
}

// ---- secrets ----

// scrub makes sure no secret of cfg appears in an error: a secret of 3 bytes
// or more is replaced by [core.Redacted] everywhere (the check's own words,
// the target, the server's words); a shorter one cannot be cut out of a text
// without mangling it, so a server's or library's text that contains it is
// withheld, and the check's own words are kept (they are written by this
// package, from the config's redacted form and fixed text).
func scrub(err error, cfg core.Config) error {
	var e *Error
	if !errors.As(err, &e) {
		e = &Error{Kind: ErrFailed, Msg: "the check failed", Detail: err.Error(), Err: err}
	}
	out := *e
	for _, s := range secrets(cfg) {
		if len(s) >= 3 {
			out.Msg = strings.ReplaceAll(out.Msg, s, core.Redacted)
			out.Target = strings.ReplaceAll(out.Target, s, core.Redacted)
			out.Detail = strings.ReplaceAll(out.Detail, s, core.Redacted)
		} else if strings.Contains(out.Detail, s) {
			out.Detail = "the server's words are withheld: they may contain the password"
		}
	}
	out.Msg, out.Target, out.Detail = Printable(out.Msg), Printable(out.Target), Printable(out.Detail)
	return &out
}

// Printable returns s with every control character (C0, DEL, C1) and
// format character (bidirectional overrides, ...) written as its Go escape
// (\x1b, \a, \u009b, \u202e), and every byte that is not UTF-8 as \xNN,
// so that a server's words cannot drive the terminal they are printed on
// (ESC ] 0 ; ... BEL sets a terminal's title, ESC [ 2 J clears it). Text
// without such characters is returned as it is. Every string of a check's
// [Result] and [*Error] has been through it.
func Printable(s string) string {
	i := 0
	for i < len(s) {
		r, n := utf8.DecodeRuneInString(s[i:])
		if !printableRune(r, n) {
			break
		}
		i += n
	}
	if i == len(s) {
		return s
	}
	b := make([]byte, 0, len(s)+16)
	b = append(b, s[:i]...)
	for i < len(s) {
		r, n := utf8.DecodeRuneInString(s[i:])
		switch {
		case printableRune(r, n):
			b = append(b, s[i:i+n]...)
		case r == utf8.RuneError && n == 1:
			b = append(b, `\x`...)
			b = append(b, "0123456789abcdef"[s[i]>>4], "0123456789abcdef"[s[i]&15])
		default:
			q := strconv.QuoteRuneToASCII(r) // '\x1b', '\u202e'
			b = append(b, q[1:len(q)-1]...)
		}
		i += n
	}
	return string(b)
}

func printableRune(r rune, size int) bool {
	if r < utf8.RuneSelf {
		return r >= ' ' && r != 0x7f
	}
	return !(r == utf8.RuneError && size == 1) && unicode.IsPrint(r)
}

// secrets are the config's non-empty secrets: the password and the value of
// every credential option.
func secrets(cfg core.Config) []string {
	var out []string
	if cfg.Password != "" {
		out = append(out, cfg.Password)
	}
	for k, v := range cfg.Options {
		if v != "" && core.IsCredentialOption(k) {
			out = append(out, v)
		}
	}
	return out
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
	if r.Attempts > 1 {
		fmt.Fprintf(&b, "attempts:    %d\n", r.Attempts)
	}
	if r.Note != "" {
		fmt.Fprintf(&b, "note:        %s\n", r.Note)
	}
	return b.String()
}
