package core

import (
	"net/netip"
	"strconv"
	"strings"
	"unicode/utf8"
)

// splitUserinfo splits an authority at its last '@' into userinfo and the
// host list, decoding the username and password. off is the offset of
// authority in s.
func (p *parser) userinfo(c *Config, authority string, off int) (hosts string, hostsOff int, ok bool) {
	if p.lastAt < 0 {
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
	if pw == Redacted {
		p.inPassword = true
		return "", 0, p.fail(ErrInvalidUserinfo, p.pwStart, len(pass), "the secret of user:secret@"+urlMarkerMsg)
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
	n := 1
	if p.comma {
		n = strings.Count(list, ",") + 1
	}
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

// joinHost returns name:port (or name when port is ""), built in p.hostBuf.
func (p *parser) joinHost(name, port string) string {
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
