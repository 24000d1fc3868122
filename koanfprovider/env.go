package koanfprovider

import (
	"errors"
	"os"
	"strings"

	"github.com/cacheurl/cacheurl/core"
)

// EnvProvider loads CACHE_URL, or the named caches, from the environment.
// Create it with [Env].
type EnvProvider struct {
	delim string
	opt   Opt
}

// Env returns a koanf provider for the environment, with the rules of
// [core.EnvURL] and [core.NamedEnvURLs]:
//
//   - By default Read parses CACHE_URL (opt.Env) into cache.* (opt.Prefix).
//     An unset or empty variable contributes nothing, so an earlier
//     source's cache stays as it is; with opt.Strict it is an error
//     matching [core.ErrNotSet] whose message says "CACHE_URL environment
//     variable is not set". The default (locmem://, opt.Default) is
//     [Expand]'s, when no source sets the cache: load Expand after Env,
//     even when Env is the only source.
//   - With opt.Named, every <NAME>_CACHE_URL goes to caches.<name>.* (the
//     name lower-cased) and CACHE_URL to caches.default.*. An unset
//     CACHE_URL contributes an empty caches.default, which keeps what an
//     earlier source set there and otherwise makes Expand give the default,
//     so the cache "default" is always present, as in [core.NamedFromEnv].
//     Variables that are set but empty are skipped, and two variables
//     naming one cache (FOO_CACHE_URL and foo_CACHE_URL) are an error.
//   - Secrets from files: CACHE_URL_FILE (and <NAME>_CACHE_URL_FILE) names a
//     file whose content, trimmed, is the URL; CACHE_PASSWORD[_FILE] (and
//     <NAME>_CACHE_PASSWORD[_FILE]) gives the password of a URL that has
//     none. A variable and its _FILE twin both set, a URL with a password
//     and a password variable, and a file that cannot be read are errors
//     naming the variable (and the path), never the file's content.
//
// Each cache's keys are the URL as the url key, and beside it the keys
// derived from it, so that k.Unmarshal works even without Expand. delim
// nests the prefix as in koanf's own providers.
func Env(delim string, opt Opt) *EnvProvider {
	return &EnvProvider{delim: delim, opt: opt}
}

// Read reads the environment and returns the keys as a nested map. A bad
// URL is an [*Error] whose Key is the cache's prefix ("cache",
// "caches.sessions") and whose cause is a [*core.EnvError] naming the
// variable.
func (p *EnvProvider) Read() (map[string]any, error) {
	environ := os.Environ
	if p.opt.EnvironFunc != nil {
		environ = p.opt.EnvironFunc
	}
	prefix := p.opt.prefix()
	name := p.opt.env()
	if !p.opt.Named {
		vars := environ()
		url, source, err := core.EnvURL(func(k string) string { return lookupEnv(vars, k) }, name, "")
		if err == nil && url == "" {
			if !p.opt.Strict {
				return map[string]any{}, nil // not set: changes nothing
			}
			err = &core.Error{Kind: core.ErrNotSet, Msg: name + " environment variable is not set"}
		}
		if err != nil {
			return nil, &Error{Key: prefix, Err: err}
		}
		m, err := load(orName(source, name), url)
		if err != nil {
			return nil, &Error{Key: prefix, Err: err}
		}
		return nest(prefix, p.delim, m), nil
	}
	// Non-strict, the default cache's URL is a stand-in that marks it
	// unset (EnvCache.Source is then "").
	def := ""
	if !p.opt.Strict {
		def = core.DefaultURL
	}
	out := map[string]any{}
	var key string
	err := namedEnv(environ(), name, def, func(e core.EnvCache) error {
		key = joinPath(p.delim, prefix, e.Name)
		if e.Source == "" {
			out[e.Name] = map[string]any{} // not set: Expand gives the default
			return nil
		}
		m, err := load(orName(e.Source, e.Var), e.URL)
		out[e.Name] = m
		return err
	})
	if err != nil {
		var ee *core.EnvError
		if errors.As(err, &ee) && ee.Cache != "" {
			key = joinPath(p.delim, prefix, ee.Cache)
		}
		return nil, &Error{Key: key, Err: err}
	}
	return nest(prefix, p.delim, out), nil
}

// namedEnv is core.NamedEnvURLs, calling each for every cache in order.
func namedEnv(environ []string, name, def string, each func(core.EnvCache) error) error {
	caches, err := core.NamedEnvURLs(environ, name, def)
	if err != nil {
		return err
	}
	for _, e := range caches {
		if err := each(e); err != nil {
			var ee *core.EnvError
			if errors.As(err, &ee) {
				ee.Cache = e.Name
			}
			return err
		}
	}
	return nil
}

// ReadBytes is not supported: it returns [ErrNotSupported].
func (p *EnvProvider) ReadBytes() ([]byte, error) { return nil, ErrNotSupported }

// load parses url, read from the variable name, into the keys of a cache.
func load(name, url string) (map[string]any, error) {
	c, err := core.Parse(url)
	if err != nil {
		return nil, &core.EnvError{Var: name, Err: err}
	}
	return withURL(c, strings.TrimSpace(url)), nil
}

func orName(source, name string) string {
	if source == "" {
		return name
	}
	return source
}

// lookupEnv returns the value of the variable name in environ (the last one
// when it is repeated), or "" when it is not there.
func lookupEnv(environ []string, name string) string {
	v := ""
	for _, kv := range environ {
		if k, val, ok := strings.Cut(kv, "="); ok && k == name {
			v = val
		}
	}
	return v
}
