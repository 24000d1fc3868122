package fuzz

import (
	"math"
	"math/rand"
	"net/netip"
	"sort"
	"strconv"
	"strings"

	"github.com/cacheurl/cacheurl/core"
	"github.com/leanovate/gopter"
	"github.com/leanovate/gopter/gen"
)

// This file has the gopter generators of valid, canonical core.Config
// values: for every generated c, c is exactly what core.Parse returns for
// some URL (docs/grammar.md), so Parse(Format(c)) must give c back.
//
// The canonical shape, field by field (docs/grammar.md and core/config.go):
//   - Scheme is the lower-case scheme name; Backend, TLS and Topology are the
//     ones of docs/grammar.md's scheme table (schemeTable below, written from that document,
//     not read from core, and checked against core.Schemes in a test).
//   - Redis hosts always carry a port (6379, sentinels 26379, filled in);
//     memcached hosts keep a port only where the URL had one. IPv6 hosts are
//     bracketed with the zone decoded ("[fe80::1%eth0]:6379").
//   - A redis socket (non-TLS standalone schemes only) and a memcached socket
//     (not elasticache) have no hosts and no userinfo; redis sockets may have
//     a db.
//   - Sentinel configs have a master name; cluster configs have db 0. The grammar
//     does not restrict master names; core takes printable ASCII without
//     space (a '/' goes to ?master_name=), and so do the generators.
//   - locmem/db/dummy/uwsgi names are printable ASCII except space and
//     "/?#@:,"; uwsgi's name is "default" when the URL has none; db needs one.
//   - file directories are any text, absolute or relative.
//   - Pointers and Options are nil when absent; empty strings mean unset.
//   - Userinfo, paths and query values never contain C0 control characters
//     or DEL (docs/grammar.md rejects them raw; core also rejects them once
//     decoded). Other non-ASCII text, C1's NEL included, is generated.
//   - With lib=redis-cache the TTL is never "never" and max_connections is
//     an integer ≥ 1 (docs/grammar.md, docs/django.md; core rejects both at Parse).

// secretMarker is part of every generated password and credential option
// value, and of nothing else, so "this output does not contain the
// password" is checked by looking for the marker: it survives every
// encoding (percent-encoding, JSON, Go quoting) unchanged.
const secretMarker = "Zq7sEcReT"

// maxInt31 is the largest redis db and the largest integer parameter.
const maxInt31 = 1<<31 - 1

// schemeInfo is one row of docs/grammar.md's scheme table.
type schemeInfo struct {
	name     string
	backend  core.Backend
	tls      bool
	topology core.Topology
}

// schemeTable is the scheme table of docs/grammar.md, written out independently of core's table.
var schemeTable = []schemeInfo{
	{"redis", core.BackendRedis, false, core.Standalone},
	{"rediss", core.BackendRedis, true, core.Standalone},
	{"hiredis", core.BackendRedis, false, core.Standalone},
	{"valkey", core.BackendRedis, false, core.Standalone},
	{"valkeys", core.BackendRedis, true, core.Standalone},
	{"rediscache", core.BackendRedis, false, core.Standalone},
	{"unix", core.BackendRedis, false, core.Standalone}, // sockets only
	{"redis+sentinel", core.BackendRedis, false, core.Sentinel},
	{"rediss+sentinel", core.BackendRedis, true, core.Sentinel},
	{"redis+cluster", core.BackendRedis, false, core.Cluster},
	{"rediss+cluster", core.BackendRedis, true, core.Cluster},
	{"memcached", core.BackendMemcached, false, ""},
	{"pymemcache", core.BackendMemcached, false, ""},
	{"pymemcached", core.BackendMemcached, false, ""},
	{"djangopylibmc", core.BackendMemcached, false, ""},
	{"elasticache", core.BackendMemcached, false, ""},
	{"memcache", core.BackendMemcached, false, ""},
	{"pylibmc", core.BackendMemcached, false, ""},
	{"locmem", core.BackendLocmem, false, ""},
	{"locmemcache", core.BackendLocmem, false, ""},
	{"file", core.BackendFile, false, ""},
	{"filecache", core.BackendFile, false, ""},
	{"db", core.BackendDB, false, ""},
	{"dbcache", core.BackendDB, false, ""},
	{"dummy", core.BackendDummy, false, ""},
	{"dummycache", core.BackendDummy, false, ""},
	{"uwsgicache", core.BackendUWSGI, false, ""},
}

