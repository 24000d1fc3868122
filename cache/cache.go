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
//     whether the key existed; Incr on a missing key is ErrNotFound and keeps
//     the entry's expiry;
//   - values are bytes stored as given; counters are decimal text;
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
)

// DefaultTTL is the expiry used when neither the call nor the URL gives one
// (Django's default TIMEOUT).
const DefaultTTL = 300 * time.Second

var (
	// ErrNotFound is a miss.
	ErrNotFound = errors.New("cache: key not found")
	// ErrInvalidKey is a key the backend cannot store (memcached: more than
	// 250 bytes after making, or a space or control character).
	ErrInvalidKey = errors.New("cache: invalid key")
	// ErrUnsupported is a backend with no Go implementation (file, db,
	// uwsgicache).
	ErrUnsupported = errors.New("cache: unsupported backend")
	// ErrKeyFunction is a URL with key_function opened without WithKeyFunc.
	ErrKeyFunction = errors.New("cache: key_function needs WithKeyFunc")
	// ErrNotInteger is Incr on a value that is not decimal integer text.
	ErrNotInteger = errors.New("cache: value is not an integer")
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

// driver is the per-backend implementation; keys are already made.
type driver interface {
	get(ctx context.Context, key string) ([]byte, error)
	set(ctx context.Context, key string, value []byte, e expiry) error
	add(ctx context.Context, key string, value []byte, e expiry) (bool, error)
	delete(ctx context.Context, key string) (bool, error)
	has(ctx context.Context, key string) (bool, error)
	getMany(ctx context.Context, keys []string) (map[string][]byte, error)
	setMany(ctx context.Context, keys []string, values [][]byte, e expiry) error
	deleteMany(ctx context.Context, keys []string) error
	incr(ctx context.Context, key string, delta int64) (int64, error)
	touch(ctx context.Context, key string, e expiry) (bool, error)
	clear(ctx context.Context, prefix string) error
	close() error
	as(target any) bool
	validKey(key string) error
}

// Cache is the portable cache. It is safe for concurrent use.
type Cache struct {
	d       driver
	prefix  string
	version int
	keyFunc func(key, keyPrefix string, version int) string
	ttl     core.TTL
}

// Open parses rawURL and returns its cache; see [New].
func Open(ctx context.Context, rawURL string, opts ...Option) (*Cache, error) {
	cfg, err := core.Parse(rawURL)
	if err != nil {
		return nil, err
	}
	return New(ctx, cfg, opts...)
}

// New returns the cache cfg describes. Backends with no Go implementation
// are an error matching [ErrUnsupported] that names the scheme.
func New(ctx context.Context, cfg core.Config, opts ...Option) (*Cache, error) {
	var o options
	for _, f := range opts {
		f(&o)
	}
	if cfg.KeyFunction != "" && o.keyFunc == nil {
		return nil, fmt.Errorf("%w: the URL names key_function %q", ErrKeyFunction, truncate(cfg.KeyFunction))
	}
	c := &Cache{prefix: cfg.KeyPrefix, version: 1, keyFunc: o.keyFunc, ttl: cfg.TTL}
	if cfg.Version != nil {
		c.version = *cfg.Version
	}
	var err error
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
			c.d = &redisDriver{c: rc}
			break
		}
		c.d, err = newRedis(ctx, cfg, o.allowUnknown)
	case core.BackendMemcached:
		if o.client != nil {
			mc, ok := o.client.(*memcache.Client)
			if !ok {
				return nil, fmt.Errorf("cache: WithClient(%T) on a memcached URL: want a *memcache.Client", o.client)
			}
			c.d = &memcached{c: mc, now: time.Now}
			break
		}
		c.d, err = newMemcached(cfg, o.allowUnknown)
	case core.BackendLocmem:
		if err := noOptions(cfg, o.allowUnknown); err != nil {
			return nil, err
		}
		c.d, err = newLocmemDriver(cfg)
	case core.BackendDummy:
		if err := noOptions(cfg, o.allowUnknown); err != nil {
			return nil, err
		}
		c.d = dummy{}
	default:
		return nil, fmt.Errorf("%w: scheme %q (backend %s) has no Go implementation", ErrUnsupported, truncate(cfg.Scheme), cfg.Backend)
	}
	if err != nil {
		return nil, err
	}
	return c, nil
}

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
func (c *Cache) MakeKey(key string) string {
	if c.keyFunc != nil {
		return c.keyFunc(key, c.prefix, c.version)
	}
	return c.prefix + ":" + strconv.Itoa(c.version) + ":" + key
}

