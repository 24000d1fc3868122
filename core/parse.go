package core

import (
	"strconv"
	"strings"
)

// MaxLength is the longest input [Parse] accepts: 8192 bytes after
// trimming surrounding whitespace. Longer input is an [ErrTooLong] error.
const MaxLength = 8192

// maxInt is the largest value of the integer parameters and of a redis db
// (2^31-1, so a Config means the same on 32-bit platforms).
const maxInt = 1<<31 - 1

// Parse parses a CACHE_URL into its structured form.
//
// The grammar (docs/grammar.md):
//
//	scheme://[username[:password]@]host[:port][,host[:port]...][/path][?key=value&...]
//	scheme:///absolute/socket/or/path[?key=value&...]
//
// Surrounding ASCII whitespace is trimmed; control characters, raw spaces
// and a '#' fragment are errors. The scheme is case-insensitive and selects
// the backend (see [Schemes]):
//
//	redis://[user:pw@]host[:6379][,host...][/db]      standalone (several hosts: Django's primary + replicas)
//	redis:///run/redis.sock[/db]                       unix socket (also ?db=N)
//	unix://[user:pw@]/run/redis.sock[?db=N]            unix socket, redis-py's and go-redis's spelling
//	rediss://, valkeys://                              TLS
//	redis+sentinel://[user:pw@]s1[:26379],s2/master[/db]
//	redis+cluster://[user:pw@]n1[:6379],n2,n3
//	memcached://h1[:11211],h2  memcached:///run/mc.sock
//	locmem://[name]  dummy://[name]  db://table  uwsgicache://[name]
//	file:///abs/dir  file://relative/dir
//
// The query holds Django's cache arguments — timeout (alias ttl: seconds,
// a Go duration of whole seconds, or none), key_prefix, version,
// key_function, max_entries, cull_frequency, lib (redis only:
// redis-cache or django-redis) — and options, kept as strings for the client
// (Config.Options). Parameter names are case-insensitive; a name given twice,
// backend/location/options as names, a bare name without '=', a raw ';' and
// invalid escapes are errors; an empty value drops the parameter. For the
// redis and memcached families an '@' after the host part is an error: a
// password holding a raw '/', '?' or '#' (write %2F, %3F, %23), or, after an
// empty authority (scheme:///), a socket path holding a raw '@' (write %40)
// or a password typed after three slashes (redis:///:pw@host).
//
// For example
//
//	redis://:s3cret@cache:6379/1?key_prefix=app&timeout=5m&pool_size=20
//
// parses to
//
//	core.Config{Scheme: "redis", Backend: "redis", Topology: "standalone",
//		Hosts: []string{"cache:6379"}, Password: "s3cret", DB: 1,
//		TTL: core.TTLSeconds(300), KeyPrefix: "app",
//		Options: map[string]string{"pool_size": "20"}}
//
// Errors are [*Error] values matching one of the kinds ([ErrUnknownScheme],
// ...) with errors.Is; they never contain the password.
func Parse(raw string) (c Config, err error) {
	var p parser
	if !p.parse(raw, &c) {
		return Config{}, p.error()
	}
	return c, nil
}

// parser holds the state of one Parse call. Offsets are into s, the
// trimmed input.
type parser struct {
	s string
	// escapes and plus record whether the input has any '%' or '+': without
	// them nothing needs decoding.
	escapes, plus bool
	// lastAt is the offset of the last '@' (-1 when none); comma records
	// whether the input has any ','; question is the offset of the first
	// '?' (-1 when none).
	lastAt   int
	comma    bool
	question int
	// colon is the offset of the first ':' (-1 when none); slash3 is the
	// offset of the third '/' when slashes is 3: after "scheme://", the
	// start of the path.
	colon, slash3, slashes int
	// pwStart/pwEnd bound the raw password once the userinfo is split.
	pwStart, pwEnd int

	dbFromQuery, masterFromQuery bool
	// optHint is the size to make the options map with (0: the default)
	optHint int
	// where some parameters were, for errors found after the query loop
	libOff, libLen, maxConnOff, maxConnLen int
	timeoutOff, timeoutLen, dbOff, dbLen   int
	// hostBuf holds the hosts that are not substrings of the input
	hostBuf    strings.Builder
	hostBufCap int
	// backing store for the optional integers of one Config
	ints  *[3]int
	nints int

	// the error being built
	kind       *Kind
	off, n     int
	msg        string
	inPassword bool // the message was written not to quote the secret
}

type span struct{ start, end int }

func (p *parser) fail(kind *Kind, off, n int, msg string) bool {
	p.kind, p.off, p.n, p.msg = kind, off, n, msg
	return false
}