// schemesWhere returns the rows of schemeTable that match keep.
func schemesWhere(keep func(s schemeInfo) bool) []schemeInfo {
	var out []schemeInfo
	for _, s := range schemeTable {
		if keep(s) {
			out = append(out, s)
		}
	}
	return out
}

var (
	standaloneSchemes = schemesWhere(func(s schemeInfo) bool { return s.topology == core.Standalone && s.name != "unix" })
	socketSchemes     = schemesWhere(func(s schemeInfo) bool { return s.topology == core.Standalone && !s.tls })
	sentinelSchemes   = schemesWhere(func(s schemeInfo) bool { return s.topology == core.Sentinel })
	clusterSchemes    = schemesWhere(func(s schemeInfo) bool { return s.topology == core.Cluster })
	memcachedSchemes  = schemesWhere(func(s schemeInfo) bool { return s.backend == core.BackendMemcached })
	memcachedSockets  = schemesWhere(func(s schemeInfo) bool {
		return s.backend == core.BackendMemcached && s.name != "elasticache"
	})
	namedSchemes = schemesWhere(func(s schemeInfo) bool {
		switch s.backend {
		case core.BackendLocmem, core.BackendDB, core.BackendDummy, core.BackendUWSGI:
			return true
		}
		return false
	})
	fileSchemes = schemesWhere(func(s schemeInfo) bool { return s.backend == core.BackendFile })
)

// cacheArgNames are the query parameters with a Config field of their own
// (docs/grammar.md), the reserved names, and the redis path parameters: none of
// them can be an option.
var cacheArgNames = []string{
	"timeout", "ttl", "key_prefix", "version", "key_function", "max_entries",
	"cull_frequency", "lib", "backend", "location", "options", "db", "master_name",
}

// optionNames are realistic option names (docs/grammar.md) mixed into the random
// ones. max_connections is added separately: with lib=redis-cache its value
// must be an integer ≥ 1.
var optionNames = []string{
	"client_class", "parser_class", "ssl_cert_reqs", "dial_timeout", "read_timeout",
	"pool_size", "protocol", "client_name", "skip_verify", "socket_timeout",
	"password", "sentinel_password", "sentinel_username", "compressor", "x.y-z_0",
}

// ---- small helpers over the generator parameters ----

// draw runs g with the parameters of the enclosing generator.
func draw[T any](p *gopter.GenParameters, g gopter.Gen) T {
	v, ok := g(p).Retrieve()
	if !ok {
		panic("fuzz: a generator gave no value")
	}
	return v.(T)
}

// chance is true with the given probability in percent.
func chance(p *gopter.GenParameters, percent int) bool { return p.Rng.Intn(100) < percent }

// between returns an int in [lo, hi].
func between(p *gopter.GenParameters, lo, hi int) int { return lo + p.Rng.Intn(hi-lo+1) }

// pick returns one element of xs.
func pick[T any](p *gopter.GenParameters, xs []T) T { return xs[p.Rng.Intn(len(xs))] }

// intUpTo returns an int in [lo, hi], biased towards small values.
func intUpTo(p *gopter.GenParameters, lo, hi int) int {
	switch r := p.Rng.Intn(10); {
	case r < 5:
		return between(p, lo, min(hi, lo+15))
	case r < 8:
		return between(p, lo, min(hi, lo+100000))
	default:
		return between(p, lo, hi)
	}
}

// runePicker draws one rune.
type runePicker func(r *rand.Rand) rune

// fromSet draws from the runes of set.
func fromSet(set string) runePicker {
	rs := []rune(set)
	return func(r *rand.Rand) rune { return rs[r.Intn(len(rs))] }
}

// asciiExcept draws printable ASCII (from lo to '~') except the bytes of
// excluded.
func asciiExcept(lo byte, excluded string) runePicker {
	var set []byte
	for b := lo; b <= '~'; b++ {
		if strings.IndexByte(excluded, b) < 0 {
			set = append(set, b)
		}
	}
	return fromSet(string(set))
}

