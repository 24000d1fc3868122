package core

import (
	"fmt"
	"strconv"
	"strings"
)

// The Django BACKEND classes the Django view uses besides the scheme table's.
const (
	// djangoRedisCacheBackend is django-redis-cache's class (lib=redis-cache).
	djangoRedisCacheBackend = "redis_cache.RedisCache"
	// djangoRedisBackend is django-redis's class (lib=django-redis).
	djangoRedisBackend = "django_redis.cache.RedisCache"
	// hiredisParserClass is the OPTIONS.PARSER_CLASS the hiredis scheme adds.
	hiredisParserClass = "redis.connection.HiredisParser"
)

// The values of [Config.Lib].
const (
	libRedisCache  = "redis-cache"
	libDjangoRedis = "django-redis"
)

// djangoTopLevel are the top-level keys the Django view sets from typed
// fields; an option whose upper-cased name is one of them cannot be
// rendered without clobbering (or being clobbered by) that field.
var djangoTopLevel = map[string]bool{
	"BACKEND": true, "LOCATION": true, "OPTIONS": true, "TIMEOUT": true, "TTL": true,
	"KEY_PREFIX": true, "VERSION": true, "KEY_FUNCTION": true, "MAX_ENTRIES": true,
	"CULL_FREQUENCY": true, "LIB": true, "DB": true,
}

