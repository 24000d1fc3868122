package core

import (
	"fmt"
	"sort"
	"strconv"
	"strings"
)

// Normalize checks a structured value (for example one decoded from a config
// file, or a URL's config with some keys overridden) and returns it in the
// canonical form [Parse] produces: derived fields (backend, tls, topology)
// filled in from the scheme, redis default ports added, uwsgi's default name.
// Derived fields that are set must agree with the scheme. The result r always
// satisfies Parse(Format(r)) == r.
//
// Each field is checked on its own, with the parser's rules for that part of
// a URL; an error is a *[Error] whose Key names the field ("db",
// "hosts[1]", "options.x") and whose message speaks of keys, never of URL
// paths, and never holds a password.
func (c Config) Normalize() (Config, error) { return c.normalize(nil) }

// normalize is Normalize; when the fields do not form a URL together, the
// keys in prefer (set explicitly beside a URL) are blamed first.
func (c Config) normalize(prefer map[string]bool) (Config, error) {
	s, ok := lookupScheme(c.Scheme)
	if !ok {
		return Config{}, fieldError("scheme", ErrUnknownScheme, unknownSchemeMsg(c.Redact().Scheme))
	}
	if c.Backend != "" && c.Backend != s.Backend {
		return Config{}, fieldError("backend", ErrInvalidParameter, fmt.Sprintf("%s does not match scheme %q (which is %s)", quoteShort(string(c.Backend)), s.Name, s.Backend))
	}
	if c.Topology != "" && c.Topology != s.Topology {
		return Config{}, fieldError("topology", ErrInvalidParameter, fmt.Sprintf("%s does not match scheme %q (which is %s)", quoteShort(string(c.Topology)), s.Name, orNone(string(s.Topology))))
	}
	if c.TLS && !s.TLS {
		return Config{}, fieldError("tls", ErrInvalidParameter, fmt.Sprintf("is true but scheme %q is not a TLS scheme", s.Name))
	}
	network := s.Backend == BackendRedis || s.Backend == BackendMemcached
	switch {
	case len(c.Hosts) > 0 && c.Socket != "":
		return Config{}, fieldError("socket", ErrInvalidHost, "hosts and socket are both set; give one")
	case network && c.Path != "":
		return Config{}, fieldError("path", ErrInvalidPath, fmt.Sprintf("is set but %s caches take hosts or a socket", s.Backend))
	case !network && len(c.Hosts) > 0:
		return Config{}, fieldError("hosts", ErrInvalidHost, fmt.Sprintf("are set but %s:// takes a name or directory in path", s.Name))
	case !network && c.Socket != "":
		return Config{}, fieldError("socket", ErrInvalidHost, fmt.Sprintf("is set but %s:// takes a name or directory in path", s.Name))
	}
	switch {
	case s.Name == "unix" && len(c.Hosts) > 0:
		return Config{}, fieldError("hosts", ErrInvalidHost, "unix:// takes no host, only a socket path")
	case s.TLS && c.Socket != "":
		return Config{}, fieldError("socket", ErrInvalidPath, s.Name+":// cannot use a unix socket (no TLS over sockets); use redis:// with the socket")
	case s.Name == "elasticache" && c.Socket != "":
		return Config{}, fieldError("socket", ErrInvalidPath, "elasticache:// needs the cluster's configuration endpoint host, not a unix socket")
	}
	for i, h := range c.Hosts {
		if err := checkHost(h, s); err != nil {
			err.Key = fmt.Sprintf("hosts[%d]", i)
			err.Msg = err.Key + ": " + err.Msg
			return Config{}, err
		}
	}
	if c.DB < 0 || c.DB > maxInt {
		return Config{}, fieldError("db", ErrInvalidPath, fmt.Sprintf("%d is not a db number (0-%d)", c.DB, maxInt))
	}
	if s.Backend != BackendRedis && c.DB != 0 {
		return Config{}, fieldError("db", ErrInvalidPath, fmt.Sprintf("is set but %s is not a redis scheme", s.Name))
	}
	switch {
	case s.Topology == Sentinel && c.Master == "":
		return Config{}, fieldError("master", ErrInvalidPath, s.Name+":// needs the sentinel master name")
	case s.Topology != Sentinel && c.Master != "":
		return Config{}, fieldError("master", ErrInvalidPath, "is only for redis+sentinel:// and rediss+sentinel://")
	}
	for i := 0; i < len(c.Master); i++ {
		if c.Master[i] <= ' ' || c.Master[i] >= 0x7f {
			return Config{}, fieldError("master", ErrInvalidPath, quoteShort(c.Master)+" must be printable ASCII without spaces")
		}
	}
	if c.Password == Redacted {
		return Config{}, fieldError("password", ErrInvalidUserinfo, markerMsg)
	}
	for _, k := range []struct {
		name string
		v    *int
		lo   int
	}{{"version", c.Version, 0}, {"max_entries", c.MaxEntries, 1}, {"cull_frequency", c.CullFrequency, 0}} {
		if k.v != nil && (*k.v < k.lo || *k.v > maxInt) {
			return Config{}, fieldError(k.name, ErrInvalidParameter, fmt.Sprintf("%d is not a whole number (%d-%d)", *k.v, k.lo, maxInt))
		}
	}
	for k, v := range c.Options {
		if !isParamName(k) {
			return Config{}, fieldError(shortPath("options."+k), ErrInvalidParameter, "invalid option name "+quoteShort(k)+"; names are ASCII letters, digits, '_', '.' and '-'")
		}
		if v == Redacted && IsCredentialOption(k) {
			return Config{}, fieldError("options."+strings.ToLower(k), ErrInvalidParameter, markerMsg)
		}
	}
	c.Scheme = s.Name
	p, err := Parse(Format(c))
	if err != nil {
		e, ok := err.(*Error)
		if !ok {
			return Config{}, err
		}
		// Name the field the parser's rule is about: the first one
		// without which the config forms a URL. The message is the
		// parser's, without the (possibly long) URL.
		switch {
		case e.Kind == ErrTooLong:
			return Config{}, &Error{Kind: e.Kind, Msg: "the config's URL is too long: " + e.Msg}
		case network && len(c.Hosts) == 0 && c.Socket == "":
			return Config{}, fieldError("hosts", e.Kind, e.Msg)
		case !network && c.Path == "" && e.Kind == ErrInvalidPath:
			return Config{}, fieldError("path", e.Kind, e.Msg)
		}
		if key := culprit(c, prefer); key != "" {
			return Config{}, fieldError(key, e.Kind, e.Msg)
		}
		return Config{}, &Error{Kind: e.Kind, Msg: "the keys do not form a valid " + s.Name + ":// config: " + e.Msg}
	}
	// Fields the scheme does not use would be dropped by Format: say so.
	if (c.Username != "" || c.Password != "") && p.Username == "" && p.Password == "" {
		key := "password"
		if c.Username != "" {
			key = "username"
		}
		if len(c.Hosts) == 0 && network {
			return Config{}, fieldError(key, ErrInvalidUserinfo, "username/password need hosts; over a unix socket give them as the password (and username) options")
		}
		return Config{}, fieldError(key, ErrInvalidUserinfo, s.Name+":// takes no username or password")
	}
	// Every location field must come back as given (up to the default port
	// and uwsgi's default name): otherwise the value cannot be written in a
	// URL (a relative socket, a name with '/', a host with '@', ...).
	changed := func(field, from, to string) error {
		kind := ErrInvalidPath
		if strings.HasPrefix(field, "hosts") {
			kind = ErrInvalidHost
		}
		return fieldError(field, kind, fmt.Sprintf("%s cannot be written in a %s:// URL (it would read back as %s)", quoteShort(from), s.Name, quoteShort(to)))
	}
	switch {
	case c.Socket != p.Socket:
		return Config{}, changed("socket", c.Socket, p.Socket)
	case c.Path != p.Path && !(s.Backend == BackendUWSGI && c.Path == ""):
		return Config{}, changed("path", c.Path, p.Path)
	case c.DB != p.DB:
		return Config{}, changed("db", strconv.Itoa(c.DB), strconv.Itoa(p.DB))
	case c.Master != p.Master:
		return Config{}, changed("master", c.Master, p.Master)
	case c.Username != p.Username || c.Password != p.Password:
		return Config{}, fieldError("password", ErrInvalidUserinfo, "the username or password changed when written as a URL; check the hosts for '@'")
	case len(c.Hosts) != len(p.Hosts) && !(len(c.Hosts) == 0 && s.Backend == BackendRedis && c.Socket == ""):
		return Config{}, fieldError("hosts", ErrInvalidHost, fmt.Sprintf("%d hosts read back as %d; hosts are host[:port] each, without ',' '@' or '/'", len(c.Hosts), len(p.Hosts)))
	}
	for i, h := range c.Hosts {
		canon := h
		hp := parser{s: strings.ReplaceAll(h, "%", "%25")}
		if v, ok := hp.host(hp.s, 0, s.DefaultPort); ok {
			canon = strings.ReplaceAll(v, "%25", "%") // leading zeros of a port dropped, as Parse does
		}
		if got := p.Hosts[i]; got != h && got != canon && got != h+":"+defaultPortText(s.DefaultPort) {
			return Config{}, changed(fmt.Sprintf("hosts[%d]", i), h, got)
		}
	}
	for k, v := range c.Options {
		if v == "" {
			continue
		}
		if got, ok := p.Options[strings.ToLower(k)]; !ok || got != v {
			return Config{}, fieldError("options."+strings.ToLower(k), ErrInvalidParameter, "option "+quoteShort(k)+" is a cache argument or URL part here; set the key instead of the option")
		}
	}
	return p, nil
}

