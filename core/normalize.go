package core

import (
	"fmt"
	"strconv"
	"strings"
)

// Normalize checks a structured value (for example one decoded from a config
// file, or a URL's config with some keys overridden) and returns it in the
// canonical form [Parse] produces: derived fields (backend, tls, topology)
// filled in from the scheme, redis default ports added, uwsgi's default name.
// Derived fields that are set must agree with the scheme. The result r always
// satisfies Parse(Format(r)) == r.
func (c Config) Normalize() (Config, error) {
	s, ok := lookupScheme(c.Scheme)
	if !ok {
		return Config{}, newError(ErrUnknownScheme, c.Redact().Scheme, 0, len(c.Scheme), unknownSchemeMsg(c.Scheme))
	}
	if c.Backend != "" && c.Backend != s.Backend {
		return Config{}, structError(c, ErrInvalidParameter, fmt.Sprintf("backend %q does not match scheme %q (which is %s)", c.Backend, s.Name, s.Backend))
	}
	if c.Topology != "" && c.Topology != s.Topology {
		return Config{}, structError(c, ErrInvalidParameter, fmt.Sprintf("topology %q does not match scheme %q (which is %s)", c.Topology, s.Name, orNone(string(s.Topology))))
	}
	if c.TLS && !s.TLS {
		return Config{}, structError(c, ErrInvalidParameter, fmt.Sprintf("tls is set but scheme %q is not a TLS scheme", s.Name))
	}
	network := s.Backend == BackendRedis || s.Backend == BackendMemcached
	switch {
	case len(c.Hosts) > 0 && c.Socket != "":
		return Config{}, structError(c, ErrInvalidHost, "hosts and socket are both set; give one")
	case network && c.Path != "":
		return Config{}, structError(c, ErrInvalidPath, fmt.Sprintf("path is set but %s caches take hosts or a socket", s.Backend))
	case !network && (len(c.Hosts) > 0 || c.Socket != ""):
		return Config{}, structError(c, ErrInvalidHost, fmt.Sprintf("hosts or socket are set but %s:// takes a name or directory in path", s.Name))
	}
	for k := range c.Options {
		if !isParamName(k) {
			return Config{}, structError(c, ErrInvalidParameter, "invalid option name "+quoteShort(k)+"; names are ASCII letters, digits, '_', '.' and '-'")
		}
	}
	if s.Backend != BackendRedis && c.DB != 0 {
		return Config{}, structError(c, ErrInvalidPath, fmt.Sprintf("db is set but %s is not a redis scheme", s.Name))
	}
	c.Scheme = s.Name
	p, err := Parse(Format(c))
	if err != nil {
		return Config{}, err
	}
	// Fields the scheme does not use would be dropped by Format: say so.
	switch {
	case (c.Username != "" || c.Password != "") && p.Username == "" && p.Password == "":
		if len(c.Hosts) == 0 && (s.Backend == BackendRedis || s.Backend == BackendMemcached) {
			return Config{}, structError(c, ErrInvalidUserinfo, "username/password need hosts; over a unix socket give them as the password (and username) options")
		}
		return Config{}, structError(c, ErrInvalidUserinfo, s.Name+":// takes no username or password")
	case c.Master != "" && p.Master == "":
		return Config{}, structError(c, ErrInvalidPath, "master is only for redis+sentinel:// and rediss+sentinel://")
	}
	// Every location field must come back as given (up to the default port
	// and uwsgi's default name): otherwise the value cannot be written in a
	// URL (a relative socket, a name with '/', a host with '@', ...).
	changed := func(field, from, to string) error {
		kind := ErrInvalidPath
		if field == "host" {
			kind = ErrInvalidHost
		}
		return structError(c, kind, fmt.Sprintf("%s %s cannot be written in a %s:// URL (it would read back as %s)", field, quoteShort(from), s.Name, quoteShort(to)))
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
		return Config{}, structError(c, ErrInvalidUserinfo, "the username or password changed when written as a URL; check the hosts for '@'")
	case len(c.Hosts) != len(p.Hosts) && !(len(c.Hosts) == 0 && s.Backend == BackendRedis && c.Socket == ""):
		return Config{}, structError(c, ErrInvalidHost, fmt.Sprintf("%d hosts read back as %d; hosts are host[:port] each, without ',' '@' or '/'", len(c.Hosts), len(p.Hosts)))
	}
	for i, h := range c.Hosts {
		if got := p.Hosts[i]; got != h && got != h+":"+defaultPortText(s.DefaultPort) {
			return Config{}, changed("host", h, got)
		}
	}
	for k, v := range c.Options {
		if v == "" {
			continue
		}
		if got, ok := p.Options[strings.ToLower(k)]; !ok || got != v {
			return Config{}, structError(c, ErrInvalidParameter, "option "+quoteShort(k)+" is a cache argument or URL part here; set the field instead of the option")
		}
	}
	return p, nil
}

func orNone(s string) string {
	if s == "" {
		return "not redis"
	}
	return s
}

// structError reports a problem with a structured (non-URL) value.
func structError(c Config, kind *Kind, msg string) error {
	// The fields may hold secrets where they do not belong (a host
	// "u:pw@h"): redact the URL text as Parse's errors do.
	return newError(kind, redactSecrets(c.Redacted()), 0, 0, msg)
}