// Django returns c as the Django CACHES entry that django-cache-url 3.4.6
// produces for the same URL, for a Go service and a Django
// service that read one CACHE_URL to agree, and for tools that print Django
// settings. Encoded with encoding/json it is the reference's JSON object:
//
//   - "BACKEND" (string): the Django class. The scheme table gives it
//     ([Scheme.DjangoBackend]); lib=redis-cache selects
//     "redis_cache.RedisCache" and lib=django-redis
//     "django_redis.cache.RedisCache".
//   - "LOCATION": a string, or a []string with one redis URL per host when
//     a redis URL has several hosts (Django's RedisCache takes the primary
//     first, then the replicas). Redis TCP locations are
//     "redis://[user][:password@]host:port/db" (rediss for TLS schemes),
//     with hosts lower-cased and the userinfo percent-encoded canonically;
//     redis sockets are "unix://[userinfo@]/path?db=N" with the path
//     percent-encoded as Format does (redis-py decodes it); memcached
//     hosts are joined with ";" (ports canonical: leading zeros and an empty
//     port dropped), and memcached sockets are "unix:///path" with the path
//     as decoded (the memcached clients do not decode it); file
//     caches give the directory, locmem, db and dummy the name, and uwsgi
//     the name or "default".
//   - "OPTIONS" (map[string]any), only when not empty: "MAX_ENTRIES" and
//     "CULL_FREQUENCY" as int; "PARSER_CLASS" for hiredis; for
//     lib=redis-cache over TCP "PARSER_CLASS", "CONNECTION_POOL_CLASS" and
//     "CONNECTION_POOL_CLASS_KWARGS" (a map[string]any with int
//     "max_connections" and "timeout", an int64 timeout only where int
//     cannot hold it); for lib=django-redis the password as "PASSWORD".
//   - "TIMEOUT": the TTL in whole seconds as a string ("300"), or nil (JSON
//     null) when entries never expire; absent when no TTL is set.
//   - "KEY_PREFIX", "VERSION", "KEY_FUNCTION", "LIB" and every option, its
//     name upper-cased, as strings at the top level.
//
// The view differs from the reference only by the deliberate fixes listed in
// docs/grammar.md (the username kept, IPv6 brackets kept, canonical values
// and ports, socket paths percent-encoded, timeout in seconds or null, ...). Redis Sentinel and Cluster configs have
// no Django equivalent: Django returns an error matching [ErrNotExpressible].
// A structured value the view cannot render (an unknown scheme, a bad lib, a
// non-integer max_connections with lib=redis-cache, lib=redis-cache with a
// never-expiring TTL over TCP, an option named like a Django key) gives an
// [*Error] as well; errors never contain the password.
//
// Django renders what it is given: call it on c.Redact() to print settings
// for people.
func (c Config) Django() (map[string]any, error) {
	s, ok := lookupScheme(c.Scheme)
	if !ok {
		return nil, newError(ErrUnknownScheme, c.Scheme, 0, len(c.Scheme), unknownSchemeMsg(c.Scheme))
	}
	if s.DjangoBackend == "" {
		what := "Redis Sentinel"
		if s.Topology == Cluster {
			what = "Redis Cluster"
		}
		return nil, newError(ErrNotExpressible, c.Redacted(), 0, len(s.Name), fmt.Sprintf(
			"%s (%s) is not expressible in Django: Django's cache backends and django-cache-url have no %s support; give Django redis:// URLs of the servers instead (primary first, then replicas)",
			s.Name, what, what))
	}
	if c.Lib != "" && (s.Backend != BackendRedis || (c.Lib != libRedisCache && c.Lib != libDjangoRedis)) {
		msg := fmt.Sprintf("lib %s is not a redis library: use %q or %q", quoteShort(c.Lib), libRedisCache, libDjangoRedis)
		if s.Backend != BackendRedis {
			msg = fmt.Sprintf("lib is for redis schemes only, and %s is %s", s.Name, s.Backend)
		}
		return nil, newError(ErrInvalidParameter, c.Redacted(), 0, 0, msg)
	}

	view := make(map[string]any, 4+len(c.Options))
	opts := map[string]any{}
	backend := s.DjangoBackend

	switch s.Backend {
	case BackendRedis:
		switch c.Lib {
		case libRedisCache:
			backend = djangoRedisCacheBackend
		case libDjangoRedis:
			backend = djangoRedisBackend
		}
		if s.Name == "hiredis" {
			opts["PARSER_CLASS"] = hiredisParserClass
		}
		view["LOCATION"] = c.djangoRedisLocation(s, opts)
		if c.Lib == libRedisCache && c.Socket == "" {
			if err := c.djangoRedisCacheOptions(opts); err != nil {
				return nil, err
			}
		}
	case BackendMemcached:
		if c.Socket != "" {
			view["LOCATION"] = "unix://" + c.Socket
		} else {
			hosts := make([]string, len(c.Hosts))
			for i, h := range c.Hosts {
				hosts[i] = strings.ReplaceAll(h, "%", "%25")
			}
			view["LOCATION"] = djangoUserinfo(c.Username, c.Password) + strings.Join(hosts, ";")
		}
	case BackendUWSGI:
		loc := c.Path
		if loc == "" {
			loc = "default"
		}
		view["LOCATION"] = loc
	default: // file, locmem, db, dummy
		view["LOCATION"] = c.Path
	}
	view["BACKEND"] = backend

	if c.MaxEntries != nil {
		opts["MAX_ENTRIES"] = *c.MaxEntries
	}
	if c.CullFrequency != nil {
		opts["CULL_FREQUENCY"] = *c.CullFrequency
	}
	if len(opts) > 0 {
		view["OPTIONS"] = opts
	}

	if c.TTL.Never() {
		view["TIMEOUT"] = nil
	} else if secs, ok := c.TTL.Seconds(); ok {
		view["TIMEOUT"] = strconv.FormatInt(secs, 10)
	}
	if c.KeyPrefix != "" {
		view["KEY_PREFIX"] = c.KeyPrefix
	}
	if c.Version != nil {
		view["VERSION"] = strconv.Itoa(*c.Version)
	}
	if c.KeyFunction != "" {
		view["KEY_FUNCTION"] = c.KeyFunction
	}
	if c.Lib != "" {
		view["LIB"] = c.Lib
	}
	for name, v := range c.Options {
		key := strings.ToUpper(name)
		// On redis ?db= is the db field; elsewhere it is an ordinary option
		// and goes to the top level, as in the reference.
		if djangoTopLevel[key] && (key != "DB" || s.Backend == BackendRedis) {
			kind := ErrInvalidParameter
			if key == "BACKEND" || key == "LOCATION" || key == "OPTIONS" {
				kind = ErrReservedParameter
			}
			return nil, newError(kind, c.Redacted(), 0, 0, fmt.Sprintf(
				"option %s would render as the Django key %s, which the config's own fields set; rename or remove the option",
				quoteShort(name), key))
		}
		view[key] = v
	}
	return view, nil
}