// culprit returns the key of the first field without which c forms a URL
// (options first, then the query parameters), or "". It parses c once per
// field it tries, a bounded number of times (options only when there are
// few), so an error costs a constant factor more than a valid value.
func culprit(c Config, prefer map[string]bool) string {
	if len(prefer) > 0 {
		if key := culprit(c, nil); key != "" && !prefer[key] {
			// Is an explicitly set key enough on its own?
			if alt := culpritAmong(c, prefer); alt != "" {
				return alt
			}
		}
	}
	return culpritAmong(c, nil)
}

// culpritAmong is culprit restricted to the keys of only (all when nil).
func culpritAmong(c Config, only map[string]bool) string {
	want := func(key string) bool { return only == nil || only[key] }
	ok := func(d Config) bool { _, err := Parse(Format(d)); return err == nil }
	names := make([]string, 0, len(c.Options))
	for k := range c.Options {
		if len(c.Options) <= maxCulpritOptions {
			names = append(names, k)
		}
	}
	sort.Strings(names)
	for _, k := range names {
		d := c
		d.Options = make(map[string]string, len(c.Options))
		for n, v := range c.Options {
			if n != k {
				d.Options[n] = v
			}
		}
		if key := shortPath("options." + strings.ToLower(k)); want(key) && ok(d) {
			return key
		}
	}
	for _, f := range []struct {
		key   string
		clear func(*Config)
	}{
		{"ttl", func(d *Config) { d.TTL = TTL{} }},
		{"key_prefix", func(d *Config) { d.KeyPrefix = "" }},
		{"key_function", func(d *Config) { d.KeyFunction = "" }},
		{"lib", func(d *Config) { d.Lib = "" }},
		{"version", func(d *Config) { d.Version = nil }},
		{"max_entries", func(d *Config) { d.MaxEntries = nil }},
		{"cull_frequency", func(d *Config) { d.CullFrequency = nil }},
		{"db", func(d *Config) { d.DB = 0 }},
		{"path", func(d *Config) { d.Path = "" }},
		{"socket", func(d *Config) { d.Socket = "" }},
		{"username", func(d *Config) { d.Username = "" }},
		{"password", func(d *Config) { d.Password = "" }},
	} {
		d := c
		f.clear(&d)
		if want(f.key) && ok(d) {
			return f.key
		}
	}
	return ""
}