// parse parses raw into *c, which must be zero; false means an error is
// recorded in p.
func (p *parser) parse(raw string, c *Config) bool {
	s := trimSpace(raw)
	p.s = s
	if len(s) > MaxLength {
		return p.fail(ErrTooLong, MaxLength, len(s)-MaxLength,
			"URL is "+strconv.Itoa(len(s))+" bytes; the limit is "+strconv.Itoa(MaxLength))
	}
	if s == "" {
		return p.fail(ErrMalformed, 0, 0, "empty URL; expected scheme://..., e.g. redis://localhost:6379/0 or locmem://")
	}
	if !p.quoted(s) || !p.hygiene(s) {
		return false
	}
	// The scheme ends at the first ':' (scheme names have none).
	sep := p.colon
	if sep >= 0 && !(len(s) >= sep+3 && s[sep+1] == '/' && s[sep+2] == '/') {
		sep = strings.Index(s, "://")
	}
	if sep < 0 {
		return p.missingSeparator(s)
	}
	if sep == 0 {
		return p.fail(ErrMalformed, 0, 3, "empty scheme before \"://\"")
	}
	sch, ok := lookupScheme(s[:sep])
	if !ok {
		return p.fail(ErrUnknownScheme, 0, sep, unknownSchemeMsg(s[:sep]))
	}
	c.Scheme, c.Backend, c.TLS, c.Topology = sch.Name, sch.Backend, sch.TLS, sch.Topology

	start := sep + 3
	if p.lastAt >= start && (sch.Backend == BackendRedis || sch.Backend == BackendMemcached) {
		// An '@' after the host part: a password with a raw delimiter, or,
		// after an empty authority, an '@' in a socket path.
		if start < len(s) && s[start] == '/' {
			if !p.atInPath(s, sch, start) {
				return false
			}
		} else if p.lastAt >= p.authorityEnd(s, sep) && delimiterInUserinfo(s, start) {
			return p.delimiterError(s, start)
		}
	}
	head, query := s[start:], ""
	qpos := -1
	if p.question >= start {
		i := p.question - start
		head, query = head[:i], head[i+1:]
		qpos = start + i + 1
	}
	if !p.query(c, sch, query, qpos) {
		return false
	}
	var ok2 bool
	switch sch.Backend {
	case BackendRedis:
		ok2 = p.redis(c, sch, head, start)
	case BackendMemcached:
		ok2 = p.memcached(c, sch, head, start)
	case BackendFile:
		ok2 = p.file(c, head, start)
	default:
		ok2 = p.name(c, sch, head, start)
	}
	if !ok2 {
		return false
	}
	return p.finish(c, sch)
}

// authorityEnd is where the authority that starts after "://" at sep ends
// (its first '/' or '?', or the end of s), from the positions the hygiene
// pass recorded. delimiterInUserinfo can only find an '@' after it, so an
// input whose last '@' lies before it (every URL with a password written
// as it should be) skips that scan.
func (p *parser) authorityEnd(s string, sep int) int {
	if sep != p.colon {
		return sep + 3 // not the recorded positions' scheme: scan
	}
	end := len(s)
	if p.slashes == 3 {
		end = p.slash3
	}
	if p.question >= 0 && p.question < end {
		end = p.question
	}
	return end
}

// split is splitHead for the head of p.s starting at off, using the slash
// positions the hygiene pass recorded when they apply.
func (p *parser) split(head string, off int) (authority, path string) {
	if p.slashes == 3 && off == p.colon+3 {
		if i := p.slash3 - off; i >= 0 && i < len(head) {
			return head[:i], head[i:]
		}
		if p.slash3-off >= len(head) {
			return head, ""
		}
	}
	return splitHead(head)
}

// splitHead splits the part between "://" and the query into authority and
// path (path keeps its leading '/').
func splitHead(head string) (authority, path string) {
	if i := strings.IndexByte(head, '/'); i >= 0 {
		return head[:i], head[i:]
	}
	return head, ""
}

// decodedPath decodes a path, reporting errors at off.
func (p *parser) decodedPath(path string, off int, what string) (string, bool) {
	d, bad, why := p.unescape(path, false)
	if bad >= 0 {
		return "", p.fail(ErrMalformed, off+bad, escLen(path, bad), what+": "+why)
	}
	return d, true
}

// finish checks the rules that need the whole URL.
func (p *parser) finish(c *Config, sch *Scheme) bool {
	if c.Lib != "" && sch.Backend != BackendRedis {
		return p.fail(ErrInvalidParameter, p.libOff, p.libLen, "lib is for redis URLs only; remove lib from this "+sch.Name+":// URL")
	}
	if c.Lib == "redis-cache" {
		if v, ok := c.Options["max_connections"]; ok {
			if n, ok := parseUint(v, maxInt); !ok || n < 1 {
				return p.fail(ErrInvalidParameter, p.maxConnOff, p.maxConnLen, "max_connections "+quoteShort(v)+" must be a whole number from 1 to 2147483647 (with lib=redis-cache it is the pool size)")
			}
		}
		if c.TTL.Never() {
			return p.fail(ErrInvalidParameter, p.timeoutOff, p.timeoutLen, "timeout=none cannot be used with lib=redis-cache, whose connection pool takes the timeout in seconds")
		}
	}
	if sch.Topology == Sentinel && c.Master == "" {
		return p.fail(ErrInvalidPath, len(p.s), 0, "redis+sentinel needs a master name: redis+sentinel://host:26379/mymaster (or ?master_name=mymaster)")
	}
	if sch.Topology == Cluster && c.DB != 0 {
		return p.fail(ErrInvalidPath, p.dbOff, p.dbLen, "redis cluster has only db 0")
	}
	return true
}