// djangoRedisLocation renders the redis LOCATION: one URL, or a list of URLs
// when there are several hosts. With lib=django-redis the password goes to
// opts["PASSWORD"] instead of the URL, as django-cache-url 3.4.5 did.
func (c Config) djangoRedisLocation(s *Scheme, opts map[string]any) any {
	username, password := c.Username, c.Password
	if c.Lib == libDjangoRedis && password != "" {
		opts["PASSWORD"] = password
		password = ""
	}
	userinfo := djangoUserinfo(username, password)
	db := strconv.Itoa(c.DB)
	if c.Socket != "" {
		// redis-py's form: unix://[[username]:[password]@]/path?db=N.
		return "unix://" + userinfo + djangoEscape(c.Socket, encPath) + "?db=" + db
	}
	scheme := "redis"
	if s.TLS {
		scheme = "rediss"
	}
	hosts := c.Hosts
	if len(hosts) == 0 {
		hosts = []string{"localhost:" + strconv.Itoa(s.DefaultPort)}
	}
	locs := make([]string, len(hosts))
	for i, h := range hosts {
		locs[i] = scheme + "://" + userinfo + djangoRedisHost(h) + "/" + db
	}
	if len(locs) == 1 {
		return locs[0]
	}
	return locs
}

// djangoRedisCacheOptions adds the OPTIONS django-cache-url builds for
// lib=redis-cache over TCP: PARSER_CLASS, CONNECTION_POOL_CLASS and
// CONNECTION_POOL_CLASS_KWARGS, each only when its parameter is given.
func (c Config) djangoRedisCacheOptions(opts map[string]any) error {
	if v, ok := c.Options["parser_class"]; ok {
		opts["PARSER_CLASS"] = v
	}
	if v, ok := c.Options["connection_pool_class"]; ok {
		opts["CONNECTION_POOL_CLASS"] = v
	}
	kwargs := map[string]any{}
	if v, ok := c.Options["max_connections"]; ok {
		n, err := strconv.Atoi(v)
		if !allDigits(v) || err != nil || n < 1 {
			return newError(ErrInvalidParameter, c.Redacted(), 0, 0, fmt.Sprintf(
				"max_connections %s is not a whole number ≥ 1 (lib=redis-cache uses it as the pool size)", quoteShort(v)))
		}
		kwargs["max_connections"] = n
	}
	if c.TTL.Never() {
		return newError(ErrInvalidParameter, c.Redacted(), 0, 0,
			"timeout none cannot be used with lib=redis-cache over TCP: django-cache-url passes the timeout to the connection pool as an integer; give whole seconds")
	}
	if secs, ok := c.TTL.Seconds(); ok {
		if int64(int(secs)) == secs {
			kwargs["timeout"] = int(secs)
		} else {
			kwargs["timeout"] = secs
		}
	}
	if len(kwargs) > 0 {
		opts["CONNECTION_POOL_CLASS_KWARGS"] = kwargs
	}
	return nil
}

// djangoRedisHost lower-cases a redis host as the reference does (its
// hostname is lower-cased), keeping the brackets of an IPv6 literal and
// writing an IPv6 zone back as %25zone, the zone's case kept.
func djangoRedisHost(h string) string {
	if i := strings.IndexByte(h, '%'); i >= 0 {
		return strings.ToLower(h[:i]) + "%25" + h[i+1:]
	}
	return strings.ToLower(h)
}

// djangoUserinfo returns "user:password@", "user@", ":password@" or "",
// percent-encoded canonically.
func djangoUserinfo(username, password string) string {
	switch {
	case username == "" && password == "":
		return ""
	case password == "":
		return djangoEscapeUserinfo(username) + "@"
	default:
		return djangoEscapeUserinfo(username) + ":" + djangoEscapeUserinfo(password) + "@"
	}
}

// djangoEscapeUserinfo percent-encodes a username or password by the
// canonical rule of [Format].
func djangoEscapeUserinfo(s string) string { return djangoEscape(s, encUserinfo) }

// djangoEscape returns s percent-encoded for mode (encUserinfo, encPath).
func djangoEscape(s string, mode encoding) string {
	var b strings.Builder
	escape(&b, s, mode)
	return b.String()
}
