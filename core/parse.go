package core

import (
	"net/netip"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
	"unsafe"
)

// MaxLength is the longest input [Parse] accepts: 8192 bytes after
// trimming surrounding whitespace. Longer input is an [ErrTooLong] error.
const MaxLength = 8192

// maxInt is the largest value of the integer parameters and of a redis db
// (2^31-1, so a Config means the same on 32-bit platforms).
const maxInt = 1<<31 - 1

// Parse parses a CACHE_URL into its structured form.
//
// The grammar (SPEC.md §1):
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
// invalid escapes are errors; an empty value drops the parameter.
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
	// at and comma record whether the input has any '@' or ','; question is
	// the offset of the first '?' (-1 when none).
	at, comma bool
	question  int
	// colon is the offset of the first ':' (-1 when none); slash3 is the
	// offset of the third '/' when slashes is 3: after "scheme://", the
	// start of the path.
	colon, slash3, slashes int
	// pwStart/pwEnd bound the raw password once the userinfo is split.
	pwStart, pwEnd int

	dbFromQuery, masterFromQuery bool
	// where some parameters were, for errors found after the query loop
	libOff, libLen, maxConnOff, maxConnLen int
	timeoutOff, timeoutLen, dbOff, dbLen   int
	// cell is the allocation of a one-host list (see hostList)
	cell *hostCell
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
	if !p.hygiene(s) {
		return false
	}
	// The scheme ends at the first ':' (scheme names have none).
	sep := p.colon
	if sep >= 0 && !(len(s) >= sep+3 && s[sep+1] == '/' && s[sep+2] == '/') {
		sep = strings.Index(s, "://")
	}
	if sep < 0 {
		if i := strings.IndexByte(s, ':'); i > 0 {
			if _, known := lookupScheme(s[:i]); known {
				return p.fail(ErrMalformed, i, 1, "missing \"//\" after \""+s[:i]+":\"; write "+strings.ToLower(s[:i])+"://host...")
			}
		}
		return p.fail(ErrMalformed, 0, 0, "missing scheme://; a CACHE_URL looks like redis://host:6379/0 or locmem://")
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

// trimSpace trims ASCII space, \t, \r and \n.
func trimSpace(s string) string {
	i, j := 0, len(s)
	for i < j && isSpace(s[i]) {
		i++
	}
	for j > i && isSpace(s[j-1]) {
		j--
	}
	return s[i:j]
}

func isSpace(b byte) bool { return b == ' ' || b == '\t' || b == '\r' || b == '\n' }

// hygiene rejects control characters, raw spaces, fragments and invalid
// UTF-8 in one pass.
func (p *parser) hygiene(s string) bool {
	ascii := true
	p.question, p.colon = -1, -1
	for i := 0; i < len(s); i++ {
		b := s[i]
		if byteClass[b]&clsHygiene == 0 {
			continue
		}
		switch {
		case b == '%':
			p.escapes = true
		case b == '+':
			p.plus = true
		case b == '@':
			p.at = true
		case b == ',':
			p.comma = true
		case b == '?':
			if p.question < 0 {
				p.question = i
			}
		case b == ':':
			if p.colon < 0 {
				p.colon = i
			}
		case b == '/':
			if p.slashes < 3 {
				p.slashes++
				p.slash3 = i
			}
		case b < 0x20 || b == 0x7f:
			return p.fail(ErrControlCharacter, i, 1, "control character "+quoteByte(b)+" at offset "+strconv.Itoa(i)+"; a CACHE_URL is one line of printable text (percent-encode it if it is data)")
		case b == ' ':
			return p.fail(ErrMalformed, i, 1, "space at offset "+strconv.Itoa(i)+"; write a space as %20 (or + in the query)")
		case b == '#':
			return p.fail(ErrFragment, i, len(s)-i, "'#' starts a fragment, which a CACHE_URL cannot have; write a literal '#' as %23")
		case b >= 0x80:
			ascii = false
		}
	}
	if !ascii && !utf8.ValidString(s) {
		for i := 0; i < len(s); {
			r, size := utf8.DecodeRuneInString(s[i:])
			if r == utf8.RuneError && size == 1 {
				return p.fail(ErrMalformed, i, 1, "invalid UTF-8 at offset "+strconv.Itoa(i))
			}
			i += size
		}
	}
	return true
}

func quoteByte(b byte) string { return strconv.QuoteRune(rune(b)) }

// splitUserinfo splits an authority at its last '@' into userinfo and the
// host list, decoding the username and password. off is the offset of
// authority in s.
func (p *parser) userinfo(c *Config, authority string, off int) (hosts string, hostsOff int, ok bool) {
	if !p.at {
		return authority, off, true
	}
	at := strings.LastIndexByte(authority, '@')
	if at < 0 {
		return authority, off, true
	}
	ui := authority[:at]
	user, pass := ui, ""
	hasPass := false
	if i := strings.IndexByte(ui, ':'); i >= 0 {
		user, pass, hasPass = ui[:i], ui[i+1:], true
	}
	if hasPass {
		p.pwStart, p.pwEnd = off+len(user)+1, off+at
	}
	u, bad, why := p.unescape(user, false)
	if bad >= 0 {
		return "", 0, p.fail(ErrMalformed, off+bad, escLen(user, bad), "username: "+why)
	}
	pw, bad, _ := p.unescape(pass, false)
	if bad >= 0 {
		p.inPassword = true
		return "", 0, p.fail(ErrMalformed, p.pwStart, len(pass), "the password has an invalid percent-escape or decodes to invalid text; percent-encode '%' in a password as %25")
	}
	c.Username, c.Password = u, pw
	return authority[at+1:], off + at + 1, true
}

func escLen(s string, i int) int {
	if i+3 <= len(s) {
		return 3
	}
	return len(s) - i
}

// hostList parses comma-separated hosts. defPort > 0 fills in missing ports
// (redis); defPort == 0 keeps hosts as written (memcached).
func (p *parser) hostList(c *Config, list string, off int, defPort int) bool {
	if !p.comma {
		// One host: its slice and, when the host must be built (a default
		// port filled in), its bytes share one allocation.
		cell := new(hostCell)
		p.cell = cell
		h, ok := p.host(list, off, defPort)
		if ok {
			cell.h[0] = h
			c.Hosts = cell.h[:]
		}
		p.cell = nil
		return ok
	}
	n := strings.Count(list, ",") + 1
	c.Hosts = make([]string, 0, n)
	// Hosts that are not written canonically are built in one buffer, so a
	// list costs one allocation for its strings, not one per host.
	p.hostBuf = strings.Builder{}
	p.hostBufCap = len(list) + 7*n
	for {
		item, rest, more := strings.Cut(list, ",")
		h, ok := p.host(item, off, defPort)
		if !ok {
			return false
		}
		c.Hosts = append(c.Hosts, h)
		if !more {
			return true
		}
		off += len(item) + 1
		list = rest
	}
}

// host parses one host[:port] and returns its structured "host:port" form.
func (p *parser) host(h string, off int, defPort int) (string, bool) {
	if h == "" {
		return "", p.fail(ErrInvalidHost, off, 0, "empty host; write host[:port], and separate several hosts with single commas")
	}
	var name, port string
	hasPort := false
	if h[0] == '[' {
		end := strings.IndexByte(h, ']')
		if end < 0 {
			return "", p.fail(ErrInvalidHost, off, len(h), "IPv6 address "+quoteShort(h)+" is missing its closing ']'")
		}
		lit := h[1:end]
		if !validIPv6(lit) {
			if len(lit) > 0 && (lit[0] == 'v' || lit[0] == 'V') {
				return "", p.fail(ErrInvalidHost, off, end+1, "IPvFuture address "+quoteShort(h[:end+1])+" is not supported; use an IPv6 address or a host name")
			}
			return "", p.fail(ErrInvalidHost, off, end+1, quoteShort(h[:end+1])+" is not an IPv6 address (zone ids are written %25, as in [fe80::1%25eth0])")
		}
		name = h[:end+1]
		after := h[end+1:]
		if after != "" {
			if after[0] != ':' {
				return "", p.fail(ErrInvalidHost, off+end+1, len(after), "unexpected "+quoteShort(after)+" after IPv6 address; write [addr]:port")
			}
			port, hasPort = after[1:], true
		}
		// Structured form has the zone decoded: [fe80::1%eth0].
		if i := strings.Index(name, "%25"); i >= 0 {
			name = name[:i] + "%" + name[i+3:]
		}
	} else {
		// One pass: host bytes up to an optional ':'.
		name = h
		for i := 0; i < len(h); i++ {
			if isHostByte(h[i]) {
				continue
			}
			if h[i] == ':' {
				name, port, hasPort = h[:i], h[i+1:], true
				break
			}
			end := strings.IndexByte(h, ':')
			if end < 0 {
				end = len(h)
			}
			_, size := utf8.DecodeRuneInString(h[i:])
			return "", p.fail(ErrInvalidHost, off+i, size, "invalid character "+quoteRuneAt(h, i)+" in host "+quoteShort(h[:max(end, i+size)])+"; host names are ASCII letters, digits, '-', '_' and '.' (IPv6 goes in brackets)")
		}
		if name == "" {
			return "", p.fail(ErrInvalidHost, off, 0, "missing host before the port; write host:port (for a unix socket, leave the authority empty: redis:///path/to.sock)")
		}
	}
	if hasPort {
		poff := off + len(h) - len(port)
		if port == "" {
			hasPort = false
		} else {
			v, ok := parsePort(port)
			if !ok {
				return "", p.fail(ErrInvalidPort, poff, len(port), "port "+quoteShort(port)+" must be a number from 1 to 65535")
			}
			if defPort > 0 || port[0] == '0' {
				// Canonical port text, default filled in below.
				if port[0] == '0' {
					port = strconv.Itoa(v)
				}
			}
		}
	}
	switch {
	case hasPort && name == h[:len(name)] && len(name)+1+len(port) == len(h) && h[len(name)+1:] == port:
		return h, true // written canonically: no allocation
	case hasPort:
		return p.joinHost(name, port), true
	case defPort > 0:
		return p.joinHost(name, defaultPortText(defPort)), true
	case name == h[:len(name)]:
		return name, true
	default:
		return p.joinHost(name, ""), true
	}
}

// hostCell holds a one-host list and room for building that host.
type hostCell struct {
	h [1]string
	b [40]byte
}

// joinHost returns name:port (or name when port is ""), built in p.cell
// when it fits there, else in p.hostBuf.
func (p *parser) joinHost(name, port string) string {
	if cell := p.cell; cell != nil && len(name)+1+len(port) <= len(cell.b) {
		n := copy(cell.b[:], name)
		if port != "" {
			cell.b[n] = ':'
			n++
			n += copy(cell.b[n:], port)
		}
		// The bytes are never written again: the string may alias them.
		return unsafe.String(&cell.b[0], n)
	}
	if p.hostBufCap == 0 {
		p.hostBufCap = len(name) + 1 + len(port)
	}
	if p.hostBuf.Cap() == 0 {
		p.hostBuf.Grow(p.hostBufCap)
	}
	start := p.hostBuf.Len()
	p.hostBuf.WriteString(name)
	if port != "" {
		p.hostBuf.WriteByte(':')
		p.hostBuf.WriteString(port)
	}
	// The builder only appends, so earlier substrings stay valid.
	return p.hostBuf.String()[start:]
}

func defaultPortText(port int) string {
	switch port {
	case 6379:
		return "6379"
	case 26379:
		return "26379"
	}
	return strconv.Itoa(port)
}

func quoteRuneAt(s string, i int) string {
	r, _ := utf8.DecodeRuneInString(s[i:])
	return strconv.QuoteRune(r)
}

func isHostByte(b byte) bool { return byteClass[b]&clsHost != 0 }

// Byte classes, looked up in one table.
const (
	clsHygiene = 1 << iota // needs a look in hygiene: control, space, '#', non-ASCII, '%', '+'
	clsHost                // host name byte: ALPHA DIGIT - _ .
	clsName                // parameter name byte, lower-case: a-z 0-9 _ . -
	clsUpper               // A-Z
)

var byteClass = func() (t [256]uint8) {
	for i := range t {
		b := byte(i)
		if b < 0x20 || b >= 0x7f || strings.IndexByte(" #%+@,?:/", b) >= 0 {
			t[i] |= clsHygiene
		}
		alnum := 'a' <= b && b <= 'z' || 'A' <= b && b <= 'Z' || '0' <= b && b <= '9'
		if alnum || b == '-' || b == '_' || b == '.' {
			t[i] |= clsHost
		}
		if 'a' <= b && b <= 'z' || '0' <= b && b <= '9' || b == '_' || b == '.' || b == '-' {
			t[i] |= clsName
		}
		if 'A' <= b && b <= 'Z' {
			t[i] |= clsUpper
		}
	}
	return t
}()

// validIPv6 checks a bracketed literal (without brackets), with an optional
// %25zone of unreserved characters.
func validIPv6(lit string) bool {
	addr := lit
	if i := strings.IndexByte(lit, '%'); i >= 0 {
		if !strings.HasPrefix(lit[i:], "%25") || len(lit) == i+3 {
			return false
		}
		for j := i + 3; j < len(lit); j++ {
			if !isUnreserved(lit[j]) {
				return false
			}
		}
		addr = lit[:i]
	}
	if !strings.Contains(addr, ":") {
		return false
	}
	a, err := netip.ParseAddr(addr)
	return err == nil && a.Is6() && a.Zone() == ""
}

func parsePort(s string) (int, bool) {
	v, ok := parseUint(s, 65535)
	return v, ok && v >= 1
}

// parseUint parses ASCII decimal digits (leading zeros allowed) up to max.
func parseUint(s string, max int) (int, bool) {
	if s == "" {
		return 0, false
	}
	v := 0
	for i := 0; i < len(s); i++ {
		b := s[i]
		if b < '0' || b > '9' {
			return 0, false
		}
		v = v*10 + int(b-'0')
		if v > max {
			return 0, false
		}
	}
	return v, true
}

func allDigits(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
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

func (p *parser) redis(c *Config, sch *Scheme, head string, off int) bool {
	authority, rawPath := p.split(head, off)
	poff := off + len(authority)
	path, ok := p.decodedPath(rawPath, poff, "path")
	if !ok {
		return false
	}
	if authority == "" {
		if sch.Topology == Standalone && !isDBPath(path) {
			return p.socket(c, sch, path, poff)
		}
		c.Hosts = []string{"localhost:" + defaultPortText(sch.DefaultPort)}
	} else {
		hosts, hoff, ok := p.userinfo(c, authority, off)
		if !ok || !p.hostList(c, hosts, hoff, sch.DefaultPort) {
			return false
		}
	}
	switch sch.Topology {
	case Sentinel:
		return p.sentinelPath(c, path, poff)
	case Cluster:
		if path != "" && path != "/" && path != "/0" {
			return p.fail(ErrInvalidPath, poff, len(rawPath), "redis cluster has only db 0; remove the path "+quoteShort(path))
		}
		return true
	}
	if path == "" || path == "/" {
		return true
	}
	if !isDBPath(path) {
		return p.fail(ErrInvalidPath, poff, len(rawPath), "redis path "+quoteShort(path)+" must be /db, a number from 0 to 2147483647 (a unix socket has no host: redis:///path/to.sock)")
	}
	return p.setDB(c, path[1:], poff+1, len(rawPath)-1)
}

// isDBPath reports whether path is "", "/" or "/N".
func isDBPath(path string) bool {
	return path == "" || path == "/" || (path[0] == '/' && allDigits(path[1:]))
}

func (p *parser) setDB(c *Config, digits string, off, n int) bool {
	v, ok := parseUint(digits, maxInt)
	if !ok {
		return p.fail(ErrInvalidPath, off, n, "db "+quoteShort(digits)+" must be a number from 0 to 2147483647")
	}
	if c.DB != 0 || p.dbFromQuery {
		return p.fail(ErrDuplicateParameter, off, n, "db is given both in the path and as ?db=; give it once")
	}
	c.DB = v
	return true
}

func (p *parser) socket(c *Config, sch *Scheme, path string, off int) bool {
	if sch.TLS {
		return p.fail(ErrInvalidPath, off, len(path), sch.Name+":// cannot use a unix socket (no TLS over sockets); use redis:///path/to.sock")
	}
	sock := path
	if i := strings.LastIndexByte(path, '/'); allDigits(path[i+1:]) {
		sock = path[:i]
		if !p.setDB(c, path[i+1:], off+i+1, len(path)-i-1) {
			return false
		}
	}
	if strings.Trim(sock, "/") == "" {
		return p.fail(ErrInvalidPath, off, len(path), "invalid unix socket path "+quoteShort(sock))
	}
	c.Socket = sock
	c.Topology = Standalone
	return true
}

func (p *parser) sentinelPath(c *Config, path string, off int) bool {
	if path == "" || path == "/" {
		return true
	}
	rest := path[1:]
	master, db, hasDB := strings.Cut(rest, "/")
	if p.masterFromQuery {
		// With ?master_name= the path can only be /db.
		if !allDigits(rest) {
			return p.fail(ErrDuplicateParameter, off, len(path), "the master name is given both in the path and as ?master_name=; give it once")
		}
		return p.setDB(c, rest, off+1, len(rest))
	}
	if master == "" {
		return p.fail(ErrInvalidPath, off, len(path), "empty sentinel master name; write redis+sentinel://host:26379/mymaster[/db]")
	}
	if !p.setMaster(c, master, off+1) {
		return false
	}
	if hasDB {
		if !allDigits(db) {
			return p.fail(ErrInvalidPath, off+1+len(master), len(db)+1, "sentinel path must be /master or /master/db; "+quoteShort(db)+" is not a db number")
		}
		return p.setDB(c, db, off+2+len(master), len(db))
	}
	return true
}

func (p *parser) setMaster(c *Config, m string, off int) bool {
	for i := 0; i < len(m); i++ {
		if m[i] <= ' ' || m[i] >= 0x7f {
			return p.fail(ErrInvalidPath, off, len(m), "sentinel master name "+quoteShort(m)+" must be printable ASCII without spaces")
		}
	}
	c.Master = m
	return true
}

func (p *parser) memcached(c *Config, sch *Scheme, head string, off int) bool {
	authority, rawPath := p.split(head, off)
	poff := off + len(authority)
	path, ok := p.decodedPath(rawPath, poff, "path")
	if !ok {
		return false
	}
	if authority == "" {
		if path == "" || path == "/" {
			return p.fail(ErrInvalidHost, off, 0, sch.Name+":// needs hosts (host:11211,host2) or a unix socket ("+sch.Name+":///path/to.sock)")
		}
		if sch.Name == "elasticache" {
			return p.fail(ErrInvalidPath, poff, len(rawPath), "elasticache:// needs the cluster's configuration endpoint host, not a unix socket")
		}
		c.Socket = path
		return true
	}
	hosts, hoff, ok := p.userinfo(c, authority, off)
	if !ok || !p.hostList(c, hosts, hoff, 0) {
		return false
	}
	if path != "" && path != "/" {
		return p.fail(ErrInvalidPath, poff, len(rawPath), "memcached takes no path after the hosts; remove "+quoteShort(path))
	}
	return true
}

func (p *parser) file(c *Config, head string, off int) bool {
	dir, ok := p.decodedPath(head, off, "directory")
	if !ok {
		return false
	}
	if dir == "" {
		return p.fail(ErrInvalidPath, off, 0, "file:// needs a directory: file:///var/tmp/cache (absolute) or file://relative/dir")
	}
	c.Path = dir
	return true
}

// name handles locmem, db, dummy and uwsgicache, whose authority is a name.
func (p *parser) name(c *Config, sch *Scheme, head string, off int) bool {
	authority, path := p.split(head, off)
	raw, roff := authority, off
	if authority != "" {
		if path != "" && path != "/" {
			return p.fail(ErrInvalidPath, off+len(authority), len(path), sch.Name+":// takes a name only; remove the path "+quoteShort(path))
		}
	} else if path != "" {
		inner := strings.TrimSuffix(path[1:], "/")
		if strings.IndexByte(inner, '/') >= 0 {
			return p.fail(ErrInvalidPath, off, len(path), sch.Name+":// takes a single name, not the path "+quoteShort(path))
		}
		raw, roff = inner, off+1
	}
	name, bad, why := p.unescape(raw, false)
	if bad >= 0 {
		return p.fail(ErrMalformed, roff+bad, escLen(raw, bad), "name: "+why)
	}
	for i := 0; i < len(name); i++ {
		b := name[i]
		if b <= ' ' || b >= 0x7f || strings.IndexByte("/?#@:,", b) >= 0 {
			if b == '@' || b == ':' {
				// Do not quote the name: it may hold a password.
				p.inPassword = true
				return p.fail(ErrInvalidHost, roff, len(raw), sch.Name+":// takes no credentials or port; a name is printable ASCII without spaces or /?#@:,")
			}
			return p.fail(ErrInvalidHost, roff, len(raw), "invalid character "+quoteRuneAt(name, i)+" in the "+sch.Name+" name "+quoteShort(name)+"; a name is printable ASCII without spaces or /?#@:,")
		}
	}
	switch {
	case name != "":
		c.Path = name
	case sch.Backend == BackendDB:
		return p.fail(ErrInvalidPath, off, 0, "db:// needs a table name: db://my_cache_table")
	case sch.Backend == BackendUWSGI:
		c.Path = "default"
	}
	return true
}

// finish checks the rules that need the whole URL.
func (p *parser) finish(c *Config, sch *Scheme) bool {
	if c.Lib != "" && sch.Backend != BackendRedis {
		return p.fail(ErrInvalidParameter, p.libOff, p.libLen, "lib is for redis URLs only; remove lib from this "+sch.Name+":// URL")
	}
	if c.Lib == "redis-cache" {
		if v, ok := c.Options["max_connections"]; ok {
			if n, ok := parseUint(v, maxInt); !ok || n < 1 {
				return p.fail(ErrInvalidParameter, p.maxConnOff, p.maxConnLen, "max_connections "+quoteShort(v)+" must be a whole number ≥ 1 (with lib=redis-cache it is the pool size)")
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
		return p.fail(ErrInvalidParameter, p.dbOff, p.dbLen, "redis cluster has only db 0")
	}
	return true
}

// Query parameters.

// query parses the query string (form-style) into c. off is the offset of
// query in s (-1 when there is none).
func (p *parser) query(c *Config, sch *Scheme, q string, off int) bool {
	if q == "" {
		return true
	}
	var seenBuf [16]string
	seen := seenBuf[:0]
	for len(q) > 0 {
		// One pass over the field: its end, its first '=', any ';'.
		end, eq := len(q), -1
		for i := 0; i < len(q); i++ {
			switch q[i] {
			case '&':
				end = i
				i = len(q)
			case '=':
				if eq < 0 {
					eq = i
				}
			case ';':
				return p.fail(ErrInvalidParameter, off+i, 1, "';' is not a parameter separator here; use '&' between parameters, and write a ';' inside a value as %3B")
			}
		}
		field := q[:end]
		if end < len(q) {
			q = q[end+1:]
		} else {
			q = ""
		}
		foff := off
		off += len(field) + 1
		if field == "" {
			continue
		}
		if eq < 0 {
			return p.fail(ErrInvalidParameter, foff, len(field), "parameter "+quoteShort(field)+" has no value; write name=value")
		}
		rawName, rawVal := field[:eq], field[eq+1:]
		name, bad, why := p.unescape(rawName, true)
		if bad >= 0 {
			return p.fail(ErrInvalidParameter, foff+bad, escLen(rawName, bad), "parameter name: "+why)
		}
		if name == "" {
			return p.fail(ErrInvalidParameter, foff, len(field), "empty parameter name in "+quoteShort(field))
		}
		lower := true
		for i := 0; i < len(name); i++ {
			switch cls := byteClass[name[i]]; {
			case cls&clsName != 0:
			case cls&clsUpper != 0:
				lower = false
			default:
				return p.fail(ErrInvalidParameter, foff, len(rawName), "invalid parameter name "+quoteShort(name)+"; names are ASCII letters, digits, '_', '.' and '-'")
			}
		}
		if !lower {
			name = strings.ToLower(name)
		}
		key := name
		if key == "ttl" {
			key = "timeout"
		}
		if (len(key) == 7 || len(key) == 8) && (key == "backend" || key == "location" || key == "options") {
			return p.fail(ErrReservedParameter, foff, len(rawName), "parameter "+quoteShort(name)+" is reserved (it would overwrite Django's "+strings.ToUpper(key)+"); remove it")
		}
		for _, k := range seen {
			if k == key {
				what := quoteShort(name)
				if key == "timeout" {
					what = "timeout (alias ttl)"
				}
				return p.fail(ErrDuplicateParameter, foff, len(rawName), "parameter "+what+" is given twice (names are case-insensitive); give it once")
			}
		}
		seen = append(seen, key)
		if rawVal == "" {
			continue // an empty value drops the parameter, as in the reference
		}
		voff := foff + eq + 1
		val, bad, why := p.unescape(rawVal, true)
		if bad >= 0 {
			if IsCredentialOption(key) {
				p.inPassword = true
				return p.fail(ErrInvalidParameter, voff, len(rawVal), "parameter "+quoteShort(name)+": its value has an invalid percent-escape or decodes to invalid text (write '%' itself as %25)")
			}
			return p.fail(ErrInvalidParameter, voff+bad, escLen(rawVal, bad), "parameter "+quoteShort(name)+": "+why)
		}
		if !p.param(c, sch, key, val, voff, len(rawVal)) {
			return false
		}
	}
	return true
}

func (p *parser) param(c *Config, sch *Scheme, key, val string, off, n int) bool {
	switch key {
	case "timeout":
		t, msg := parseTimeout(val)
		if msg != "" {
			return p.fail(ErrInvalidParameter, off, n, "timeout "+msg)
		}
		c.TTL = t
		p.timeoutOff, p.timeoutLen = off, n
	case "key_prefix":
		c.KeyPrefix = val
	case "key_function":
		c.KeyFunction = val
	case "version":
		v, ok := parseUint(val, maxInt)
		if !ok {
			return p.fail(ErrInvalidParameter, off, n, "version "+quoteShort(val)+" must be a whole number from 0 to 2147483647")
		}
		c.Version = p.newInt(v)
	case "max_entries":
		v, ok := parseUint(val, maxInt)
		if !ok || v < 1 {
			return p.fail(ErrInvalidParameter, off, n, "max_entries "+quoteShort(val)+" must be a whole number from 1 to 2147483647")
		}
		c.MaxEntries = p.newInt(v)
	case "cull_frequency":
		v, ok := parseUint(val, maxInt)
		if !ok {
			return p.fail(ErrInvalidParameter, off, n, "cull_frequency "+quoteShort(val)+" must be a whole number from 0 to 2147483647")
		}
		c.CullFrequency = p.newInt(v)
	case "lib":
		if val != "redis-cache" && val != "django-redis" {
			msg := "lib " + quoteShort(val) + " must be redis-cache or django-redis"
			if l := strings.ToLower(val); l == "redis-cache" || l == "django-redis" {
				msg += " (lower-case)"
			}
			return p.fail(ErrInvalidParameter, off, n, msg)
		}
		c.Lib = val
		p.libOff, p.libLen = off-4, n+4
	case "db":
		if sch.Backend != BackendRedis {
			return p.option(c, key, val, off, n)
		}
		v, ok := parseUint(val, maxInt)
		if !ok {
			return p.fail(ErrInvalidParameter, off, n, "db "+quoteShort(val)+" must be a number from 0 to 2147483647")
		}
		c.DB = v
		p.dbFromQuery = true
		p.dbOff, p.dbLen = off, n
	case "master_name":
		if sch.Topology != Sentinel {
			return p.option(c, key, val, off, n)
		}
		p.masterFromQuery = true
		return p.setMaster(c, val, off)
	default:
		return p.option(c, key, val, off, n)
	}
	return true
}

func (p *parser) option(c *Config, key, val string, off, n int) bool {
	if key == "max_connections" {
		p.maxConnOff, p.maxConnLen = off, n
	}
	if c.Options == nil {
		c.Options = make(map[string]string)
	}
	c.Options[key] = val
	return true
}

// newInt returns a pointer to v; the three optional integers of one Config
// share one allocation.
func (p *parser) newInt(v int) *int {
	if p.ints == nil {
		p.ints = new([3]int)
	}
	x := &p.ints[p.nints]
	p.nints++
	*x = v
	return x
}

// parseTimeout parses a timeout value; msg is non-empty on error and reads
// after the parameter name ("timeout " + msg).
func parseTimeout(s string) (TTL, string) {
	if s == "none" || s == "None" {
		return NeverExpire, ""
	}
	if allDigits(s) {
		v, ok := parseUint64(s, MaxTTLSeconds)
		if !ok {
			return TTL{}, quoteShort(s) + " is too large (the limit is " + strconv.FormatInt(MaxTTLSeconds, 10) + " seconds)"
		}
		return TTL{secs: v, state: ttlSeconds}, ""
	}
	if s == "" || !(s[0] >= '0' && s[0] <= '9' || s[0] == '.') {
		return TTL{}, badTimeout(s)
	}
	d, err := time.ParseDuration(s)
	if err != nil || d < 0 {
		return TTL{}, badTimeout(s)
	}
	if d%time.Second != 0 {
		return TTL{}, quoteShort(s) + " is not a whole number of seconds"
	}
	return TTL{secs: int64(d / time.Second), state: ttlSeconds}, ""
}

func badTimeout(s string) string {
	return quoteShort(s) + " must be whole seconds (300), a Go duration of whole seconds (5m, 1h30m) or none"
}

func parseUint64(s string, max int64) (int64, bool) {
	var v int64
	for i := 0; i < len(s); i++ {
		d := int64(s[i] - '0')
		if v > (max-d)/10 {
			return 0, false
		}
		v = v*10 + d
	}
	return v, true
}

// unescape is the package unescape, skipped when the input has nothing to
// decode.
func (p *parser) unescape(s string, form bool) (string, int, string) {
	if !p.escapes && !(form && p.plus) {
		return s, -1, ""
	}
	return unescape(s, form)
}

// unescape percent-decodes s (and '+' as space when form is true). It
// returns s itself when there is nothing to decode. On error bad is the
// offset in s of the problem and why says what it is; otherwise bad is -1.
// The result must be valid UTF-8 without control characters.
func unescape(s string, form bool) (out string, bad int, why string) {
	n := 0
	plus := false
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case '%':
			if i+2 >= len(s) || unhex(s[i+1]) < 0 || unhex(s[i+2]) < 0 {
				return "", i, "invalid percent-escape " + quoteShort(s[i:min(i+3, len(s))]) + " (write '%' itself as %25)"
			}
			n++
			i += 2
		case '+':
			plus = plus || form
		}
	}
	if n == 0 && !plus {
		return s, -1, ""
	}
	buf := make([]byte, 0, len(s)-2*n)
	var hi, ctl bool
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c == '%':
			d := byte(unhex(s[i+1])<<4 | unhex(s[i+2]))
			hi = hi || d >= 0x80
			ctl = ctl || d < 0x20 || d == 0x7f
			buf = append(buf, d)
			i += 2
		case c == '+' && form:
			buf = append(buf, ' ')
		default:
			hi = hi || c >= 0x80
			buf = append(buf, c)
		}
	}
	out = unsafe.String(unsafe.SliceData(buf), len(buf)) // buf is not used again
	if hi && !utf8.ValidString(out) {
		return "", strings.IndexByte(s, '%'), "percent-escapes do not decode to valid UTF-8"
	}
	if ctl {
		for i := 0; i < len(out); i++ {
			if c := out[i]; c < 0x20 || c == 0x7f {
				return "", strings.IndexByte(s, '%'), "decodes to the control character " + quoteByte(c)
			}
		}
	}
	return out, -1, ""
}

