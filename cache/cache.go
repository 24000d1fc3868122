// Package cache is one portable cache API over every backend a CACHE_URL can
// name (redis, memcached, locmem, dummy), with Django's cache semantics:
//
//   - keys are made by Django's default_key_func, "<key_prefix>:<version>:<key>"
//     (version 1 by default; no prefix gives ":1:key"); a URL with
//     key_function needs [WithKeyFunc], else [Open] fails;
//   - the expiry is the call's [WithTTL] or [WithExpiry], else the URL's
//     timeout, else 300 s; never keeps the entry; 0 or a negative expiry
//     stores nothing and removes an existing entry; on memcached, expiries
//     over 30 days are sent as absolute times;
//   - a miss is [ErrNotFound]; Add reports whether it stored, Delete and Touch
//     whether the key existed; Incr and Decr on a missing key are ErrNotFound
//     and keep the entry's expiry;
//   - the rest of Django's API: [Cache.GetOrSet] (one fill per missing key
//     per process), [Cache.IncrVersion] and [Cache.DecrVersion], and a
//     version per call through [Cache.Version];
//   - batches are one round trip where the server has one (MGET, one per
//     hash slot on a Cluster; a MULTI/EXEC of SETs; one DEL; memcached's
//     multi-get);
//   - every operation returns within a small margin of its context's
//     deadline, and at once on a cancelled context (see docs/cache.md for
//     how each driver does it); an operation's error other than a miss is
//     a [*clients.Error] naming the cache (its redacted URL) and the kind
//     (clients.ErrTimeout, clients.ErrRefused, clients.ErrAuth, ...);
//   - values are bytes stored as given; counters are decimal text; an
//     [Item] adds memcached's flags word ([WithFlags], [Cache.GetItem]),
//     for codecs such as package cache/django;
//   - Clear removes only keys starting with "<key_prefix>:" on redis (SCAN on
//     every master, never FLUSHDB) and is flush_all on memcached;
//   - memcached keys that memcached cannot store are [ErrInvalidKey].
//
// The drivers: redis (standalone, TLS, unix socket, Sentinel, Cluster) through
// clients/goredis, memcached through clients/gomemcache, locmem on the
// in-process store of package [github.com/cacheurl/cacheurl/cache/locmem],
// and dummy. Package [github.com/cacheurl/cacheurl/cache/cachetest] is the
// conformance suite every driver passes against real servers. See
// docs/cache.md.
package cache

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/bradfitz/gomemcache/memcache"
	"github.com/redis/go-redis/v9"

	"github.com/cacheurl/cacheurl/clients"
	"github.com/cacheurl/cacheurl/core"
	"github.com/cacheurl/cacheurl/internal/classify"
	"github.com/cacheurl/cacheurl/internal/clientcfg"
)

// The errors of the cache's own rules, each a [core.Kind] with a code: a
// miss is the sentinel itself (a miss allocates nothing); the others wrap
// it with the key or name concerned. An operation's other errors are
// [*clients.Error] values with the runtime kinds of package clients; New's
// config errors are [*clients.Error] values too.
var (
	// ErrNotFound is a miss.
	ErrNotFound = core.NewKind("not_found", "cache: key not found", nil)
	// ErrInvalidKey is a key the backend cannot store (memcached: more than
	// 250 bytes after making, or a space or control character).
	ErrInvalidKey = core.NewKind("invalid_key", "cache: invalid key", nil)
	// ErrKeyFunction is a URL with key_function opened without WithKeyFunc.
	ErrKeyFunction = core.NewKind("key_function", "cache: key_function needs WithKeyFunc", nil)
	// ErrNotInteger is Incr on a value that is not decimal integer text.
	ErrNotInteger = core.NewKind("not_integer", "cache: value is not an integer", nil)
)

// Option configures Open and New.
type Option func(*options)

type options struct {
	keyFunc      func(key, keyPrefix string, version int) string
	client       any
	allowUnknown bool
}