// notableRunes are non-ASCII runes that have tripped URL code before:
// multi-byte letters, a 4-byte emoji, a full-width letter and an Arabic
// digit (which must not count as digits), no-break and zero-width spaces,
// the BOM, the replacement character and C1's NEL (not a C0 control).
var notableRunes = []rune("éßøÅçñ€中文😀🔑ＨⅣ٣\u00a0\u200b\ufeff\ufffd\u0085")

// textRune draws text for userinfo, paths and query values: mostly
// printable ASCII (space and the URL delimiters "@:/?#%&=+;," included),
// sometimes a notable or an arbitrary non-ASCII rune. Never C0 or DEL.
func textRune(r *rand.Rand) rune {
	switch n := r.Intn(20); {
	case n < 15:
		return rune(' ' + r.Intn('~'-' '+1))
	case n < 18:
		return notableRunes[r.Intn(len(notableRunes))]
	default:
		if r.Intn(2) == 0 {
			return rune(0xA0 + r.Intn(0xD800-0xA0))
		}
		return rune(0xE000 + r.Intn(0x10FFFF-0xE000+1))
	}
}

// segmentRune is textRune without '/', for one path segment.
func segmentRune(r *rand.Rand) rune {
	for {
		if c := textRune(r); c != '/' {
			return c
		}
	}
}

// genString generates strings of min to max runes drawn by pickRune.
func genString(minLen, maxLen int, pickRune runePicker) gopter.Gen {
	return func(p *gopter.GenParameters) *gopter.GenResult {
		rs := make([]rune, between(p, minLen, maxLen))
		for i := range rs {
			rs[i] = pickRune(p.Rng)
		}
		return gopter.NewGenResult(string(rs), gopter.NoShrinker)
	}
}

// ---- hosts ----

var (
	alnum     = fromSet("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789")
	hostByte  = fromSet("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_")
	zoneByte  = fromSet("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-._~")
	nameByte  = asciiExcept('!', "/?#@:,")
	masterSet = asciiExcept('!', "")
	optByte   = fromSet("abcdefghijklmnopqrstuvwxyz0123456789_.-")
	digitByte = fromSet("0123456789")
)

// genHostName generates host names of docs/grammar.md (ASCII letters, digits,
// '-', '_', '.'), case kept: dotted labels that start with a letter or
// digit, Docker-style names with '_', and a few fixed ones.
func genHostName() gopter.Gen {
	fixed := []string{"localhost", "cache", "redis_1", "memcached", "Cache.Example.COM", "a", "10"}
	return func(p *gopter.GenParameters) *gopter.GenResult {
		if chance(p, 15) {
			return gopter.NewGenResult(pick(p, fixed), gopter.NoShrinker)
		}
		labels := make([]string, between(p, 1, 3))
		for i := range labels {
			labels[i] = string(alnum(p.Rng)) + draw[string](p, genString(0, 11, hostByte))
		}
		return gopter.NewGenResult(strings.Join(labels, "."), gopter.NoShrinker)
	}
}

// genIPv4 generates dotted-quad IPv4 addresses (host names to the parser).
func genIPv4() gopter.Gen {
	return func(p *gopter.GenParameters) *gopter.GenResult {
		var a [4]byte
		for i := range a {
			a[i] = byte(p.Rng.Intn(256))
		}
		return gopter.NewGenResult(netip.AddrFrom4(a).String(), gopter.NoShrinker)
	}
}

// genIPv6 generates bracketed IPv6 literals in RFC 5952 form (as
// net/netip prints them), sometimes with a zone: "[fe80::1%eth0]", the zone
// decoded as in the structured form.
func genIPv6() gopter.Gen {
	fixed := []string{"::1", "::", "fe80::1", "2001:db8::1", "::ffff:192.0.2.1"}
	return func(p *gopter.GenParameters) *gopter.GenResult {
		var lit string
		if chance(p, 20) {
			lit = pick(p, fixed)
		} else {
			var a [16]byte
			for i := 0; i < 16; i += 2 {
				if chance(p, 50) {
					a[i], a[i+1] = byte(p.Rng.Intn(256)), byte(p.Rng.Intn(256))
				}
			}
			lit = netip.AddrFrom16(a).String()
		}
		if chance(p, 25) {
			lit += "%" + draw[string](p, genString(1, 8, zoneByte))
		}
		return gopter.NewGenResult("["+lit+"]", gopter.NoShrinker)
	}
}