func unhex(c byte) int {
	switch {
	case '0' <= c && c <= '9':
		return int(c - '0')
	case 'a' <= c && c <= 'f':
		return int(c - 'a' + 10)
	case 'A' <= c && c <= 'F':
		return int(c - 'A' + 10)
	}
	return -1
}

// quoteShort quotes s for a message, shortening long values.
func quoteShort(s string) string {
	if len(s) > 64 {
		cut := 60
		for cut > 0 && !utf8.RuneStart(s[cut]) {
			cut--
		}
		return strconv.Quote(s[:cut]) + "…"
	}
	return strconv.Quote(s)
}

// error builds the *Error for the failure recorded in p, with the password
// and credential options redacted from the echoed input.
func (p *parser) error() error {
	s := p.s
	spans := secretSpans(s)
	spans = mergeSpans(spans)
	var b strings.Builder
	last := 0
	off, n := p.off, p.n
	newOff, newN := -1, -1
	msg := p.msg
	for _, sp := range spans {
		if sp.start < last {
			continue
		}
		b.WriteString(s[last:sp.start])
		if off >= last && off < sp.start {
			newOff = b.Len() - (sp.start - off)
		}
		rstart := b.Len()
		b.WriteString(Redacted)
		// An error touching a secret points at the redacted text and does
		// not quote what it found there.
		if off < sp.end && off+max(n, 1) > sp.start {
			if newOff < 0 {
				newOff, newN = rstart, len(Redacted)
			}
			if !p.inPassword {
				msg = p.kind.text + " in or near the password; percent-encode any ':', '/', '?', '#', '@' or '%' in a password (%3A %2F %3F %23 %40 %25)"
				if p.kind == ErrFragment {
					msg = "'#' in a password must be written %23"
				}
			}
		}
		last = sp.end
	}
	if newOff < 0 {
		newOff = b.Len() + (off - last)
	}
	b.WriteString(s[last:])
	input := b.String()
	if newN < 0 {
		newN = n
	}
	if newOff > len(input) {
		newOff = len(input)
	}
	if newOff+newN > len(input) {
		newN = len(input) - newOff
	}
	return newError(p.kind, input, newOff, newN, msg)
}