// AllowUnknownOptions makes URL options the driver does not know ignored
// instead of an error (the client packages' AllowUnknownOptions for redis
// and memcached; locmem and dummy take no options at all). Without it a
// typo such as max_entires is an error matching clients.ErrUnknownOption.
func AllowUnknownOptions() Option { return func(o *options) { o.allowUnknown = true } }

// WithKeyFunc sets the function that makes stored keys (Django's
// KEY_FUNCTION). It is required when the URL has key_function.
func WithKeyFunc(f func(key, keyPrefix string, version int) string) Option {
	return func(o *options) { o.keyFunc = f }
}

// WithClient makes the cache use client instead of building one from the
// URL: a redis.UniversalClient (*redis.Client, *redis.ClusterClient) for a
// redis URL, a *memcache.Client for a memcached URL; for a client built
// with settings of its own (timeouts, a dialer). The URL still gives the
// key making and the default expiry. The cache owns the client: Close
// closes it.
func WithClient(client any) Option {
	return func(o *options) { o.client = client }
}

// SetOption configures one write.
type SetOption func(*setOptions)

type setOptions struct {
	ttl core.TTL
	// d is WithExpiry's duration; set when hasD.
	d    time.Duration
	hasD bool
	// lock is WithFillLock's lock lifetime (GetOrSet only).
	lock time.Duration
	// flags is WithFlags's memcached flags word.
	flags uint32
}

// WithTTL sets the expiry of this call: core.NeverExpire keeps the entry,
// core.TTLSeconds(0) stores nothing and removes an existing entry. An unset
// TTL means the cache's default.
func WithTTL(ttl core.TTL) SetOption {
	return func(o *setOptions) { o.ttl, o.hasD = ttl, false }
}

// WithExpiry sets the expiry of this call as a duration, which may be
// negative (core.TTL cannot be): like Django's int(timeout) it is truncated
// to whole seconds, and an expiry below one second (0 or negative) stores
// nothing and removes an existing entry.
func WithExpiry(d time.Duration) SetOption {
	return func(o *setOptions) { o.d, o.hasD = d, true }
}

// expiry is a resolved expiry: never, a positive duration, or remove (0).
type expiry struct {
	never bool
	secs  int64 // > 0 when !never and !remove
}

func (e expiry) remove() bool { return !e.never && e.secs <= 0 }

func (e expiry) duration() time.Duration { return time.Duration(e.secs) * time.Second }

// LocmemKey is a key as the drivers see it, and how the locmem driver keys
// its store (see [Cache.As]): the stored key is Prefix+Name. Prefix is
// "<key_prefix>:<version>:" and Name the caller's key, or, with a key
// function, Prefix is "" and Name the made key. Keyed by the pair, the
// in-process store is read without making a string; the server drivers
// send the concatenation.
type LocmemKey struct {
	Prefix string
	Name   string
}

// key is the drivers' name for LocmemKey.
type key = LocmemKey

func (k key) made() string {
	if k.Prefix == "" {
		return k.Name
	}
	return k.Prefix + k.Name
}

// driver is the per-backend implementation; keys are already made (and
// valid for the backend).
type driver interface {
	get(ctx context.Context, k key) ([]byte, error)
	set(ctx context.Context, k key, value []byte, e expiry) error
	add(ctx context.Context, k key, value []byte, e expiry) (bool, error)
	delete(ctx context.Context, k key) (bool, error)
	has(ctx context.Context, k key) (bool, error)
	// getMany returns the values of the keys present, by index in keys.
	getMany(ctx context.Context, keys []key) (map[int][]byte, error)
	setMany(ctx context.Context, keys []key, values [][]byte, e expiry) error
	deleteMany(ctx context.Context, keys []key) error
	incr(ctx context.Context, k key, delta int64) (int64, error)
	touch(ctx context.Context, k key, e expiry) (bool, error)
	clear(ctx context.Context, prefix string) error
	close() error
	as(target any) bool
	validKey(k key) error
}