// genHost generates one host: a name, an IPv4 or an IPv6 literal.
func genHost() gopter.Gen {
	return gen.Weighted([]gen.WeightedGen{
		{Weight: 6, Gen: genHostName()},
		{Weight: 2, Gen: genIPv4()},
		{Weight: 2, Gen: genIPv6()},
	})
}

// genPort generates a port from 1 to 65535; def is returned half the time
// (the redis default port, which Format leaves out of the URL).
func genPort(p *gopter.GenParameters, def int) int {
	if def > 0 && chance(p, 50) {
		return def
	}
	switch p.Rng.Intn(4) {
	case 0:
		return pick(p, []int{1, 6379, 6380, 11211, 26379, 65535})
	default:
		return between(p, 1, 65535)
	}
}

// genPassword generates a password: arbitrary text around secretMarker.
func genPassword(p *gopter.GenParameters) string {
	return draw[string](p, genString(0, 6, textRune)) + secretMarker + draw[string](p, genString(0, 6, textRune))
}

// addUserinfo gives c a username, a password, both, or neither.
func addUserinfo(p *gopter.GenParameters, c *core.Config) {
	switch n := p.Rng.Intn(10); {
	case n < 4:
	case n < 6:
		c.Password = genPassword(p)
	case n < 7:
		c.Username = draw[string](p, genString(1, 10, textRune))
	default:
		c.Username = draw[string](p, genString(1, 10, textRune))
		c.Password = genPassword(p)
	}
}

// genRedisDB generates a redis db from 0 to 2^31-1, often 0.
func genRedisDB(p *gopter.GenParameters) int {
	if chance(p, 40) {
		return 0
	}
	return intUpTo(p, 0, maxInt31)
}

// newConfig starts a config of scheme s with its derived fields.
func newConfig(s schemeInfo) core.Config {
	return core.Config{Scheme: s.name, Backend: s.backend, TLS: s.tls, Topology: s.topology}
}

// ---- families ----

// genRedisTCP generates redis configs over TCP of one topology: one or
// several hosts with explicit ports, optional credentials, a db (not for
// clusters) and a master (sentinels).
func genRedisTCP(topology core.Topology) gopter.Gen {
	schemes, defPort := standaloneSchemes, 6379
	switch topology {
	case core.Sentinel:
		schemes, defPort = sentinelSchemes, 26379
	case core.Cluster:
		schemes = clusterSchemes
	}
	return func(p *gopter.GenParameters) *gopter.GenResult {
		c := newConfig(pick(p, schemes))
		n := 1
		if chance(p, 30) {
			n = between(p, 2, 4)
		}
		for range n {
			h := draw[string](p, genHost())
			c.Hosts = append(c.Hosts, h+":"+strconv.Itoa(genPort(p, defPort)))
		}
		addUserinfo(p, &c)
		switch topology {
		case core.Standalone:
			c.DB = genRedisDB(p)
		case core.Sentinel:
			c.Master = genMaster(p)
			c.DB = genRedisDB(p)
		}
		addCacheArgs(p, &c)
		return gopter.NewGenResult(c, gopter.NoShrinker)
	}
}

// genMaster generates a sentinel master name: printable ASCII without
// space, sometimes all digits or with a '/'.
func genMaster(p *gopter.GenParameters) string {
	switch n := p.Rng.Intn(10); {
	case n < 1:
		return draw[string](p, genString(1, 4, digitByte))
	case n < 4:
		return pick(p, []string{"mymaster", "master-1", "cache.primary", "M_1"})
	default:
		return draw[string](p, genString(1, 12, masterSet))
	}
}