// mergeSpans sorts the (few) spans by start and merges overlapping ones, so
// that no secret is left out because it overlaps another.
func mergeSpans(spans []span) []span {
	for i := 1; i < len(spans); i++ {
		for j := i; j > 0 && spans[j].start < spans[j-1].start; j-- {
			spans[j], spans[j-1] = spans[j-1], spans[j]
		}
	}
	merged := spans[:0]
	for _, sp := range spans {
		if n := len(merged); n > 0 && sp.start <= merged[n-1].end {
			merged[n-1].end = max(merged[n-1].end, sp.end)
			continue
		}
		merged = append(merged, sp)
	}
	return merged
}

// redactSecrets returns s with every secret secretSpans finds replaced by
// [Redacted], for echoing text that may not parse.
func redactSecrets(s string) string {
	var b strings.Builder
	last := 0
	for _, sp := range mergeSpans(secretSpans(s)) {
		b.WriteString(s[last:sp.start])
		b.WriteString(Redacted)
		last = sp.end
	}
	b.WriteString(s[last:])
	return b.String()
}

// secretSpans finds the secrets of an input, whether or not it parses, so
// that error messages can redact them: the password of the authority (when
// the authority has no '@', the likely password of a URL whose password has
// an unescaped '/', '?' or '#': the text between the first ':' after "://"
// and the last '@'), and the values of credential parameters.
func secretSpans(s string) []span {
	var spans []span
	start := 0
	if i := strings.Index(s, "://"); i >= 0 {
		start = i + 3
	}
	head := s[start:]
	if i := strings.IndexByte(head, '?'); i >= 0 {
		head = head[:i]
	}
	authority, _ := splitHead(head)
	if at := strings.LastIndexByte(authority, '@'); at >= 0 {
		if colon := strings.IndexByte(authority[:at], ':'); colon >= 0 {
			spans = append(spans, span{start + colon + 1, start + at})
		}
	} else if at := strings.LastIndexByte(s, '@'); at > start {
		if colon := strings.IndexByte(s[start:at], ':'); colon >= 0 {
			spans = append(spans, span{start + colon + 1, at})
		}
	}
	// Credential parameters, looked for after every '?' and '&' (not only
	// the first '?': a password with a raw '?' moves the query's start).
	for i := start; i < len(s); i++ {
		if s[i] != '?' && s[i] != '&' {
			continue
		}
		field := s[i+1:]
		if j := strings.IndexByte(field, '&'); j >= 0 {
			field = field[:j]
		}
		if name, val, ok := strings.Cut(field, "="); ok && val != "" {
			if n, bad, _ := unescape(name, true); bad < 0 && IsCredentialOption(strings.ToLower(n)) {
				vo := i + 1 + len(name) + 1
				spans = append(spans, span{vo, vo + len(val)})
			}
		}
	}
	return spans
}