// Cache is the portable cache. It is safe for concurrent use.
//
// [Cache.Version] returns a view of the same cache whose keys have another
// version (Django's version= argument); every other method works on the
// cache's own version.
type Cache struct {
	*shared
	version int
	pre     string // "<key_prefix>:<version>:", or "" with a key function
}

// shared is what a cache and its views have in common.
type shared struct {
	d       driver
	prefix  string
	keyFunc func(key, keyPrefix string, version int) string
	ttl     core.TTL
	// url is the redacted URL, srv what classify needs: an error of an
	// operation names the cache and says what to do. cfg's secrets are
	// redacted from what a server or a client library says.
	url     string
	srv     classify.Server
	cfg     core.Config
	flights flights
}

// Open parses rawURL and returns its cache; see [New].
func Open(ctx context.Context, rawURL string, opts ...Option) (*Cache, error) {
	cfg, err := core.Parse(rawURL)
	if err != nil {
		return nil, err
	}
	return New(ctx, cfg, opts...)
}

// New returns the cache cfg describes, after [core.Config.Normalize] (so a
// hand-made config with only Scheme and Hosts set works). A config Normalize
// rejects is an error matching [clients.ErrInvalidConfig] (and core's
// kind); backends with no Go client (file, db, uwsgicache) are an error
// matching [clients.ErrNoGoClient], as in the client packages.
func New(ctx context.Context, cfg core.Config, opts ...Option) (*Cache, error) {
	var o options
	for _, f := range opts {
		f(&o)
	}
	cfg, err := clientcfg.Normalize("cache", cfg)
	if err != nil {
		return nil, err
	}
	if cfg.KeyFunction != "" && o.keyFunc == nil {
		return nil, fmt.Errorf("%w: the URL names key_function %q", ErrKeyFunction, truncate(cfg.KeyFunction))
	}
	sh := &shared{prefix: cfg.KeyPrefix, keyFunc: o.keyFunc, ttl: cfg.TTL.OrDefault(), url: cfg.Redacted(), cfg: cfg,
		srv: classify.For(cfg)}
	version := cfg.VersionOrDefault()
	if o.client != nil && cfg.Backend != core.BackendRedis && cfg.Backend != core.BackendMemcached {
		return nil, fmt.Errorf("cache: WithClient on a %s URL: only redis and memcached take a client", cfg.Backend)
	}
	switch cfg.Backend {
	case core.BackendRedis:
		if o.client != nil {
			rc, ok := o.client.(redis.UniversalClient)
			if !ok {
				return nil, fmt.Errorf("cache: WithClient(%T) on a redis URL: want a redis.UniversalClient", o.client)
			}
			sh.d = newRedisDriver(rc)
			break
		}
		sh.d, err = newRedis(ctx, cfg, o.allowUnknown)
	case core.BackendMemcached:
		if o.client != nil {
			mc, ok := o.client.(*memcache.Client)
			if !ok {
				return nil, fmt.Errorf("cache: WithClient(%T) on a memcached URL: want a *memcache.Client", o.client)
			}
			sh.d = &memcached{c: mc, now: time.Now}
			break
		}
		sh.d, err = newMemcached(ctx, cfg, o.allowUnknown)
	case core.BackendLocmem:
		if err := noOptions(cfg, o.allowUnknown); err != nil {
			return nil, err
		}
		sh.d, err = newLocmemDriver(cfg)
	case core.BackendDummy:
		if err := noOptions(cfg, o.allowUnknown); err != nil {
			return nil, err
		}
		sh.d = dummy{}
	}
	if err != nil {
		return nil, err
	}
	return sh.view(version), nil
}

// view returns the cache of version v on sh.
func (sh *shared) view(v int) *Cache {
	c := &Cache{shared: sh, version: v}
	if sh.keyFunc == nil {
		c.pre = sh.prefix + ":" + strconv.Itoa(v) + ":"
	}
	return c
}

