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
// Failures are [*Error] values whose Kind says what happened: the runtime
// kinds of package clients, which package cache's operation errors have too
// (clients.ErrRefused, clients.ErrTimeout, clients.ErrCanceled,
// clients.ErrResolve, clients.ErrAuth, clients.ErrDenied, clients.ErrTLS,
// clients.ErrUnknownMaster, clients.ErrMismatch, clients.ErrLoading,
// clients.ErrClosed, clients.ErrFailed), clients.ErrNoGoClient for a Django
// backend with no Go client, and the check's own [ErrConfig] and
// [ErrRoundTrip]. The classification is the one package cache uses
// (internal/classify); the check adds what its probes of the server tell.
// The message says what to do about it, in memcached's terms for
// memcached. A failure at a master or node other than the ones in the URL
// (the master a Sentinel reported, a cluster node from the slot map) names
// that address. No message contains a secret of the config: what a server
// or client library said is redacted with [core.RedactText] (see [Error]),
// and no string of a [Result] or an [*Error] holds a control character: a
// server's words are escaped ([core.Printable]), so printing them is safe.
//
// A rediss:// URL at a port that speaks plain text fails as
// clients.ErrTLS at once, not as clients.ErrTimeout when the deadline
// passes: a plain redis waits for the end of the command line a TLS
// ClientHello seems to start, so a handshake that stalls is followed by a
// plain-text PING to the same port, and a plain-text reply ends the check.
package check

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/cacheurl/cacheurl/cache"
	"github.com/cacheurl/cacheurl/clients"
	"github.com/cacheurl/cacheurl/core"
	"github.com/cacheurl/cacheurl/internal/clientcfg"
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

// The check's own kinds. A check's other failures have the runtime kinds
// of package clients, the values package cache's operation errors have
// (errors.Is(err, clients.ErrRefused) holds for both), and a Django backend
// with no Go client is clients.ErrNoGoClient.
var (
	// ErrConfig: the config cannot be used by the Go client (an unknown
	// option, a hand-built config that Normalize rejects). Err is the
	// client package's or core's error, whose kind matches too.
	ErrConfig = core.NewKind("config", "the URL cannot be used by the Go client", nil)
	// ErrRoundTrip: the server answered, but reading the test key back did
	// not return what was stored.
	ErrRoundTrip = core.NewKind("round_trip", "round trip returned the wrong value", nil)
)

// Error is a failed check.
type Error struct {
	// Kind is a runtime kind of package clients, clients.ErrNoGoClient,
	// ErrConfig or ErrRoundTrip.
	Kind *core.Kind
	// Target is where the check tried to connect ("127.0.0.1:6379 db 0",
	// "master mymaster at 10.0.0.5:6379 (reported by the sentinels)").
	Target string
	// Msg says what happened and what to try, in the check's own words.
	Msg string
	// Detail is what the server or the client library said ("ERR DB index
	// is out of range"), with every secret of the config redacted
	// ([core.RedactText]) and every control character escaped
	// ([core.Printable]); "" when there is nothing to add.
	Detail string
	// Err is the underlying error, its text redacted as Detail is
	// ([core.RedactError]). Error does not print it: Msg and Detail say
	// what it means.
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
	n, err := clientcfg.Normalize("", cfg) // the check's message has no package prefix
	if err != nil {
		kind := ErrConfig
		if errors.Is(err, clients.ErrNoGoClient) {
			kind = clients.ErrNoGoClient
		}
		return res, report(&Error{Kind: kind, Msg: err.Error(), Err: err}, cfg)
	}
	cfg = n
	res.URL, res.Backend, res.Topology = cfg.Redacted(), cfg.Backend, cfg.Topology
	switch cfg.Backend {
	case core.BackendRedis:
		err = checkRedis(ctx, cfg, o, &res)
	case core.BackendMemcached:
		err = checkMemcached(ctx, cfg, o, &res)
	default:
		err = checkLocal(ctx, cfg, o, &res)
	}
	if err != nil {
		return res, report(err, cfg)
	}
	res.Target, res.Server, res.Note = core.Printable(res.Target), core.Printable(res.Server), core.Printable(res.Note)
	return res, nil
}

// roundTrip stores a random key through the portable cache, reads it back
// and deletes it, and records the time it took in res: one code path for
// every backend. A failure of the cache is fail's error; a value read back
// that differs is an ErrRoundTrip error.
func roundTrip(ctx context.Context, c *cache.Cache, res *Result, fail func(error) error) error {
	key, val := randomKey()
	start := time.Now()
	if err := c.Set(ctx, key, []byte(val), cache.WithTTL(core.TTLSeconds(30))); err != nil {
		return fail(err)
	}
	got, err := c.Get(ctx, key)
	if err != nil && !errors.Is(err, cache.ErrNotFound) {
		return fail(err)
	}
	found := err == nil
	if _, err := c.Delete(ctx, key); err != nil {
		return fail(err)
	}
	res.RoundTrip = time.Since(start)
	if !found || string(got) != val {
		return &Error{Kind: ErrRoundTrip, Target: res.Target, Msg: "the value read back is not the one stored"}
	}
	return nil
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
	err = roundTrip(ctx, c, res, func(err error) error {
		return &Error{Kind: clients.ErrFailed, Target: res.Target, Msg: "the check failed", Detail: err.Error(), Err: err}
	})
	if secs, isSeconds := cfg.TTL.Seconds(); cfg.Backend == core.BackendDummy || isSeconds && secs == 0 {
		res.Server = "no-op cache"
		res.Note = "this cache stores nothing (dummy://, or timeout=0): every get misses, as in Django"
		if errors.Is(err, ErrRoundTrip) {
			err = nil
		}
		return err
	}
	ttl := "entries never expire"
	if d, ok := cfg.TTL.OrDefault().Duration(); ok {
		ttl = "TTL " + d.String()
	}
	res.Server = fmt.Sprintf("in-process LRU (%d entries, %s)", cfg.MaxEntriesOrDefault(), ttl)
	return err
}

// configError wraps a client package's (or core's) error about the config.
func configError(err error) error {
	return &Error{Kind: ErrConfig, Msg: err.Error(), Err: err}
}

// report returns err as a check's *Error, safe to print: what a server or
// client library said (Detail) with every secret of cfg redacted, and
// every string escaped ([core.Printable]). The check's own words (Msg, Target)
// are written from fixed text and the normalized config, which holds no
// secret outside its password and credential options.
func report(err error, cfg core.Config) error {
	var e *Error
	if !errors.As(err, &e) {
		e = &Error{Kind: clients.ErrFailed, Msg: "the check failed", Detail: err.Error(), Err: err}
	}
	out := *e
	out.Detail, out.Err = core.RedactText(out.Detail, cfg), core.RedactError(out.Err, cfg)
	out.Msg, out.Target, out.Detail = core.Printable(out.Msg), core.Printable(out.Target), core.Printable(out.Detail)
	return &out
}
