package core

import (
	"slices"
	"strconv"
	"strings"
)

// Format returns the canonical URL of c, password included (use
// [Config.Redacted] for people and logs). For every valid config,
// Parse(Format(c)) equals c, and Format(Parse(u)) is a fixed point.
//
// The canonical form: lower-case scheme; userinfo and paths percent-encoded
// with every byte except ALPHA, DIGIT, "-._~" and "!$&'()*+,;=" (and "/" in
// paths) written %XX in upper-case hex; redis default ports omitted (6379,
// sentinels 26379); memcached ports as parsed; the redis db always in the
// path for TCP standalone (redis://host/0), and for sentinel and sockets only
// when not 0 (or when a socket's last segment is all digits), but for unix://
// sockets (unix://[userinfo@]/path) in ?db=N when not 0; parameters in
// the order master_name (only when the master has a '/'), timeout (seconds or
// none), key_prefix, version, key_function, max_entries, cull_frequency,
// lib, then the options sorted by name; query values percent-encoded except
// ALPHA, DIGIT, "-._~!$'()*,/:@".
//
// Every field is escaped so that it cannot be read back as another part of
// the URL: an option name that is not a parameter name (ASCII letters,
// digits, '_', '.', '-') is percent-encoded like a query value
// (Options{"x&password": "pw"} gives "?x%26password=pw", which Parse
// rejects, not "?x&password=pw"), and so is a Scheme that is not scheme
// text (lower-case letters, digits, "+-."). Hosts are the exception: they
// are written as given, so a "host" holding '@', ',', '/' or '?' (which
// [Config.Normalize] rejects) changes the meaning of the URL.
//
// Format does not validate: a config that [Config.Normalize] rejects gives a
// URL that Parse rejects too.
func Format(c Config) string {
	name := c.Scheme
	backend := c.Backend
	topology := c.Topology
	defPort := 0
	if s, ok := lookupScheme(c.Scheme); ok {
		name, backend, topology, defPort = s.Name, s.Backend, s.Topology, s.DefaultPort
		if backend == BackendMemcached {
			defPort = 0
		}
	} else {
		name = strings.ToLower(name)
	}
	if !isSchemeText(name) {
		// Not a scheme (a URL pasted into the field, say): escaped, so
		// that the URL fails to parse rather than parse as another config.
		var b strings.Builder
		escape(&b, name, encScheme)
		name = b.String()
	}

	var b strings.Builder
	b.Grow(formatLen(&c, name))
	b.WriteString(name)
	b.WriteString("://")
	masterInQuery := false
	switch backend {
	case BackendRedis, BackendMemcached:
		if c.Socket != "" && len(c.Hosts) == 0 {
			if name == "unix" { // unix://[user[:password]@]/path?db=N
				writeUserinfo(&b, &c)
			}
			escape(&b, c.Socket, encPath)
			if backend == BackendRedis && name != "unix" {
				if c.DB != 0 || allDigits(c.Socket[strings.LastIndexByte(c.Socket, '/')+1:]) {
					b.WriteByte('/')
					writeInt(&b, c.DB)
				}
			}
			break
		}
		writeUserinfo(&b, &c)
		for i, h := range c.Hosts {
			if i > 0 {
				b.WriteByte(',')
			}
			writeHost(&b, h, defPort)
		}
		if backend != BackendRedis {
			break
		}
		switch topology {
		case Sentinel:
			if strings.IndexByte(c.Master, '/') >= 0 {
				masterInQuery = true
				b.WriteByte('/')
				writeInt(&b, c.DB)
				break
			}
			if c.Master != "" {
				b.WriteByte('/')
				escape(&b, c.Master, encPath)
			}
			if c.DB != 0 {
				b.WriteByte('/')
				writeInt(&b, c.DB)
			}
		case Cluster:
			if c.DB != 0 {
				b.WriteByte('/')
				writeInt(&b, c.DB)
			}
		default:
			b.WriteByte('/')
			writeInt(&b, c.DB)
		}
	case BackendFile:
		escape(&b, c.Path, encPath)
	default:
		escapeName(&b, c.Path)
	}

	q := queryWriter{b: &b}
	if name == "unix" && c.DB != 0 {
		q.intParam("db", &c.DB)
	}
	if masterInQuery {
		q.param("master_name", c.Master)
	}
	switch {
	case c.TTL.Never():
		q.param("timeout", "none")
	case c.TTL.IsSet():
		q.key("timeout")
		var buf [20]byte
		b.Write(strconv.AppendInt(buf[:0], c.TTL.secs, 10))
	}
	q.param("key_prefix", c.KeyPrefix)
	q.intParam("version", c.Version)
	q.param("key_function", c.KeyFunction)
	q.intParam("max_entries", c.MaxEntries)
	q.intParam("cull_frequency", c.CullFrequency)
	q.param("lib", c.Lib)
	if len(c.Options) > 0 {
		var buf [16]string
		keys := buf[:0]
		for k := range c.Options {
			keys = append(keys, k)
		}
		slices.Sort(keys)
		for _, k := range keys {
			q.param(k, c.Options[k])
		}
	}
	return b.String()
}