// Version returns a view of c whose keys have version v (Django's
// version= argument of every cache method): c.Version(3).Get(ctx, "k")
// reads "<key_prefix>:3:k". The view shares c's connection, settings and
// in-process state; it makes no connection of its own, so there is nothing
// to close (Close on a view closes the cache, as on c). Keep a view for
// repeated use: making one allocates, using it does not.
func (c *Cache) Version(v int) *Cache {
	if v == c.version {
		return c
	}
	return c.view(v)
}

// CurrentVersion returns the version of c's keys: the URL's version (1 by
// default), or the one given to [Cache.Version].
func (c *Cache) CurrentVersion() int { return c.version }

// noOptions rejects the options of an in-process URL, which has none.
func noOptions(cfg core.Config, allow bool) error {
	if allow || len(cfg.Options) == 0 {
		return nil
	}
	names := make([]string, 0, len(cfg.Options))
	for k := range cfg.Options {
		names = append(names, k)
	}
	sort.Strings(names)
	q := make([]string, len(names))
	for i, n := range names {
		q[i] = strconv.Quote(truncate(n))
	}
	return &clients.Error{Package: "cache", Kind: clients.ErrUnknownOption, Options: names, URL: cfg.Redacted(),
		Msg: fmt.Sprintf("unknown option(s) %s: %s takes only Django's cache arguments (timeout, max_entries, cull_frequency, "+
			"key_prefix, version, key_function); fix the name, or pass cache.AllowUnknownOptions() to ignore it",
			strings.Join(q, ", "), cfg.Backend)}
}

func truncate(s string) string {
	if len(s) > 64 {
		return s[:64] + "…"
	}
	return s
}

// MakeKey returns the key as stored on the server.
func (c *Cache) MakeKey(key string) string { return c.key(key).made() }

func (c *Cache) key(name string) key {
	if c.keyFunc != nil {
		return key{Name: c.keyFunc(name, c.prefix, c.version)}
	}
	return key{Prefix: c.pre, Name: name}
}

func (c *Cache) makeKey(name string) (key, error) {
	k := c.key(name)
	if err := c.d.validKey(k); err != nil {
		return key{}, err
	}
	return k, nil
}

// fail returns err as the error of operation op: a miss, an invalid key and
// a value that is not an integer as they are (they are the caller's, and a
// miss costs nothing); anything else as a [*clients.Error] that names the
// cache (its redacted URL) and the kind (clients.ErrTimeout,
// clients.ErrRefused, clients.ErrAuth, ...), and that matches
// context.DeadlineExceeded or context.Canceled when the context ended the
// call.
func (c *Cache) fail(ctx context.Context, op string, err error) error {
	if err == nil || err == ErrNotFound || errors.Is(err, ErrInvalidKey) || errors.Is(err, ErrNotInteger) {
		return err
	}
	var ce *clients.Error
	if errors.As(err, &ce) && ce.Package == "cache" {
		return err // already an operation's error (GetOrSet's fill path)
	}
	// A socket deadline set from the context's deadline can fire a moment
	// before the context reports it: the cause is the deadline all the same.
	cerr := ctx.Err()
	if d, ok := ctx.Deadline(); ok && cerr == nil && !time.Now().Before(d) {
		cerr = context.DeadlineExceeded
	}
	cause := err
	if cerr != nil && !errors.Is(err, cerr) {
		cause = fmt.Errorf("%w: %w", cerr, err)
	}
	var r classify.Result
	switch c.srv.Backend {
	case string(core.BackendMemcached):
		r = classify.Memcached(ctx, cause, c.srv)
	default:
		r = classify.Redis(ctx, cause, c.srv)
	}
	// r.Detail, the server's words, is the end of the cause, printed last.
	return &clients.Error{Package: "cache", Op: op, Kind: r.Kind, URL: c.url, Msg: r.Msg, Err: core.RedactError(cause, c.cfg)}
}

