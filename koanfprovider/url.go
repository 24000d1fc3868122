package koanfprovider

import (
	"strings"

	"github.com/cacheurl/cacheurl/core"
)

// URLProvider loads the structured keys of one URL string. Create it with
// [Provider].
type URLProvider struct {
	url   string
	delim string
	opt   Opt
}

// Provider returns a koanf provider for the URL url: Read parses it with
// [core.Parse] and returns its structured keys, and the URL itself as the
// url key, under opt.Prefix ("cache"), nested at delim like koanf's own
// providers:
//
//	k.Load(koanfprovider.Provider("redis://cache:6379/1", ".", koanfprovider.Opt{}), nil)
//	// cache.url, cache.scheme, cache.backend, cache.hosts, cache.db, ...
//
// The URL is parsed as given: an empty string is an error, not the default
// (use [Env] for the defaults of docs/environment.md). Only Opt.Prefix is used; the
// default prefix is "cache", with or without Opt.Named.
func Provider(url, delim string, opt Opt) *URLProvider {
	return &URLProvider{url: url, delim: delim, opt: opt}
}

// Read parses the URL and returns its keys as a nested map. A bad URL is an
// [*Error] whose Key is the prefix and whose cause is the [*core.Error].
func (p *URLProvider) Read() (map[string]any, error) {
	prefix := p.opt.Prefix
	if prefix == "" {
		prefix = DefaultPrefix // one URL: Named does not apply
	}
	c, err := core.Parse(p.url)
	if err != nil {
		return nil, &Error{Key: prefix, Err: err}
	}
	return nest(prefix, p.delim, withURL(c, strings.TrimSpace(p.url))), nil
}

// ReadBytes is not supported: it returns [ErrNotSupported].
func (p *URLProvider) ReadBytes() ([]byte, error) { return nil, ErrNotSupported }
