package core

import (
	"encoding/json"
	"fmt"
	"log/slog"
	"strconv"
	"strings"
	"time"
)

// Backend is the cache family a URL selects (SPEC.md §2).
type Backend string

// The backends. Several schemes map to one backend (see [Schemes]).
const (
	BackendRedis     Backend = "redis"
	BackendMemcached Backend = "memcached"
	BackendLocmem    Backend = "locmem"
	BackendFile      Backend = "file"
	BackendDB        Backend = "db"
	BackendDummy     Backend = "dummy"
	BackendUWSGI     Backend = "uwsgi"
)

// Topology is how a redis-family cache is deployed. It is empty for the
// other backends.
type Topology string

// The redis topologies.
const (
	Standalone Topology = "standalone"
	Sentinel   Topology = "sentinel"
	Cluster    Topology = "cluster"
)

// Config is a parsed CACHE_URL in the structured key layout of SPEC.md §4.
//
// The struct tags make encoding/json, koanf and mapstructure (viper) use the
// same snake_case keys; unset values are omitted. A Config is a plain value:
// compare two with reflect.DeepEqual. Optional integers are pointers (nil means
// "not given"), and Options is nil when the URL has no options.
//
// Printing a Config (String, %v, %+v, %#v, LogValue) never shows the password
// or credential-bearing options; [Format], MarshalText and MarshalJSON are
// lossless serialisations and do include them.
type Config struct {
	// Scheme is the URL scheme, lower-cased, as written (e.g. "valkeys",
	// "pymemcache"); it selects the Django backend class too.
	Scheme string `json:"scheme" koanf:"scheme" mapstructure:"scheme"`
	// Backend is the family the scheme belongs to.
	Backend Backend `json:"backend" koanf:"backend" mapstructure:"backend"`
	// TLS is true for rediss, valkeys and the rediss+ forms.
	TLS bool `json:"tls,omitempty" koanf:"tls" mapstructure:"tls"`
	// Topology is standalone, sentinel or cluster for the redis family, and
	// empty otherwise.
	Topology Topology `json:"topology,omitempty" koanf:"topology" mapstructure:"topology"`
	// Master is the sentinel master name.
	Master string `json:"master,omitempty" koanf:"master" mapstructure:"master"`
	// Hosts are "host:port" addresses. Redis-family hosts always carry a port
	// (the default filled in); memcached hosts keep theirs only where the URL
	// gave one. IPv6 hosts are bracketed ("[::1]:6379", zone as "%eth0").
	Hosts []string `json:"hosts,omitempty" koanf:"hosts" mapstructure:"hosts"`
	// Socket is a unix socket path (redis, memcached), decoded, as written.
	Socket string `json:"socket,omitempty" koanf:"socket" mapstructure:"socket"`
	// Path is the file cache directory, or the locmem/db/dummy/uwsgi name.
	Path string `json:"path,omitempty" koanf:"path" mapstructure:"path"`
	// Username and Password come from the userinfo, percent-decoded.
	Username string `json:"username,omitempty" koanf:"username" mapstructure:"username"`
	Password string `json:"password,omitempty" koanf:"password" mapstructure:"password"`
	// DB is the redis database number (0 when not given).
	DB int `json:"db,omitempty" koanf:"db" mapstructure:"db"`
	// TTL is the default expiry of entries (Django's TIMEOUT): unset, a
	// number of whole seconds (0 = expire at once), or never.
	TTL TTL `json:"ttl,omitzero" koanf:"ttl" mapstructure:"ttl"`
	// KeyPrefix, Version and KeyFunction are Django's KEY_PREFIX, VERSION
	// and KEY_FUNCTION.
	KeyPrefix   string `json:"key_prefix,omitempty" koanf:"key_prefix" mapstructure:"key_prefix"`
	Version     *int   `json:"version,omitempty" koanf:"version" mapstructure:"version"`
	KeyFunction string `json:"key_function,omitempty" koanf:"key_function" mapstructure:"key_function"`
	// MaxEntries (≥ 1) and CullFrequency (≥ 0) are Django's MAX_ENTRIES and
	// CULL_FREQUENCY.
	MaxEntries    *int `json:"max_entries,omitempty" koanf:"max_entries" mapstructure:"max_entries"`
	CullFrequency *int `json:"cull_frequency,omitempty" koanf:"cull_frequency" mapstructure:"cull_frequency"`
	// Lib selects the Django redis library: "", "redis-cache" or
	// "django-redis" (redis family only).
	Lib string `json:"lib,omitempty" koanf:"lib" mapstructure:"lib"`
	// Options are all other query parameters, names lower-cased, values as
	// unchecked strings, for the client that uses them.
	Options map[string]string `json:"options,omitempty" koanf:"options" mapstructure:"options"`
}