func (c *Cache) expiry(opts []SetOption) expiry {
	t := c.ttl
	if len(opts) > 0 {
		var o setOptions
		for _, f := range opts {
			f(&o)
		}
		if o.hasD {
			return expiry{secs: int64(o.d / time.Second)}
		}
		if o.ttl.IsSet() {
			t = o.ttl
		}
	}
	if t.Never() {
		return expiry{never: true}
	}
	s, _ := t.Seconds() // c.ttl is set: the URL's timeout, or Django's default
	return expiry{secs: s}
}

// Get returns the value of key, or an error matching [ErrNotFound].
func (c *Cache) Get(ctx context.Context, key string) ([]byte, error) {
	k, err := c.makeKey(key)
	if err != nil {
		return nil, err
	}
	v, err := c.d.get(ctx, k)
	if err != nil {
		return nil, c.fail(ctx, "get", err)
	}
	return v, nil
}

// Set stores value under key.
func (c *Cache) Set(ctx context.Context, key string, value []byte, opts ...SetOption) error {
	k, err := c.makeKey(key)
	if err != nil {
		return err
	}
	return c.fail(ctx, "set", c.set(ctx, k, value, opts))
}

// Add stores value only if key is absent and reports whether it stored.
func (c *Cache) Add(ctx context.Context, key string, value []byte, opts ...SetOption) (bool, error) {
	k, err := c.makeKey(key)
	if err != nil {
		return false, err
	}
	ok, err := c.add(ctx, k, value, opts)
	return ok, c.fail(ctx, "add", err)
}

// Delete removes key and reports whether it existed.
func (c *Cache) Delete(ctx context.Context, key string) (bool, error) {
	k, err := c.makeKey(key)
	if err != nil {
		return false, err
	}
	ok, err := c.d.delete(ctx, k)
	return ok, c.fail(ctx, "delete", err)
}

// Has reports whether key is present.
func (c *Cache) Has(ctx context.Context, key string) (bool, error) {
	k, err := c.makeKey(key)
	if err != nil {
		return false, err
	}
	ok, err := c.d.has(ctx, k)
	return ok, c.fail(ctx, "has", err)
}

func (c *Cache) makeKeys(names []string) ([]key, error) {
	keys := make([]key, len(names))
	for i, name := range names {
		k, err := c.makeKey(name)
		if err != nil {
			return nil, err
		}
		keys[i] = k
	}
	return keys, nil
}

// GetMany returns the present keys among keys (keys as given, not made).
// It is one round trip where the server has one: one MGET on redis (one per
// hash slot on a Cluster, pipelined), one multi-get per memcached server.
func (c *Cache) GetMany(ctx context.Context, keys []string) (map[string][]byte, error) {
	made, err := c.makeKeys(keys)
	if err != nil {
		return nil, err
	}
	got, err := c.d.getMany(ctx, made)
	if err != nil {
		return nil, c.fail(ctx, "get_many", err)
	}
	out := make(map[string][]byte, len(got))
	for i, v := range got {
		out[keys[i]] = v
	}
	return out, nil
}

// SetMany stores every item with the same expiry. It is one round trip on
// redis: a MULTI/EXEC transaction of SET ... EX (atomic) on a standalone
// server or Sentinel, pipelined SETs on a Cluster (atomic per key only);
// a removing expiry is one DEL. On memcached it is one set per key.
func (c *Cache) SetMany(ctx context.Context, items map[string][]byte, opts ...SetOption) error {
	keys := make([]key, 0, len(items))
	values := make([][]byte, 0, len(items))
	for name, v := range items {
		k, err := c.makeKey(name)
		if err != nil {
			return err
		}
		keys = append(keys, k)
		values = append(values, v)
	}
	return c.fail(ctx, "set_many", c.setMany(ctx, keys, values, opts))
}

