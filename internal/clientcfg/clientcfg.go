// Package clientcfg is the entry of every package that builds a client, a
// cache or a codec from a [core.Config] (clients/goredis,
// clients/gomemcache, cache, cache/django, check): the config held to
// core's rules ([core.Config.Normalize]) and checked against the backends
// the package serves, with one error, and one hint, for a config of another
// backend or of a Django backend no Go client serves.
package clientcfg

import (
	"fmt"
	"strings"

	"github.com/cacheurl/cacheurl/clients"
	"github.com/cacheurl/cacheurl/core"
)

// Normalize returns cfg in the canonical form of [core.Config.Normalize]
// when its scheme is of one of the backends want (of any backend a Go
// client serves when want is empty). Otherwise the error is a
// [*clients.Error] of package pkg matching
//
//   - [clients.ErrNoGoClient]: a Django backend no Go client serves
//     (file://, db://, uwsgicache://);
//   - [clients.ErrWrongBackend]: a scheme of another backend, with the
//     package to use instead;
//   - [clients.ErrInvalidConfig]: a config Normalize rejects (an unknown
//     scheme, a host "h:99999", userinfo in a host), core's *core.Error
//     wrapped so that its kind matches too.
//
// No message shows a secret of cfg: the hints name the scheme as the scheme
// table writes it, the URL is [core.Config.Redacted], and core's errors
// redact.
func Normalize(pkg string, cfg core.Config, want ...core.Backend) (core.Config, error) {
	if s, ok := core.LookupScheme(cfg.Scheme); ok {
		if err := backendError(pkg, cfg, s, want); err != nil {
			return core.Config{}, err
		}
	}
	n, err := cfg.Normalize()
	if err != nil {
		return core.Config{}, &clients.Error{Package: pkg, Kind: clients.ErrInvalidConfig, Msg: "the config is not valid", Err: err}
	}
	return n, nil
}

// backendError is the error for a config of scheme s in a package serving
// want, or nil.
func backendError(pkg string, cfg core.Config, s core.Scheme, want []core.Backend) error {
	for _, b := range want {
		if s.Backend == b {
			return nil
		}
	}
	switch s.Backend {
	case core.BackendRedis, core.BackendMemcached, core.BackendLocmem, core.BackendDummy:
		if len(want) == 0 {
			return nil
		}
		names := make([]string, len(want))
		for i, b := range want {
			names[i] = string(b)
		}
		return &clients.Error{Package: pkg, Kind: clients.ErrWrongBackend, URL: cfg.Redacted(), Msg: fmt.Sprintf(
			"%s:// is a %s cache, not %s: %s", s.Name, s.Backend, strings.Join(names, " or "), use[s.Backend])}
	}
	class := s.DjangoBackend[strings.LastIndexByte(s.DjangoBackend, '.')+1:]
	return &clients.Error{Package: pkg, Kind: clients.ErrNoGoClient, URL: cfg.Redacted(), Msg: fmt.Sprintf(
		"%s:// is Django's %s, which no Go client serves", s.Name, class)}
}

// use says which package serves a backend.
var use = map[core.Backend]string{
	core.BackendRedis:     "use clients/goredis, or package cache",
	core.BackendMemcached: "use clients/gomemcache, or package cache",
	core.BackendLocmem:    "use package cache, whose in-process cache it is",
	core.BackendDummy:     "use package cache, whose no-op cache it is",
}
