// Package koanfprovider loads a CACHE_URL into koanf
// (github.com/knadh/koanf/v2) as the structured keys of core.Config, ready for
// k.Unmarshal("cache", &cfg) into a [core.Config].
//
// It has three providers, each following koanf's own conventions: a
// constructor returning a concrete pointer, an [Opt] struct, Read returning
// a nested map and ReadBytes returning [ErrNotSupported]:
//
//   - [Provider] loads one URL string: k.Load(koanfprovider.Provider(url, ".", opt), nil).
//   - [Env] loads CACHE_URL (or every <NAME>_CACHE_URL with [Opt.Named])
//     from the environment; unset or empty, it contributes nothing.
//   - [Expand] turns the cache value other providers (file, env, flags)
//     have loaded — a URL, or url plus keys — into the structured keys,
//     by the rules of docs/structured.md ([core.Decode]); loaded after
//     every source, it layers them as koanf does (a later source wins),
//     and gives django-cache-url's default, locmem://, when no source sets
//     the cache. The result depends only on what the sources hold and their
//     order: the koanf instance holds all the state.
//
// The package satisfies koanf.Provider by shape and does not import koanf.
//
// # Keys
//
// Under the prefix (default "cache"), the keys are those of [core.Config]'s
// koanf tags, with unset values omitted:
//
//	cache.url            the URL that was loaded (core.Config has no such field, so Unmarshal ignores it)
//	cache.scheme         "redis"
//	cache.backend        "redis"
//	cache.tls            true (only when true, or set by a source)
//	cache.topology       "standalone"
//	cache.master         sentinel master name
//	cache.hosts          ["cache:6379"], a list of strings
//	cache.socket         "/run/redis.sock"
//	cache.path           file directory or locmem/db/dummy/uwsgi name
//	cache.username       string
//	cache.password       string (the real password: the config must be usable)
//	cache.db             int (only when not 0, or set by a source)
//	cache.ttl            "300s" or "never"
//	cache.key_prefix     string
//	cache.version        int
//	cache.key_function   string
//	cache.max_entries    int
//	cache.cull_frequency int
//	cache.lib            "redis-cache" or "django-redis"
//	cache.options.<name> string, one key per option
//
// Every value is of a named string, int or bool type (hosts a list of them)
// that says whether a source set the key or a URL gave it; koanf's default
// Unmarshal, its getters and its parsers (yaml, json, toml) read them as
// plain values, so the result marshals back and decodes into a core.Config
// with no custom decoder configuration (ttl through [core.TTL]'s
// UnmarshalText). A key an expansion no longer has is null.
//
// The url key is an unknown key for core.Config. koanf's default Unmarshal
// ignores unknown keys; with a custom DecoderConfig that sets ErrorUnused,
// unmarshal a copy without it (k.Cut("cache") then Delete("url")).
//
// # Errors
//
// Read returns an [*Error] naming the key path ("cache.url") and the kind of
// the problem ("invalid_port"). Its cause is a [*core.Error], so
// errors.Is(err, core.ErrInvalidPort) works. No error contains a password.
package koanfprovider

import (
	"errors"
	"strings"

	"github.com/cacheurl/cacheurl/core"
)

// DefaultPrefix is the key path the structured keys go under, and
// DefaultNamedPrefix the one for named caches ([Opt.Named]).
const (
	DefaultPrefix      = "cache"
	DefaultNamedPrefix = "caches"
)

// URLKey is the key, under the prefix, that holds the URL.
const URLKey = "url"

// DefaultName is the name of the cache CACHE_URL configures among named
// caches (docs/environment.md).
const DefaultName = "default"

// ErrNotSupported is what ReadBytes returns: the providers of this package
// produce a map, so load them with a nil parser, k.Load(p, nil).
var ErrNotSupported = errors.New("koanfprovider: provider does not support this method (load it with a nil parser)")