// DeleteMany removes keys: one DEL on redis (one per hash slot on a
// Cluster, pipelined).
func (c *Cache) DeleteMany(ctx context.Context, keys []string) error {
	made, err := c.makeKeys(keys)
	if err != nil {
		return err
	}
	return c.fail(ctx, "delete_many", c.d.deleteMany(ctx, made))
}

// Incr adds delta (negative to decrement) to the decimal counter at key and
// returns the new value; a missing key is [ErrNotFound]; the expiry is kept.
// On memcached a decrement stops at 0, as memcached's decr does.
func (c *Cache) Incr(ctx context.Context, key string, delta int64) (int64, error) {
	k, err := c.makeKey(key)
	if err != nil {
		return 0, err
	}
	n, err := c.d.incr(ctx, k, delta)
	return n, c.fail(ctx, "incr", err)
}

// Decr subtracts delta from the decimal counter at key and returns the new
// value: Django's decr, Incr(ctx, key, -delta).
func (c *Cache) Decr(ctx context.Context, key string, delta int64) (int64, error) {
	k, err := c.makeKey(key)
	if err != nil {
		return 0, err
	}
	n, err := c.d.incr(ctx, k, -delta)
	return n, c.fail(ctx, "decr", err)
}

// Touch sets a new expiry on key and reports whether it existed.
func (c *Cache) Touch(ctx context.Context, key string, opts ...SetOption) (bool, error) {
	k, err := c.makeKey(key)
	if err != nil {
		return false, err
	}
	ok, err := c.d.touch(ctx, k, c.expiry(opts))
	return ok, c.fail(ctx, "touch", err)
}

// IncrVersion moves the value of key from c's version to that version plus
// delta and returns the new version, as Django's incr_version: the value is
// read at the current version (a miss is [ErrNotFound]), stored at the new
// version with the default expiry (the URL's timeout, else 300 s; Django's
// set without a timeout; on memcached with its flags word), and the old
// key is deleted. As in Django it is three operations, not one atomic
// step, and a delta of 0 deletes the value.
func (c *Cache) IncrVersion(ctx context.Context, key string, delta int) (int, error) {
	old, err := c.makeKey(key)
	if err != nil {
		return 0, err
	}
	nv := c.version + delta
	moved := c.Version(nv)
	nk, err := moved.makeKey(key)
	if err != nil {
		return 0, err
	}
	it, err := c.getItem(ctx, old)
	if err != nil {
		return 0, c.fail(ctx, "incr_version", err)
	}
	if err := c.set(ctx, nk, it.Value, []SetOption{WithFlags(it.Flags)}); err != nil {
		return 0, c.fail(ctx, "incr_version", err)
	}
	if _, err := c.d.delete(ctx, old); err != nil {
		return 0, c.fail(ctx, "incr_version", err)
	}
	return nv, nil
}

// DecrVersion is IncrVersion(ctx, key, -delta): Django's decr_version.
func (c *Cache) DecrVersion(ctx context.Context, key string, delta int) (int, error) {
	return c.IncrVersion(ctx, key, -delta)
}

// Clear removes this cache's keys: on redis every key starting with
// "<key_prefix>:" (with an empty key_prefix, every key starting with ":",
// i.e. every key default_key_func makes), of every version; on memcached
// everything (flush_all, as Django); on locmem everything in this cache.
func (c *Cache) Clear(ctx context.Context) error {
	return c.fail(ctx, "clear", c.d.clear(ctx, c.prefix+":"))
}

// Close releases the client; no goroutine is left behind. A view made by
// [Cache.Version] shares the client: closing either closes both.
func (c *Cache) Close() error { return c.d.close() }

// As sets target to the native client when target is a pointer to its type
// (*redis.Client, *redis.ClusterClient, redis.UniversalClient,
// redis.Cmdable, *memcache.Client; for locmem the store,
// *locmem.LRU[cache.LocmemKey, []byte]) and reports whether it did.
func (c *Cache) As(target any) bool { return c.d.as(target) }