// maxCulpritOptions bounds the options culprit tries one by one.
const maxCulpritOptions = 16

// markerMsg is the error for a secret that is the redaction marker.
const markerMsg = "is the redaction marker " + Redacted + ": this is a redacted copy; give the real secret"

// checkHost checks one entry of Config.Hosts with the parser's host rules.
func checkHost(h string, s *Scheme) *Error {
	if strings.ContainsAny(h, "@") {
		// Probably "user:password@host": never echo it.
		return &Error{Kind: ErrInvalidHost, Msg: "contains '@'; give the username and password as their own keys, and the host as host[:port]"}
	}
	if strings.ContainsAny(h, ",/?#") || strings.TrimSpace(h) != h {
		return &Error{Kind: ErrInvalidHost, Msg: quoteShort(h) + " is not host[:port] (no spaces, ',', '/', '?' or '#')"}
	}
	h = strings.ReplaceAll(h, "%", "%25") // as Format writes it
	p := parser{s: h}
	if _, ok := p.host(h, 0, s.DefaultPort); !ok {
		return &Error{Kind: p.kind, Msg: p.msg}
	}
	return nil
}

// fieldError is an error about the field key of a Config.
func fieldError(key string, kind *Kind, msg string) *Error {
	return &Error{Kind: kind, Key: key, Msg: key + ": " + msg}
}

func orNone(s string) string {
	if s == "" {
		return "not redis"
	}
	return s
}
