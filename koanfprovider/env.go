package koanfprovider

import (
	"os"
	"sort"
	"strconv"
	"strings"

	"github.com/cacheurl/cacheurl/core"
)

// EnvProvider loads CACHE_URL, or the named caches, from the environment.
// Create it with [Env].
type EnvProvider struct {
	delim string
	opt   Opt
}

// Env returns a koanf provider for the environment, following SPEC.md §6:
//
//   - By default Read parses CACHE_URL (opt.Env) into cache.* (opt.Prefix).
//     An unset or empty variable means locmem:// (opt.Default), or, with
//     opt.Strict, an error matching [core.ErrNotSet] whose message says
//     "CACHE_URL environment variable is not set".
//   - With opt.Named, every <NAME>_CACHE_URL goes to caches.<name>.* (the
//     name lower-cased) and CACHE_URL to caches.default.*; the default cache
//     is always present, as in [core.NamedFromEnv]. Variables that are set
//     but empty are skipped, and two variables naming one cache
//     (FOO_CACHE_URL and foo_CACHE_URL) are an error.
//
// Each cache's keys include the URL as the url key. delim nests the prefix
// as in koanf's own providers.
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
		v := lookupEnv(environ(), name)
		m, err := p.load(prefix, name, v)
		if err != nil {
			return nil, err
		}
		return nest(prefix, p.delim, m), nil
	}
	caches, err := p.readNamed(environ(), prefix, name)
	if err != nil {
		return nil, err
	}
	return nest(prefix, p.delim, caches), nil
}

// ReadBytes is not supported: it returns [ErrNotSupported].
func (p *EnvProvider) ReadBytes() ([]byte, error) { return nil, ErrNotSupported }

// load parses the value v of the variable name (the default when it is
// blank) into the keys of the cache at key path key.
func (p *EnvProvider) load(key, name, v string) (map[string]any, error) {
	if strings.TrimSpace(v) == "" {
		if p.opt.Strict {
			return nil, &Error{Key: key, Err: &core.Error{Kind: core.ErrNotSet, Msg: name + " environment variable is not set"}}
		}
		v = p.opt.defaultURL()
	}
	c, err := core.Parse(v)
	if err != nil {
		return nil, &Error{Key: key, Err: &core.EnvError{Var: name, Err: err}}
	}
	return withURL(c, strings.TrimSpace(v)), nil
}

// readNamed reads the named caches: name is the default cache's variable,
// and <NAME>_<name> the variable of the cache <name>.
func (p *EnvProvider) readNamed(environ []string, prefix, name string) (map[string]any, error) {
	suffix := "_" + name
	vars := map[string]string{}
	for _, kv := range environ {
		k, v, ok := strings.Cut(kv, "=")
		if !ok {
			continue
		}
		if k == name || (strings.HasSuffix(k, suffix) && len(k) > len(suffix)) {
			vars[k] = v
		}
	}
	names := make([]string, 0, len(vars))
	for k := range vars {
		names = append(names, k)
	}
	sort.Strings(names)
	out := make(map[string]any, len(names)+1)
	from := map[string]string{}
	for _, k := range names {
		v := vars[k]
		cache := DefaultName
		if k != name {
			cache = strings.ToLower(strings.TrimSuffix(k, suffix))
		}
		if strings.TrimSpace(v) == "" {
			continue
		}
		key := joinPath(p.delim, prefix, cache)
		if prev, dup := from[cache]; dup {
			return nil, &Error{Key: key, Err: &core.EnvError{Var: k, Err: &core.Error{
				Kind: core.ErrDuplicateParameter,
				Msg:  "cache " + strconv.Quote(cache) + " is set by both " + prev + " and " + k,
			}}}
		}
		m, err := p.load(key, k, v)
		if err != nil {
			return nil, err
		}
		from[cache] = k
		out[cache] = m
	}
	if _, ok := out[DefaultName]; !ok {
		m, err := p.load(joinPath(p.delim, prefix, DefaultName), name, "")
		if err != nil {
			return nil, err
		}
		out[DefaultName] = m
	}
	return out, nil
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