// genSocketPath generates an absolute unix socket path: segments of any
// text, sometimes a last all-digit segment (which Format must not let be
// read as a db) or a trailing '/'.
func genSocketPath(p *gopter.GenParameters) string {
	if chance(p, 20) {
		return pick(p, []string{"/run/redis.sock", "/tmp/memcached.sock", "/var/run/redis/redis-server.sock", "/path/to/socket/"})
	}
	segs := make([]string, between(p, 1, 4))
	for i := range segs {
		segs[i] = draw[string](p, genString(1, 10, segmentRune))
	}
	if chance(p, 15) {
		segs = append(segs, draw[string](p, genString(1, 5, digitByte)))
	}
	s := "/" + strings.Join(segs, "/")
	if chance(p, 10) {
		s += "/"
	}
	return s
}

// genRedisSocket generates redis configs over a unix socket (non-TLS
// standalone schemes), with a db.
func genRedisSocket() gopter.Gen {
	return func(p *gopter.GenParameters) *gopter.GenResult {
		c := newConfig(pick(p, socketSchemes))
		c.Socket = genSocketPath(p)
		c.DB = genRedisDB(p)
		addCacheArgs(p, &c)
		return gopter.NewGenResult(c, gopter.NoShrinker)
	}
}

// genMemcached generates memcached-family configs: hosts with or without
// ports and optional SASL credentials, or a socket (not elasticache).
func genMemcached() gopter.Gen {
	return func(p *gopter.GenParameters) *gopter.GenResult {
		if chance(p, 20) {
			c := newConfig(pick(p, memcachedSockets))
			c.Socket = genSocketPath(p)
			addCacheArgs(p, &c)
			return gopter.NewGenResult(c, gopter.NoShrinker)
		}
		c := newConfig(pick(p, memcachedSchemes))
		n := 1
		if chance(p, 35) {
			n = between(p, 2, 4)
		}
		for range n {
			h := draw[string](p, genHost())
			if chance(p, 60) {
				h += ":" + strconv.Itoa(genPort(p, 0))
			}
			c.Hosts = append(c.Hosts, h)
		}
		addUserinfo(p, &c)
		addCacheArgs(p, &c)
		return gopter.NewGenResult(c, gopter.NoShrinker)
	}
}

// genNamed generates locmem, db, dummy and uwsgi configs: a name of
// printable ASCII without space or "/?#@:,"; optional for locmem and
// dummy, required for db, "default" when absent for uwsgi.
func genNamed() gopter.Gen {
	return func(p *gopter.GenParameters) *gopter.GenResult {
		s := pick(p, namedSchemes)
		c := newConfig(s)
		name := ""
		if chance(p, 25) {
			name = pick(p, []string{"unique-snowflake", "my_cache_table", "default", "A", "%", "[x]", "~!$&'()*+;=", "100"})
		} else if chance(p, 80) {
			name = draw[string](p, genString(1, 16, nameByte))
		}
		switch {
		case name == "" && s.backend == core.BackendDB:
			name = "cache_table"
		case name == "" && s.backend == core.BackendUWSGI:
			name = "default"
		}
		c.Path = name
		addCacheArgs(p, &c)
		return gopter.NewGenResult(c, gopter.NoShrinker)
	}
}

// genFileDir generates cache directories: absolute, relative or
// Windows-style, segments of any text (spaces, '%', ':', '@', unicode),
// sometimes with a trailing '/', and the root "/".
func genFileDir(p *gopter.GenParameters) string {
	segs := func(n int) string {
		s := make([]string, n)
		for i := range s {
			s[i] = draw[string](p, genString(1, 10, segmentRune))
		}
		return strings.Join(s, "/")
	}
	var d string
	switch n := p.Rng.Intn(100); {
	case n < 3:
		return "/"
	case n < 15:
		return pick(p, []string{"/var/tmp/django_cache", "relative/dir", "C:/foo/bar", "/tmp/a b", "/tmp/c;x", "./cache", "../up", "/tmp/100%", "D:\\cache"})
	case n < 60:
		d = "/" + segs(between(p, 1, 4))
	case n < 90:
		d = segs(between(p, 1, 3))
	default:
		d = string(rune('A'+p.Rng.Intn(26))) + ":/" + segs(between(p, 1, 2))
	}
	if chance(p, 15) {
		d += "/"
	}
	return d
}