// Redacted is what every printed form shows instead of a secret.
const Redacted = "xxxxx"

// IsCredentialOption reports whether an option carries a secret and is
// therefore redacted: "password" and every name ending in "_password"
// (sentinel_password, ...).
func IsCredentialOption(name string) bool {
	return name == "password" || strings.HasSuffix(name, "_password")
}

// Redact returns a copy of c with the password and every credential-bearing
// option replaced by [Redacted]. The copy shares nothing with c.
func (c Config) Redact() Config {
	r := c.clone()
	if r.Password != "" {
		r.Password = Redacted
	}
	for k := range r.Options {
		if IsCredentialOption(k) {
			r.Options[k] = Redacted
		}
	}
	return r
}

// clone returns a deep copy of c.
func (c Config) clone() Config {
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
	r.Version = cloneInt(c.Version)
	r.MaxEntries = cloneInt(c.MaxEntries)
	r.CullFrequency = cloneInt(c.CullFrequency)
	return r
}

func cloneInt(p *int) *int {
	if p == nil {
		return nil
	}
	v := *p
	return &v
}

// Redacted returns the canonical URL of c ([Format]) with the password and
// credential options shown as [Redacted]. It is the form for people and logs.
func (c Config) Redacted() string { return Format(c.Redact()) }

// String returns [Config.Redacted], so %v and %+v never print the password.
func (c Config) String() string { return c.Redacted() }

// GoString makes %#v print the redacted URL too.
func (c Config) GoString() string { return "core.Config(" + strconv.Quote(c.Redacted()) + ")" }

// LogValue implements [slog.LogValuer]: a group with the redacted URL and the
// main structured fields, never the password.
func (c Config) LogValue() slog.Value {
	attrs := make([]slog.Attr, 0, 6)
	attrs = append(attrs, slog.String("url", c.Redacted()), slog.String("backend", string(c.Backend)))
	if c.Topology != "" {
		attrs = append(attrs, slog.String("topology", string(c.Topology)))
	}
	if len(c.Hosts) > 0 {
		attrs = append(attrs, slog.String("hosts", strings.Join(c.Hosts, ",")))
	}
	if c.Socket != "" {
		attrs = append(attrs, slog.String("socket", c.Socket))
	}
	if c.TTL.IsSet() {
		attrs = append(attrs, slog.String("ttl", c.TTL.String()))
	}
	return slog.GroupValue(attrs...)
}

// MarshalText implements [encoding.TextMarshaler] as the canonical URL
// ([Format]), password included. It fails when c is not a valid config.
func (c Config) MarshalText() ([]byte, error) {
	n, err := c.Normalize()
	if err != nil {
		return nil, err
	}
	return []byte(Format(n)), nil
}

// UnmarshalText implements [encoding.TextUnmarshaler] with [Parse].
func (c *Config) UnmarshalText(text []byte) error {
	p, err := Parse(string(text))
	if err != nil {
		return err
	}
	*c = p
	return nil
}

// configFields has Config's fields and tags but none of its methods, so
// encoding/json encodes it field by field.
type configFields Config

// MarshalJSON encodes the structured layout of SPEC.md §4 (not the URL
// string that MarshalText would give), password included: use
// [Config.Redact] first for output meant for people.
func (c Config) MarshalJSON() ([]byte, error) {
	return c.appendJSON(make([]byte, 0, 128+len(c.Password)+len(c.KeyPrefix)+16*len(c.Hosts)+32*len(c.Options))), nil
}

// AppendJSON appends the JSON of [Config.MarshalJSON] to b (without
// encoding/json's HTML escaping), for encoders that reuse a buffer.
func (c Config) AppendJSON(b []byte) []byte { return c.appendJSON(b) }