// formatLen is an upper bound of Format's length, so it allocates once.
func formatLen(c *Config, name string) int {
	n := len(name) + 3 + 3*(len(c.Username)+len(c.Password)+len(c.Socket)+len(c.Path)+len(c.Master)) + 2 + 12
	for _, h := range c.Hosts {
		n += len(h) + 3
	}
	n += 16 + 3*(len(c.KeyPrefix)+len(c.KeyFunction)) + 40 + 3*11 + 60 + 20
	for k, v := range c.Options {
		n += len(k) + 2 + 3*len(v)
	}
	return n
}

func writeInt(b *strings.Builder, v int) {
	var buf [20]byte
	b.Write(strconv.AppendInt(buf[:0], int64(v), 10))
}

func writeUserinfo(b *strings.Builder, c *Config) {
	if c.Username == "" && c.Password == "" {
		return
	}
	escape(b, c.Username, encUserinfo)
	if c.Password != "" {
		b.WriteByte(':')
		escape(b, c.Password, encUserinfo)
	}
	b.WriteByte('@')
}

// writeHost writes a structured "host:port" back in URL form: the default
// port dropped and an IPv6 zone's '%' written %25.
func writeHost(b *strings.Builder, h string, defPort int) {
	hostPart, port := h, ""
	if i := strings.LastIndexByte(h, ':'); i >= 0 && (h[0] != '[' || strings.IndexByte(h, ']') < i) {
		hostPart, port = h[:i], h[i+1:]
	}
	if i := strings.IndexByte(hostPart, '%'); i >= 0 && hostPart != "" && hostPart[0] == '[' {
		b.WriteString(hostPart[:i])
		b.WriteString("%25")
		b.WriteString(hostPart[i+1:])
	} else {
		b.WriteString(hostPart)
	}
	if port != "" && (defPort == 0 || port != defaultPortText(defPort)) {
		b.WriteByte(':')
		b.WriteString(port)
	}
}

type queryWriter struct {
	b   *strings.Builder
	any bool
}

func (q *queryWriter) key(k string) {
	if q.any {
		q.b.WriteByte('&')
	} else {
		q.b.WriteByte('?')
		q.any = true
	}
	if isParamName(k) {
		q.b.WriteString(k)
	} else {
		// Not a parameter name ("x&password", "a=b"): escaped, so that the
		// URL fails to parse rather than parse as another config.
		escape(q.b, k, encQuery)
	}
	q.b.WriteByte('=')
}

func (q *queryWriter) param(k, v string) {
	if v == "" {
		return
	}
	q.key(k)
	escape(q.b, v, encQuery)
}

func (q *queryWriter) intParam(k string, v *int) {
	if v == nil {
		return
	}
	q.key(k)
	writeInt(q.b, *v)
}

// Percent-encoding sets (docs/grammar.md).
type encoding uint8

const (
	encUserinfo encoding = iota // unreserved + sub-delims
	encPath                     // unreserved + sub-delims + '/'
	encQuery                    // unreserved + "!$'()*,/:@"
	encScheme                   // lower-case letters, digits, "+-."
)

// isSchemeText reports whether s is written in a URL as it is: a non-empty
// string of lower-case letters, digits, '+', '-' and '.' (the scheme
// syntax, after lower-casing).
func isSchemeText(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if c := s[i]; !('a' <= c && c <= 'z' || '0' <= c && c <= '9' || c == '+' || c == '-' || c == '.') {
			return false
		}
	}
	return true
}

func isUnreserved(c byte) bool {
	return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' ||
		c == '-' || c == '.' || c == '_' || c == '~'
}

func shouldEscape(c byte, mode encoding) bool {
	if mode == encScheme {
		return !('a' <= c && c <= 'z' || '0' <= c && c <= '9' || c == '+' || c == '-' || c == '.')
	}
	if isUnreserved(c) {
		return false
	}
	switch c {
	case '!', '$', '\'', '(', ')', '*', ',':
		return false
	case '&', '+', ';', '=':
		return mode == encQuery
	case '/':
		return mode == encUserinfo
	case ':', '@':
		return mode != encQuery
	}
	return true
}

const upperhex = "0123456789ABCDEF"

// escape writes s percent-encoded for mode.
func escape(b *strings.Builder, s string, mode encoding) {
	start := 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		if shouldEscape(c, mode) {
			b.WriteString(s[start:i])
			b.WriteByte('%')
			b.WriteByte(upperhex[c>>4])
			b.WriteByte(upperhex[c&15])
			start = i + 1
		}
	}
	b.WriteString(s[start:])
}