// genFile generates file-cache configs.
func genFile() gopter.Gen {
	return func(p *gopter.GenParameters) *gopter.GenResult {
		c := newConfig(pick(p, fileSchemes))
		c.Path = genFileDir(p)
		addCacheArgs(p, &c)
		return gopter.NewGenResult(c, gopter.NoShrinker)
	}
}

// ---- cache arguments and options ----

// addCacheArgs fills the query-parameter fields of docs/grammar.md: lib (redis
// only) first, then TTL (never is not allowed with lib=redis-cache, whose
// pool takes the timeout in seconds, docs/django.md), key_prefix, version,
// key_function, max_entries, cull_frequency and options.
func addCacheArgs(p *gopter.GenParameters, c *core.Config) {
	if c.Backend == core.BackendRedis && chance(p, 20) {
		c.Lib = pick(p, []string{"redis-cache", "django-redis"})
	}
	switch n := p.Rng.Intn(100); {
	case n < 45:
	case n < 60 && c.Lib != "redis-cache":
		c.TTL = core.NeverExpire
	default:
		switch p.Rng.Intn(5) {
		case 0:
			c.TTL = core.TTLSeconds(0)
		case 1:
			c.TTL = core.TTLSeconds(core.MaxTTLSeconds - p.Rng.Int63n(3))
		default:
			c.TTL = core.TTLSeconds(int64(intUpTo(p, 0, math.MaxInt32)))
		}
	}
	if chance(p, 30) {
		c.KeyPrefix = draw[string](p, genString(1, 12, textRune))
	}
	if chance(p, 20) {
		v := intUpTo(p, 0, maxInt31)
		c.Version = &v
	}
	if chance(p, 15) {
		if chance(p, 50) {
			c.KeyFunction = pick(p, []string{"myapp.cache.make_key", "m.f", "none"})
		} else {
			c.KeyFunction = draw[string](p, genString(1, 16, textRune))
		}
	}
	if chance(p, 15) {
		v := intUpTo(p, 1, maxInt31)
		c.MaxEntries = &v
	}
	if chance(p, 15) {
		v := intUpTo(p, 0, maxInt31)
		c.CullFrequency = &v
	}
	if chance(p, 35) {
		addOptions(p, c)
	}
}

// addOptions adds one to four options: names [a-z0-9_.-]+ that are not
// cache arguments, non-empty values; credential options (password,
// *_password) carry the secret marker.
func addOptions(p *gopter.GenParameters, c *core.Config) {
	opts := map[string]string{}
	for range between(p, 1, 4) {
		var name string
		if chance(p, 50) {
			name = pick(p, optionNames)
		} else {
			name = draw[string](p, genString(1, 12, optByte))
		}
		if isCacheArg(name) || name == "max_connections" {
			continue
		}
		v := draw[string](p, genString(1, 16, textRune))
		if core.IsCredentialOption(name) {
			v = genPassword(p)
		}
		opts[name] = v
	}
	if chance(p, 10) {
		if c.Lib == "redis-cache" {
			opts["max_connections"] = strconv.Itoa(intUpTo(p, 1, maxInt31))
		} else {
			opts["max_connections"] = draw[string](p, genString(1, 8, textRune))
		}
	}
	if len(opts) > 0 {
		c.Options = opts
	}
}

// isCacheArg reports whether name has a meaning of its own in the query.
func isCacheArg(name string) bool {
	for _, n := range cacheArgNames {
		if n == name {
			return true
		}
	}
	return false
}

// ---- the top-level generators ----

// genConfig generates valid canonical configs of every family and
// topology, labelled with the family, shrinking by dropping optional parts.
func genConfig() gopter.Gen {
	return gen.Weighted([]gen.WeightedGen{
		{Weight: 22, Gen: genRedisTCP(core.Standalone).WithLabel("redis")},
		{Weight: 8, Gen: genRedisSocket().WithLabel("redis socket")},
		{Weight: 10, Gen: genRedisTCP(core.Sentinel).WithLabel("sentinel")},
		{Weight: 8, Gen: genRedisTCP(core.Cluster).WithLabel("cluster")},
		{Weight: 18, Gen: genMemcached().WithLabel("memcached")},
		{Weight: 18, Gen: genNamed().WithLabel("locmem/db/dummy/uwsgi")},
		{Weight: 16, Gen: genFile().WithLabel("file")},
	}).WithShrinker(shrinkConfig)
}

