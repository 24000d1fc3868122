package core

import "strings"

// Scheme describes one URL scheme: the single table that drives parsing,
// the Django view, the CLI's scheme list and the README's grammar table.
type Scheme struct {
	// Name is the lower-case scheme.
	Name string
	// Backend is the cache family.
	Backend Backend
	// TLS is true for schemes that connect with TLS.
	TLS bool
	// Topology is the redis topology ("" for other backends).
	Topology Topology
	// DefaultPort is filled into redis-family hosts given without a port; for
	// memcached it is the port the clients use (Parse does not fill it in).
	DefaultPort int
	// Dialect is where the scheme comes from: "django-cache-url",
	// "django-environ" or "cacheurl".
	Dialect string
	// DjangoScheme is the django-cache-url scheme this one renders as in the
	// Django view ("" when there is none: sentinel and cluster).
	DjangoScheme string
	// DjangoBackend is the Django BACKEND class ("" when there is none).
	DjangoBackend string
	// Note is a short human description.
	Note string
}

const (
	djangoRedis = "django.core.cache.backends.redis.RedisCache"
	dialectRef  = "django-cache-url"
	dialectEnv  = "django-environ"
	dialectOurs = "cacheurl"
)

// schemes is the scheme table: the one list of schemes, documented in
// docs/grammar.md. Order is the documentation order.
var schemes = []Scheme{
	{"redis", BackendRedis, false, Standalone, 6379, dialectRef, "redis", djangoRedis, "Redis"},
	{"rediss", BackendRedis, true, Standalone, 6379, dialectRef, "rediss", djangoRedis, "Redis over TLS"},
	{"hiredis", BackendRedis, false, Standalone, 6379, dialectRef, "hiredis", djangoRedis, "Redis with the hiredis parser (Django PARSER_CLASS)"},
	{"valkey", BackendRedis, false, Standalone, 6379, dialectOurs, "redis", djangoRedis, "Valkey (Redis protocol)"},
	{"valkeys", BackendRedis, true, Standalone, 6379, dialectOurs, "rediss", djangoRedis, "Valkey over TLS"},
	{"rediscache", BackendRedis, false, Standalone, 6379, dialectEnv, "redis", djangoRedis, "django-environ's name for redis"},
	{"unix", BackendRedis, false, Standalone, 6379, dialectOurs, "redis", djangoRedis, "Redis unix socket, redis-py's and go-redis's spelling: unix://[[user]:pw@]/path.sock[?db=N]"},
	{"redis+sentinel", BackendRedis, false, Sentinel, 26379, dialectOurs, "", "", "Redis Sentinel: hosts are sentinels, path is /master[/db]"},
	{"rediss+sentinel", BackendRedis, true, Sentinel, 26379, dialectOurs, "", "", "Redis Sentinel over TLS"},
	{"redis+cluster", BackendRedis, false, Cluster, 6379, dialectOurs, "", "", "Redis Cluster: hosts are seed nodes, no db"},
	{"rediss+cluster", BackendRedis, true, Cluster, 6379, dialectOurs, "", "", "Redis Cluster over TLS"},
	{"memcached", BackendMemcached, false, "", 11211, dialectRef, "memcached", "django.core.cache.backends.memcached.PyLibMCCache", "memcached via pylibmc"},
	{"pymemcache", BackendMemcached, false, "", 11211, dialectRef, "pymemcache", "django.core.cache.backends.memcached.PyMemcacheCache", "memcached via pymemcache"},
	{"pymemcached", BackendMemcached, false, "", 11211, dialectRef, "pymemcached", "django.core.cache.backends.memcached.MemcachedCache", "memcached via python-memcached"},
	{"djangopylibmc", BackendMemcached, false, "", 11211, dialectRef, "djangopylibmc", "django_pylibmc.memcached.PyLibMCCache", "memcached via django-pylibmc"},
	{"elasticache", BackendMemcached, false, "", 11211, dialectRef, "elasticache", "django_elasticache.memcached.ElastiCache", "AWS ElastiCache memcached (hosts only)"},
	{"memcache", BackendMemcached, false, "", 11211, dialectEnv, "pymemcached", "django.core.cache.backends.memcached.MemcachedCache", "django-environ's name for python-memcached"},
	{"pylibmc", BackendMemcached, false, "", 11211, dialectEnv, "memcached", "django.core.cache.backends.memcached.PyLibMCCache", "django-environ's name for pylibmc"},
	{"locmem", BackendLocmem, false, "", 0, dialectRef, "locmem", "django.core.cache.backends.locmem.LocMemCache", "in-process memory; the name is optional"},
	{"locmemcache", BackendLocmem, false, "", 0, dialectEnv, "locmem", "django.core.cache.backends.locmem.LocMemCache", "django-environ's name for locmem"},
	{"file", BackendFile, false, "", 0, dialectRef, "file", "django.core.cache.backends.filebased.FileBasedCache", "directory (required): file:///abs or file://relative"},
	{"filecache", BackendFile, false, "", 0, dialectEnv, "file", "django.core.cache.backends.filebased.FileBasedCache", "django-environ's name for file"},
	{"db", BackendDB, false, "", 0, dialectRef, "db", "django.core.cache.backends.db.DatabaseCache", "database table (required)"},
	{"dbcache", BackendDB, false, "", 0, dialectEnv, "db", "django.core.cache.backends.db.DatabaseCache", "django-environ's name for db"},
	{"dummy", BackendDummy, false, "", 0, dialectRef, "dummy", "django.core.cache.backends.dummy.DummyCache", "no-op cache; the name is optional"},
	{"dummycache", BackendDummy, false, "", 0, dialectEnv, "dummy", "django.core.cache.backends.dummy.DummyCache", "django-environ's name for dummy"},
	{"uwsgicache", BackendUWSGI, false, "", 0, dialectRef, "uwsgicache", "uwsgicache.UWSGICache", "uWSGI cache; the name defaults to \"default\""},
}