func (c *Cache) makeKey(key string) (string, error) {
	k := c.MakeKey(key)
	if err := c.d.validKey(k); err != nil {
		return "", err
	}
	return k, nil
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
	switch {
	case t.Never():
		return expiry{never: true}
	case !t.IsSet():
		return expiry{secs: int64(DefaultTTL / time.Second)}
	default:
		s, _ := t.Seconds()
		return expiry{secs: s}
	}
}

// Get returns the value of key, or an error matching [ErrNotFound].
func (c *Cache) Get(ctx context.Context, key string) ([]byte, error) {
	k, err := c.makeKey(key)
	if err != nil {
		return nil, err
	}
	return c.d.get(ctx, k)
}

// Set stores value under key.
func (c *Cache) Set(ctx context.Context, key string, value []byte, opts ...SetOption) error {
	k, err := c.makeKey(key)
	if err != nil {
		return err
	}
	return c.d.set(ctx, k, value, c.expiry(opts))
}

// Add stores value only if key is absent and reports whether it stored.
func (c *Cache) Add(ctx context.Context, key string, value []byte, opts ...SetOption) (bool, error) {
	k, err := c.makeKey(key)
	if err != nil {
		return false, err
	}
	return c.d.add(ctx, k, value, c.expiry(opts))
}

// Delete removes key and reports whether it existed.
func (c *Cache) Delete(ctx context.Context, key string) (bool, error) {
	k, err := c.makeKey(key)
	if err != nil {
		return false, err
	}
	return c.d.delete(ctx, k)
}

// Has reports whether key is present.
func (c *Cache) Has(ctx context.Context, key string) (bool, error) {
	k, err := c.makeKey(key)
	if err != nil {
		return false, err
	}
	return c.d.has(ctx, k)
}

// GetMany returns the present keys among keys (keys as given, not made).
func (c *Cache) GetMany(ctx context.Context, keys []string) (map[string][]byte, error) {
	made := make([]string, len(keys))
	back := make(map[string]string, len(keys))
	for i, key := range keys {
		k, err := c.makeKey(key)
		if err != nil {
			return nil, err
		}
		made[i] = k
		back[k] = key
	}
	got, err := c.d.getMany(ctx, made)
	if err != nil {
		return nil, err
	}
	out := make(map[string][]byte, len(got))
	for k, v := range got {
		out[back[k]] = v
	}
	return out, nil
}

// SetMany stores every item with the same expiry.
func (c *Cache) SetMany(ctx context.Context, items map[string][]byte, opts ...SetOption) error {
	keys := make([]string, 0, len(items))
	values := make([][]byte, 0, len(items))
	for key, v := range items {
		k, err := c.makeKey(key)
		if err != nil {
			return err
		}
		keys = append(keys, k)
		values = append(values, v)
	}
	return c.d.setMany(ctx, keys, values, c.expiry(opts))
}

// DeleteMany removes keys.
func (c *Cache) DeleteMany(ctx context.Context, keys []string) error {
	made := make([]string, len(keys))
	for i, key := range keys {
		k, err := c.makeKey(key)
		if err != nil {
			return err
		}
		made[i] = k
	}
	return c.d.deleteMany(ctx, made)
}

// Incr adds delta (negative to decrement) to the decimal counter at key and
// returns the new value; a missing key is [ErrNotFound]; the expiry is kept.
// On memcached a decrement stops at 0, as memcached's decr does.
func (c *Cache) Incr(ctx context.Context, key string, delta int64) (int64, error) {
	k, err := c.makeKey(key)
	if err != nil {
		return 0, err
	}
	return c.d.incr(ctx, k, delta)
}

// Touch sets a new expiry on key and reports whether it existed.
func (c *Cache) Touch(ctx context.Context, key string, opts ...SetOption) (bool, error) {
	k, err := c.makeKey(key)
	if err != nil {
		return false, err
	}
	return c.d.touch(ctx, k, c.expiry(opts))
}

// Clear removes this cache's keys: on redis every key starting with
// "<key_prefix>:" (with an empty key_prefix, every key starting with ":",
// i.e. every key default_key_func makes); on memcached everything
// (flush_all, as Django); on locmem everything in this cache.
func (c *Cache) Clear(ctx context.Context) error {
	return c.d.clear(ctx, c.prefix+":")
}

// Close releases the client; no goroutine is left behind.
func (c *Cache) Close() error { return c.d.close() }

// As sets target to the native client when target is a pointer to its type
// (*redis.Client, *redis.ClusterClient, redis.UniversalClient,
// *memcache.Client) and reports whether it did.
func (c *Cache) As(target any) bool { return c.d.as(target) }
