// Package lru turns a locmem:// or dummy:// [core.Config] into an
// in-process cache: the store of package cache's locmem driver
// ([locmem.LRU]), with keys and values of any type.
//
// New code should use package [github.com/cacheurl/cacheurl/cache]: its
// Open gives one API over locmem://, dummy://, redis:// and memcached://
// with Django's semantics (key making, per-call expiry, add, incr, touch).
// This package stays, superseded, as a thin wrapper over the same store, so
// that there is one in-process cache implementation. (It is not marked
// Deprecated yet: the CLI and the documented memcached-lru example still
// use it.)
//
//	cfg, err := core.Parse("locmem://sessions?max_entries=1000&timeout=600")
//	cache, err := lru.New[string, []byte](cfg)
//	cache.Add("k", []byte("v"))
//	v, ok := cache.Get("k")
//
// # locmem://
//
// [New] returns a *locmem.LRU (as the [Cache] interface):
//
//   - Size: max_entries, or [DefaultMaxEntries] (300, Django's default
//     MAX_ENTRIES) when the URL has none. When the cache is full, adding an
//     entry evicts the least recently used one. Django culls a fraction
//     (1/cull_frequency) of the entries instead; cull_frequency is accepted
//     and ignored.
//   - TTL: timeout (alias ttl) seconds for every entry, counted from its
//     last Add; [DefaultTTL] (300 s, Django's default TIMEOUT) when the URL
//     has none; timeout=none keeps entries until they are evicted.
//   - timeout=0 means "expire at once" in Django: an entry is stored already
//     expired and never read back. An in-process cache that keeps nothing is
//     exactly that, so New returns a [Dummy] (a no-op cache) for it. Write
//     timeout=none, not 0, for entries that never expire.
//
// The locmem name (locmem://sessions) only tells Django's caches apart; every
// New call makes a new, separate cache. The store starts no goroutine: an
// expired entry is removed when it is read or evicted when the cache is
// full, so a cache needs no Close.
//
// # dummy://
//
// New returns a [Dummy]: like Django's DummyCache it accepts every write and
// keeps nothing, so every Get misses. It is a cache that is switched off,
// for tests and local development, not an error.
//
// # Everything else
//
// file://, db:// and uwsgicache:// are Django backends with no Go client:
// [ErrNoGoClient]. redis and memcached URLs are servers, not in-process
// caches: [ErrWrongBackend] (use package cache, or the goredis and
// gomemcache client packages).
//
// KeyPrefix, Version and KeyFunction (Django's key making) stay in the
// config; the cache uses keys exactly as given (package cache makes them as
// Django does). The URL's options are an error ([ErrUnknownOption]), since
// an in-process cache has none, unless [AllowUnknownOptions] is passed: this
// catches typos such as max_entires.
package lru

import (
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/cacheurl/cacheurl/cache/locmem"
	"github.com/cacheurl/cacheurl/clients"

	"github.com/cacheurl/cacheurl/core"
)

// DefaultMaxEntries is the size of a locmem cache whose URL has no
// max_entries: Django's default MAX_ENTRIES.
const DefaultMaxEntries = 300

// DefaultTTL is the entry lifetime of a locmem cache whose URL has no
// timeout: Django's default TIMEOUT.
const DefaultTTL = 300 * time.Second

// The error kinds, shared with the other client packages (see package
// clients). Every error New and ParseSettings return is an [*Error]
// matching one of them with errors.Is.
var (
	// ErrNoGoClient: the config is a Django backend that has no Go client
	// (file://, db://, uwsgicache://).
	ErrNoGoClient = clients.ErrNoGoClient
	// ErrWrongBackend: the config is a server cache (redis, memcached),
	// not an in-process one.
	ErrWrongBackend = clients.ErrWrongBackend
	// ErrUnknownOption: the URL has options, which an in-process cache
	// does not take; see [AllowUnknownOptions].
	ErrUnknownOption = clients.ErrUnknownOption
	// ErrInvalidConfig: core.Config.Normalize rejects the config (a
	// hand-built value such as locmem with hosts, or max_entries below 1);
	// core's *core.Error is wrapped, so its kind matches too.
	ErrInvalidConfig = clients.ErrInvalidConfig
	// ErrInvalidValue is ErrInvalidConfig, its name before the client
	// packages shared their kinds.
	ErrInvalidValue = clients.ErrInvalidConfig
)