// UnmarshalJSON accepts either the structured object or a URL string.
// An object is checked and normalised with [Config.Normalize].
func (c *Config) UnmarshalJSON(data []byte) error {
	trimmed := strings.TrimSpace(string(data))
	if strings.HasPrefix(trimmed, `"`) {
		var s string
		if err := json.Unmarshal(data, &s); err != nil {
			return err
		}
		return c.UnmarshalText([]byte(s))
	}
	var f configFields
	if err := json.Unmarshal(data, &f); err != nil {
		return err
	}
	n, err := Config(f).Normalize()
	if err != nil {
		return err
	}
	*c = n
	return nil
}

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
		if k == "" || strings.IndexFunc(k, func(r rune) bool { return r >= 0x80 || byteClass[r]&(clsName|clsUpper) == 0 }) >= 0 {
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

// TTL is the default expiry of cache entries: unset (the zero value), a
// whole number of seconds (0 means "expire at once"), or never.
//
// Its text form is "300s" or "never"; UnmarshalText also accepts plain
// seconds ("300"), Go durations of whole seconds ("5m", "1.5m") and
// "none"/"None". The largest TTL is [MaxTTLSeconds].
type TTL struct {
	secs  int64
	state ttlState
}

type ttlState uint8

const (
	ttlUnset ttlState = iota
	ttlSeconds
	ttlNever
)

// MaxTTLSeconds is the largest TTL in seconds: the largest whole number of
// seconds a [time.Duration] holds.
const MaxTTLSeconds = int64(1<<63-1) / int64(time.Second)

// TTLSeconds returns a TTL of n seconds. It panics if n is negative or more
// than [MaxTTLSeconds]: use [ParseTTL] for untrusted input.
func TTLSeconds(n int64) TTL {
	if n < 0 || n > MaxTTLSeconds {
		panic("core: TTLSeconds out of range")
	}
	return TTL{secs: n, state: ttlSeconds}
}

// NeverExpire is the TTL of entries that never expire (Django TIMEOUT None).
var NeverExpire = TTL{state: ttlNever}

// IsSet reports whether the TTL was given.
func (t TTL) IsSet() bool { return t.state != ttlUnset }

// IsZero reports whether the TTL is unset (for json's omitzero).
func (t TTL) IsZero() bool { return t.state == ttlUnset }

// Never reports whether entries never expire.
func (t TTL) Never() bool { return t.state == ttlNever }

// Seconds returns the TTL in seconds and true, or 0 and false when the TTL
// is unset or never.
func (t TTL) Seconds() (int64, bool) { return t.secs, t.state == ttlSeconds }

// Duration returns the TTL as a duration and true, or 0 and false when the
// TTL is unset or never.
func (t TTL) Duration() (time.Duration, bool) {
	return time.Duration(t.secs) * time.Second, t.state == ttlSeconds
}

// String returns "300s", "never", or "" when unset.
func (t TTL) String() string {
	switch t.state {
	case ttlSeconds:
		return strconv.FormatInt(t.secs, 10) + "s"
	case ttlNever:
		return "never"
	}
	return ""
}

// MarshalText implements [encoding.TextMarshaler] ("300s", "never").
func (t TTL) MarshalText() ([]byte, error) { return []byte(t.String()), nil }

// UnmarshalText implements [encoding.TextUnmarshaler]; see [ParseTTL]. An
// empty text is an unset TTL.
func (t *TTL) UnmarshalText(text []byte) error {
	if len(text) == 0 {
		*t = TTL{}
		return nil
	}
	v, err := ParseTTL(string(text))
	if err != nil {
		return err
	}
	*t = v
	return nil
}

// ParseTTL parses a TTL: whole seconds ("300"), a Go duration of whole
// seconds ("300s", "5m", "1.5m", "1h30m"), or "never", "none", "None".
// Negative values, fractions of a second ("1500ms") and values over
// [MaxTTLSeconds] are errors wrapping [ErrInvalidParameter].
func ParseTTL(s string) (TTL, error) {
	if s == "never" {
		return NeverExpire, nil
	}
	t, msg := parseTimeout(s)
	if msg != "" {
		return TTL{}, newError(ErrInvalidParameter, s, 0, len(s), "ttl "+msg)
	}
	return t, nil
}
