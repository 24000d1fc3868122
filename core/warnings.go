package core

import (
	"fmt"
	"sort"
	"strings"
)

// A Warning is something a valid config does that its writer may not
// expect: a value Django silently ignores, or one that means two things. A
// program can log them at startup, whatever read the config (a URL, koanf,
// viper, the environment); the cacheurl command's explain prints them.
type Warning struct {
	// Code identifies the warning for programs, in lower_snake_case; the
	// codes are listed on [Config.Warnings] and do not change.
	Code string
	// Keys are the keys of the structured form the warning concerns, as
	// koanf and viper name them: max_entries, ttl, options.client_class
	// (a URL writes them as query parameters), or scheme.
	Keys []string
	// Message says what happens, for people. It names keys and values but
	// never a secret's value.
	Message string
}

// String returns the message.
func (w Warning) String() string { return w.Message }

// The warning codes.
const (
	// WarnDjangoIgnoresCull: max_entries or cull_frequency on a redis or
	// memcached config. Django's backends for them do not cull.
	WarnDjangoIgnoresCull = "django_ignores_cull"
	// WarnDjangoIgnoresOption: options that Django's CACHES entry gets as
	// top-level keys (where django-cache-url puts parameters it does not
	// know), which Django ignores.
	WarnDjangoIgnoresOption = "django_ignores_option"
	// WarnDjangoHiredisParser: the hiredis scheme's OPTIONS.PARSER_CLASS,
	// which Django's built-in RedisCache does not read.
	WarnDjangoHiredisParser = "django_hiredis_parser"
	// WarnDjangoPoolTimeout: with lib=redis-cache over TCP, the TTL is also
	// the connection pool's timeout.
	WarnDjangoPoolTimeout = "django_pool_timeout"
)

// Warnings returns what a Django service reading the same config (through
// its Django view, [Config.Django]) would silently ignore or read twice, in
// this order:
//
//   - [WarnDjangoIgnoresCull]: max_entries or cull_frequency on a redis or
//     memcached config (only Django's locmem, file and db backends cull);
//   - [WarnDjangoIgnoresOption]: options rendered as top-level keys, which
//     Django ignores (it hands only OPTIONS to the client library);
//   - [WarnDjangoHiredisParser]: the hiredis scheme, whose PARSER_CLASS
//     Django's built-in RedisCache does not read;
//   - [WarnDjangoPoolTimeout]: a TTL with lib=redis-cache over TCP, which is
//     also the pool's timeout.
//
// It returns nil when there is nothing to say, when the config has no Django
// view (Redis Sentinel and Cluster) and when [Config.Normalize] rejects it
// (the error says more). A hand-made config is normalized first.
func (c Config) Warnings() []Warning {
	n, err := c.Normalize()
	if err != nil {
		return nil
	}
	view, err := n.Django()
	if err != nil {
		return nil
	}
	backend, _ := view["BACKEND"].(string)
	class := backend[strings.LastIndexByte(backend, '.')+1:]
	var warns []Warning
	if n.Backend == BackendRedis || n.Backend == BackendMemcached {
		var keys, names []string
		if n.MaxEntries != nil {
			keys, names = append(keys, "max_entries"), append(names, "MAX_ENTRIES")
		}
		if n.CullFrequency != nil {
			keys, names = append(keys, "cull_frequency"), append(names, "CULL_FREQUENCY")
		}
		if len(keys) > 0 {
			warns = append(warns, Warning{WarnDjangoIgnoresCull, keys, fmt.Sprintf(
				"Django's %s does not cull, so it ignores %s (only the locmem, file and db backends use them); it hands OPTIONS to its client library as arguments",
				class, strings.Join(names, " and "))})
		}
	}
	redisCacheTCP := n.Lib == libRedisCache && n.Socket == ""
	var ignored []string // option names
	for name := range n.Options {
		switch strings.ToUpper(name) {
		case "PARSER_CLASS", "CONNECTION_POOL_CLASS", "MAX_CONNECTIONS":
			if redisCacheTCP {
				continue // also copied into OPTIONS
			}
		}
		ignored = append(ignored, name)
	}
	if len(ignored) > 0 {
		sort.Slice(ignored, func(i, j int) bool { return strings.ToUpper(ignored[i]) < strings.ToUpper(ignored[j]) })
		keys, names := make([]string, len(ignored)), make([]string, len(ignored))
		for i, name := range ignored {
			keys[i], names[i] = "options."+name, strings.ToUpper(name)
		}
		what := "key"
		if len(names) > 1 {
			what = "keys"
		}
		warns = append(warns, Warning{WarnDjangoIgnoresOption, keys, fmt.Sprintf(
			"Django ignores the top-level %s %s: django-cache-url puts query parameters it does not know there, not in OPTIONS",
			what, strings.Join(names, ", "))})
	}
	if n.Scheme == "hiredis" && n.Lib == "" {
		warns = append(warns, Warning{WarnDjangoHiredisParser, []string{"scheme"},
			"Django's built-in RedisCache takes its parser as OPTIONS parser_class (lower case); it hands django-cache-url's PARSER_CLASS to redis-py as a connection argument, so hiredis is not selected this way"})
	}
	if redisCacheTCP && n.TTL.IsSet() {
		warns = append(warns, Warning{WarnDjangoPoolTimeout, []string{"ttl"},
			"with lib=redis-cache, timeout is both Django's TIMEOUT and the connection pool's timeout (OPTIONS.CONNECTION_POOL_CLASS_KWARGS)"})
	}
	return warns
}