// Error is the error of every client package: a kind, a message that says
// what to change, and the config's redacted URL. It never contains a
// password or an option value.
type Error = clients.Error

const pkg = "lru"

func newError(cfg core.Config, kind *clients.Kind, format string, args ...any) *Error {
	return &Error{Package: pkg, Kind: kind, URL: cfg.Redacted(), Msg: fmt.Sprintf(format, args...)}
}

// Cache is the cache New returns: the methods of *locmem.LRU, which
// implements it for locmem://, and of [Dummy], for dummy:// and timeout=0.
// Type-assert to *locmem.LRU[K, V] for the concrete type.
type Cache[K comparable, V any] interface {
	// Add adds or replaces an entry, restarting its TTL, and reports
	// whether an older entry was evicted to make room.
	Add(key K, value V) (evicted bool)
	// Get returns an entry that has not expired, marking it recently used.
	Get(key K) (value V, ok bool)
	// Peek is Get without marking the entry used.
	Peek(key K) (value V, ok bool)
	// Contains reports whether the key has an entry that has not expired.
	Contains(key K) bool
	// Remove deletes an entry and reports whether it was there.
	Remove(key K) bool
	// RemoveOldest removes the least recently used entry.
	RemoveOldest() (key K, value V, ok bool)
	// GetOldest returns the least recently used entry.
	GetOldest() (key K, value V, ok bool)
	// Keys returns the keys, oldest first.
	Keys() []K
	// Values returns the values of entries that have not expired, oldest first.
	Values() []V
	// Len returns the number of entries, expired ones not yet removed
	// included.
	Len() int
	// Resize changes the size (below 1 means unlimited) and returns the
	// number of entries evicted.
	Resize(size int) (evicted int)
	// Purge removes every entry.
	Purge()
}

// Dummy is a cache that keeps nothing, like Django's DummyCache: New
// returns it for dummy:// and for locmem with timeout=0. Its zero value is
// ready to use.
type Dummy[K comparable, V any] struct{}

// Add does nothing and reports no eviction.
func (Dummy[K, V]) Add(K, V) bool { return false }

// Get always misses.
func (Dummy[K, V]) Get(K) (v V, ok bool) { return v, false }

// Peek always misses.
func (Dummy[K, V]) Peek(K) (v V, ok bool) { return v, false }

// Contains is always false.
func (Dummy[K, V]) Contains(K) bool { return false }

// Remove is always false.
func (Dummy[K, V]) Remove(K) bool { return false }

// RemoveOldest finds nothing.
func (Dummy[K, V]) RemoveOldest() (k K, v V, ok bool) { return k, v, false }

// GetOldest finds nothing.
func (Dummy[K, V]) GetOldest() (k K, v V, ok bool) { return k, v, false }

// Keys returns an empty slice.
func (Dummy[K, V]) Keys() []K { return []K{} }

// Values returns an empty slice.
func (Dummy[K, V]) Values() []V { return []V{} }

// Len is always 0.
func (Dummy[K, V]) Len() int { return 0 }

// Resize evicts nothing.
func (Dummy[K, V]) Resize(int) int { return 0 }

// Purge does nothing.
func (Dummy[K, V]) Purge() {}

// Settings is what [ParseSettings] reads from a config.
type Settings struct {
	// Noop is true when the cache keeps nothing: dummy://, or locmem with
	// timeout=0. MaxEntries and TTL are then zero.
	Noop bool
	// MaxEntries is the number of entries kept: max_entries or
	// DefaultMaxEntries.
	MaxEntries int
	// TTL is each entry's lifetime: timeout or DefaultTTL; 0 means entries
	// never expire (timeout=none).
	TTL time.Duration
	// Ignored are the options given and allowed by AllowUnknownOptions,
	// sorted.
	Ignored []string
}

// Option changes how [New] and [ParseSettings] read a config.
type Option func(*options)

type options struct {
	allowUnknown bool
}

// AllowUnknownOptions makes the URL's options ignored instead of an error
// (they are listed in Settings.Ignored).
func AllowUnknownOptions() Option { return func(o *options) { o.allowUnknown = true } }