// genSecretConfig generates configs that carry at least one secret: a
// password where the config has hosts, otherwise a credential option.
func genSecretConfig() gopter.Gen {
	return genConfig().Map(func(c core.Config, p *gopter.GenParameters) core.Config {
		if hasSecret(c) {
			return c
		}
		if len(c.Hosts) > 0 {
			c.Password = genPassword(p)
			return c
		}
		opts := make(map[string]string, len(c.Options)+1)
		for k, v := range c.Options {
			opts[k] = v
		}
		opts[pick(p, []string{"password", "sentinel_password"})] = genPassword(p)
		c.Options = opts
		return c
	})
}

// hasSecret reports whether c has a password or a credential option.
func hasSecret(c core.Config) bool {
	if c.Password != "" {
		return true
	}
	for k := range c.Options {
		if core.IsCredentialOption(k) {
			return true
		}
	}
	return false
}

// withoutSecrets returns c without its password and credential options.
func withoutSecrets(c core.Config) core.Config {
	r := cloneConfig(c)
	r.Password = ""
	for k := range r.Options {
		if core.IsCredentialOption(k) {
			delete(r.Options, k)
		}
	}
	if len(r.Options) == 0 {
		r.Options = nil
	}
	return r
}

// cloneConfig returns a deep copy of c.
func cloneConfig(c core.Config) core.Config {
	r := c
	if c.Hosts != nil {
		r.Hosts = append([]string(nil), c.Hosts...)
	}
	if c.Options != nil {
		r.Options = make(map[string]string, len(c.Options))
		for k, v := range c.Options {
			r.Options[k] = v
		}
	}
	for _, p := range []**int{&r.Version, &r.MaxEntries, &r.CullFrequency} {
		if *p != nil {
			v := **p
			*p = &v
		}
	}
	return r
}

// shrinkConfig shrinks a config by dropping one optional part at a time
// (an option, a cache argument, a credential, extra hosts, the db). Every
// candidate is still valid and canonical.
func shrinkConfig(v interface{}) gopter.Shrink {
	c := v.(core.Config)
	var out []core.Config
	try := func(f func(r *core.Config)) {
		r := cloneConfig(c)
		f(&r)
		out = append(out, r)
	}
	keys := make([]string, 0, len(c.Options))
	for k := range c.Options {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	if len(keys) > 1 {
		for _, k := range keys {
			try(func(r *core.Config) { delete(r.Options, k) })
		}
	}
	if len(keys) > 0 {
		try(func(r *core.Config) { r.Options = nil })
	}
	if len(c.Hosts) > 1 {
		try(func(r *core.Config) { r.Hosts = r.Hosts[:1] })
	}
	if c.TTL.IsSet() {
		try(func(r *core.Config) { r.TTL = core.TTL{} })
	}
	if c.KeyPrefix != "" {
		try(func(r *core.Config) { r.KeyPrefix = "" })
	}
	if c.KeyFunction != "" {
		try(func(r *core.Config) { r.KeyFunction = "" })
	}
	if c.Version != nil {
		try(func(r *core.Config) { r.Version = nil })
	}
	if c.MaxEntries != nil {
		try(func(r *core.Config) { r.MaxEntries = nil })
	}
	if c.CullFrequency != nil {
		try(func(r *core.Config) { r.CullFrequency = nil })
	}
	if c.Lib != "" {
		try(func(r *core.Config) { r.Lib = "" })
	}
	if c.Username != "" {
		try(func(r *core.Config) { r.Username = "" })
	}
	if c.Password != "" {
		try(func(r *core.Config) { r.Password = "" })
	}
	if c.DB != 0 {
		try(func(r *core.Config) { r.DB = 0 })
	}
	i := 0
	return func() (interface{}, bool) {
		if i >= len(out) {
			return nil, false
		}
		i++
		return out[i-1], true
	}
}