// Schemes returns a copy of the scheme table.
func Schemes() []Scheme { return append([]Scheme(nil), schemes...) }

// schemesByFirst lists the schemes by the lower-case first byte of their
// name, so a look-up compares against two or three names, not all.
var schemesByFirst = func() (t [256][]*Scheme) {
	for i := range schemes {
		b := schemes[i].Name[0]
		t[b] = append(t[b], &schemes[i])
	}
	return t
}()

// lookupScheme finds a scheme case-insensitively without allocating.
func lookupScheme(name string) (*Scheme, bool) {
	if name == "" {
		return nil, false
	}
	b := name[0]
	if 'A' <= b && b <= 'Z' {
		b += 'a' - 'A'
	}
	for _, s := range schemesByFirst[b] {
		if len(s.Name) == len(name) && (s.Name == name || strings.EqualFold(s.Name, name)) {
			return s, true
		}
	}
	return nil, false
}

// LookupScheme returns the table entry for a scheme (case-insensitive).
func LookupScheme(name string) (Scheme, bool) {
	s, ok := lookupScheme(name)
	if !ok {
		return Scheme{}, false
	}
	return *s, true
}

// suggestScheme returns the known scheme closest to name (edit distance with
// transpositions), or "" when none is close.
func suggestScheme(name string) string {
	name = strings.ToLower(name)
	best, bestD := "", 1<<30
	for _, s := range schemes {
		d := editDistance(name, s.Name)
		if d < bestD {
			best, bestD = s.Name, d
		}
	}
	limit := 2
	switch {
	case len(name) < 3:
		return ""
	case len(name) <= 4:
		limit = 1
	}
	if bestD <= limit {
		return best
	}
	return ""
}

// editDistance is the optimal string alignment distance (Levenshtein plus
// adjacent transpositions), so "redsi" is 1 from "redis".
func editDistance(a, b string) int {
	if len(a) > 64 || len(b) > 64 {
		return 1 << 30
	}
	var rows [3][65]int // on the stack: no allocation per comparison
	prev2, prev, cur := rows[0][:len(b)+1], rows[1][:len(b)+1], rows[2][:len(b)+1]
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			v := min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
			if i > 1 && j > 1 && a[i-1] == b[j-2] && a[i-2] == b[j-1] {
				v = min(v, prev2[j-2]+1)
			}
			cur[j] = v
		}
		prev2, prev, cur = prev, cur, prev2
	}
	return prev[len(b)]
}

func unknownSchemeMsg(name string) string {
	msg := "unknown scheme " + quoteShort(name)
	if s := suggestScheme(name); s != "" {
		msg += " (did you mean " + quoteShort(s) + "?)"
	} else {
		msg += "; known schemes: " + schemeList()
	}
	return msg
}

func schemeList() string {
	var b strings.Builder
	for i, s := range schemes {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(s.Name)
	}
	return b.String()
}

// quoted rejects a value wrapped in quotes ("redis://..." or 'redis://...'),
// as env files and docker-compose pass them through literally. A URL never
// starts with a quote (a scheme is letters), so the first byte decides.
func (p *parser) quoted(s string) bool {
	q := s[0]
	if q != '"' && q != '\'' {
		return true
	}
	msg := "the value starts with a quote (" + quoteByte(q) + "); remove the quotes around the URL: env files and docker-compose keep them as part of the value"
	n := 1
	if len(s) > 1 && s[len(s)-1] == q {
		msg = "the value is wrapped in quotes (" + string(q) + "..." + string(q) + "); remove the quotes: env files and docker-compose keep them as part of the value"
	}
	return p.fail(ErrMalformed, 0, n, msg)
}