// ParseSettings checks a locmem:// or dummy:// config and returns the cache
// settings New uses.
func ParseSettings(cfg core.Config, opts ...Option) (Settings, error) {
	var o options
	for _, opt := range opts {
		opt(&o)
	}
	backend, err := checkBackend(cfg)
	if err != nil {
		return Settings{}, err
	}
	if cfg, err = clients.Normalize(pkg, cfg); err != nil {
		return Settings{}, err
	}
	var s Settings
	if len(cfg.Options) > 0 {
		names := make([]string, 0, len(cfg.Options))
		for k := range cfg.Options {
			names = append(names, k)
		}
		sort.Strings(names)
		if !o.allowUnknown {
			e := newError(cfg, ErrUnknownOption,
				"unknown option%s %s: %s caches take only Django's cache arguments (timeout, max_entries, "+
					"cull_frequency, key_prefix, version, key_function); fix the name, or pass lru.AllowUnknownOptions() to ignore it",
				plural(len(names)), quoteList(names), backend)
			e.Options = names
			return Settings{}, e
		}
		s.Ignored = names
	}
	if backend == core.BackendDummy {
		s.Noop = true
		return s, nil
	}
	switch secs, isSeconds := cfg.TTL.Seconds(); {
	case cfg.TTL.Never():
		s.TTL = 0
	case !cfg.TTL.IsSet():
		s.TTL = DefaultTTL
	case isSeconds && secs == 0:
		s.Noop = true
		return s, nil
	default:
		s.TTL, _ = cfg.TTL.Duration()
	}
	s.MaxEntries = DefaultMaxEntries
	if cfg.MaxEntries != nil {
		if *cfg.MaxEntries < 1 {
			// Parse never gives this; a hand-built config might.
			return Settings{}, newError(cfg, ErrInvalidValue, "max_entries=%d: want an integer ≥ 1", *cfg.MaxEntries)
		}
		s.MaxEntries = *cfg.MaxEntries
	}
	return s, nil
}

func checkBackend(cfg core.Config) (core.Backend, error) {
	backend := cfg.Backend
	if backend == "" {
		if sc, ok := core.LookupScheme(cfg.Scheme); ok {
			backend = sc.Backend
		}
	}
	switch backend {
	case core.BackendLocmem, core.BackendDummy:
		return backend, nil
	case core.BackendFile, core.BackendDB, core.BackendUWSGI:
		django := string(backend)
		if sc, ok := core.LookupScheme(cfg.Scheme); ok && sc.DjangoBackend != "" {
			django = sc.DjangoBackend
		}
		return "", newError(cfg, ErrNoGoClient,
			"no Go client for this Django backend: %s:// is Django's %s, which cacheurl has no Go client for; "+
				"use locmem:// (in-process), redis:// or memcached:// for a cache Go can use", cfg.Scheme, django)
	case core.BackendRedis:
		return "", newError(cfg, ErrWrongBackend, "%s:// is a redis server, not an in-process cache: use the goredis client package", cfg.Scheme)
	case core.BackendMemcached:
		return "", newError(cfg, ErrWrongBackend, "%s:// is a memcached server, not an in-process cache: use the gomemcache client package", cfg.Scheme)
	}
	return "", newError(cfg, ErrWrongBackend, "scheme %q is not locmem:// or dummy://", cfg.Scheme)
}

// New returns the in-process cache for a locmem:// or dummy:// config: a
// *locmem.LRU sized by max_entries (default 300) whose entries live for
// the TTL (default 300 s, none for no expiry), or a [Dummy] for dummy:// and
// timeout=0. Errors are [*Error] values matching ErrNoGoClient,
// ErrWrongBackend, ErrUnknownOption or ErrInvalidValue.
func New[K comparable, V any](cfg core.Config, opts ...Option) (Cache[K, V], error) {
	s, err := ParseSettings(cfg, opts...)
	if err != nil {
		return nil, err
	}
	if s.Noop {
		return Dummy[K, V]{}, nil
	}
	// locmem.New reads a TTL of 0 as "no expiry".
	c, err := locmem.New[K, V](s.MaxEntries, s.TTL)
	if err != nil {
		return nil, newError(cfg, ErrInvalidValue, "max_entries=%d: want an integer ≥ 1", s.MaxEntries)
	}
	return c, nil
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
