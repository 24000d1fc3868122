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
//     from the environment, with django-cache-url's default of locmem://.
//   - [Expand] reads the cache.url key that other providers (file, env,
//     flags) have already loaded and adds its structured keys beside it.
//     Keys the user set explicitly win over values from the URL.
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
//	cache.tls            true (only when true)
//	cache.topology       "standalone"
//	cache.master         sentinel master name
//	cache.hosts          []string{"cache:6379"}
//	cache.socket         "/run/redis.sock"
//	cache.path           file directory or locmem/db/dummy/uwsgi name
//	cache.username       string
//	cache.password       string (the real password: the config must be usable)
//	cache.db             int (only when not 0)
//	cache.ttl            "300s" or "never"
//	cache.key_prefix     string
//	cache.version        int
//	cache.key_function   string
//	cache.max_entries    int
//	cache.cull_frequency int
//	cache.lib            "redis-cache" or "django-redis"
//	cache.options.<name> string, one key per option
//
// Every value is a plain string, int, bool, []string or nested map, so any
// koanf parser (yaml, json, toml) can marshal the result back, and koanf's
// default Unmarshal decodes it into a core.Config with no custom decoder
// configuration (ttl through [core.TTL]'s UnmarshalText).
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
	"reflect"
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

	// Default is the URL used when the variable (Env) or the url key
	// (Expand) is unset or empty: "locmem://" by default, as
	// django-cache-url's config() does. Ignored when Strict is set.
	Default string

	// Named makes Env read every <NAME>_CACHE_URL into caches.<name>.* and
	// CACHE_URL into caches.default.*, and makes Expand expand every
	// caches.<name>. The cache "default" is always present (Default, or an
	// error with Strict).
	Named bool

	// Strict makes an unset or empty variable (Env) or url key with no other
	// keys beside it (Expand) an error matching [core.ErrNotSet] instead of
	// falling back to Default.
	Strict bool

	// URLWins makes values from the URL replace keys set explicitly beside
	// it (Expand only). By default explicit keys win: cache.ttl: 60s beats
	// ?timeout=300.
	URLWins bool

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

func (o Opt) defaultURL() string {
	if o.Default != "" {
		return o.Default
	}
	return core.DefaultURL
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

// keysOf returns the structured keys of c as a map of plain values, unset
// values omitted: what the providers put under the prefix. The keys and
// their types come from core's key table ([core.Keys]). The password is
// included: the config must be usable.
func keysOf(c core.Config) map[string]any {
	m := map[string]any{}
	rv := reflect.ValueOf(c)
	for _, k := range core.Keys() {
		f := rv.FieldByName(k.Field)
		switch k.Type {
		case core.KeyString:
			if s := f.String(); s != "" || k.Name == "scheme" || k.Name == "backend" {
				m[k.Name] = s
			}
		case core.KeyBool:
			if f.Bool() {
				m[k.Name] = true
			}
		case core.KeyInt:
			switch {
			case f.Kind() == reflect.Pointer && !f.IsNil():
				m[k.Name] = int(f.Elem().Int())
			case f.Kind() == reflect.Int && f.Int() != 0:
				m[k.Name] = int(f.Int())
			}
		case core.KeyTTL:
			if c.TTL.IsSet() {
				m[k.Name] = c.TTL.String()
			}
		case core.KeyHosts:
			if len(c.Hosts) > 0 {
				m[k.Name] = append([]string(nil), c.Hosts...)
			}
		case core.KeyOptions:
			if len(c.Options) > 0 {
				o := make(map[string]any, len(c.Options))
				for name, v := range c.Options {
					o[name] = v
				}
				m[k.Name] = o
			}
		}
	}
	return m
}

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

// withURL returns the keys of c with the url key beside them.
func withURL(c core.Config, url string) map[string]any {
	m := keysOf(c)
	m[URLKey] = url
	return m
}