// Opt configures the providers. The zero value gives the defaults of
// docs/grammar.md and docs/environment.md. Each field says which providers use it.
type Opt struct {
	// Prefix is the key path the structured keys go under (split at the
	// delimiter, so "app.cache" nests): "cache" by default, or, for Env and
	// Expand with Named, "caches", where each cache goes under
	// <Prefix>.<name>. All providers.
	Prefix string

	// Env is the environment variable Env reads: "CACHE_URL" by default.
	// With Named, every <NAME>_<Env> variable is the cache <name>
	// (lower-cased) and <Env> itself is the cache "default".
	Env string

	// Default is the URL Expand uses when no source sets the cache (no key
	// set at all): "locmem://" by default, as django-cache-url's config()
	// does. Env does not use it: an unset or empty variable contributes
	// nothing, so that it does not replace an earlier source's cache.
	// Ignored when Strict is set.
	Default string

	// Named makes Env read every <NAME>_CACHE_URL into caches.<name>.* and
	// CACHE_URL into caches.default.* (the cache "default" is always
	// present: an unset CACHE_URL contributes an empty caches.default, which
	// Expand turns into Default, or an error with Strict), and makes Expand
	// expand every caches.<name> (exactly the names there are).
	Named bool

	// Strict makes an unset or empty variable (Env) or a cache with no key
	// set at all (Expand) an error matching [core.ErrNotSet] instead of
	// contributing nothing (Env) or falling back to Default (Expand).
	Strict bool

	// EnvironFunc returns the environment in the form of os.Environ (Env
	// only); nil means os.Environ. It mirrors koanf's env provider option of
	// the same name, for tests and for environments read from elsewhere.
	EnvironFunc func() []string
}

func (o Opt) prefix() string {
	switch {
	case o.Prefix != "":
		return o.Prefix
	case o.Named:
		return DefaultNamedPrefix
	}
	return DefaultPrefix
}

func (o Opt) env() string {
	if o.Env != "" {
		return o.Env
	}
	return core.DefaultEnv
}

// Error is the error the providers' Read returns.
type Error struct {
	// Key is the koanf key path the error is about: the URL key
	// ("cache.url", "caches.sessions.url"), an explicit key beside it
	// ("cache.ttl"), or the prefix ("cache") for a URL given to Provider or
	// Env, or when the URL and the explicit keys beside it do not fit
	// together.
	Key string
	// Err is the cause. It wraps a [*core.Error] (for Env, inside a
	// [*core.EnvError] naming the variable), so errors.Is matches core's
	// kinds and errors.As finds the redacted input.
	Err error
}

// Error returns "koanfprovider: <key> (<kind code>): <cause>", the key path
// spelled with koanf's delimiter (the cause's own mention of it left out).
func (e *Error) Error() string {
	kind := "error"
	var ce *core.Error
	if errors.As(e.Err, &ce) && ce.Kind != nil {
		kind = ce.Kind.Code()
	}
	cause := e.Err.Error()
	if ce != nil && ce.Key != "" {
		cause = strings.Replace(cause, ce.Key+": ", "", 1)
	}
	return "koanfprovider: " + e.Key + " (" + kind + "): " + cause
}

// Unwrap returns the cause.
func (e *Error) Unwrap() error { return e.Err }

// splitPath splits a key path at delim (not at all when delim is "").
func splitPath(path, delim string) []string {
	if delim == "" {
		return []string{path}
	}
	return strings.Split(path, delim)
}

// joinPath joins key path parts with delim ("." when delim is "", for
// messages).
func joinPath(delim string, parts ...string) string {
	if delim == "" {
		delim = "."
	}
	return strings.Join(parts, delim)
}

// nest puts m under the key path prefix: nest("a.b", ".", m) is
// {a: {b: m}}.
func nest(prefix, delim string, m map[string]any) map[string]any {
	parts := splitPath(prefix, delim)
	out := m
	for i := len(parts) - 1; i >= 0; i-- {
		out = map[string]any{parts[i]: out}
	}
	return out
}

// withURL returns the keys of c, derived, with the URL url as the url
// key: what Provider and Env load. The URL is a plain value, as if a
// source had loaded only it, so that Expand reads it as the newest layer;
// the keys beside it are typed as derived from it, so that koanf's
// Unmarshal works without Expand and Expand does not take them for keys a
// source set.
func withURL(c core.Config, url string) map[string]any {
	m := derivedKeys(c)
	m[URLKey] = url
	return m
}
