package core

import "strings"

// Backend is the cache family a URL selects (docs/grammar.md).
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

// Config is a parsed CACHE_URL in the structured key layout described on its fields.
//
// The struct tags make encoding/json, koanf and mapstructure (viper) use the
// same snake_case keys; unset values are omitted. A Config is a plain value:
// compare two with reflect.DeepEqual. Optional integers are pointers (nil means
// "not given"), and Options is nil when the URL has no options.
//
// Every form of a Config that can leave the process by accident is
// redacted: String, GoString, every fmt verb (%v, %+v, %#v, %s, %q),
// LogValue (slog's text and JSON handlers), MarshalJSON and MarshalText (so
// json.Marshal, YAML encoders and flag -help defaults of a struct holding a
// Config). They show [Redacted] ("xxxxx") instead of
//
//   - the password;
//   - the value of every credential option ([IsCredentialOption]);
//   - the value of every option whose name is not a valid parameter name
//     (ASCII letters, digits, '_', '.' and '-'): such a name may be a
//     whole query pasted into a key ("x&password");
//   - userinfo pasted into Scheme or a host: in Scheme and in each of Hosts,
//     a '@' means credentials are there, so everything before the last '@'
//     (after a "://", when one comes first) is replaced by xxxxx: Scheme
//     "redis://u:pw@h" is printed as "redis://xxxxx@h" (percent-encoded
//     in a URL) and the host "u:pw@h:6379" as "xxxxx@h:6379" (a host holds
//     no userinfo, so the username is hidden with the password).
//
// This holds for any Config value, valid or not. Only [Format] and
// [Reveal] keep secrets; a redacted copy fed back to UnmarshalJSON or
// UnmarshalText is an error, not a config whose password is "xxxxx".
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

// redactAll returns [Config.Redact] of c with the userinfo pasted into its
// scheme or hosts redacted too (redactLocation): the copy every printed
// form shows.
func redactAll(c Config) Config {
	r := c.Redact()
	redactLocation(&r)
	return r
}

// redactLocation replaces, in place, the userinfo pasted into c.Scheme or
// c.Hosts (see [Config]); c must not share Hosts with another value.
func redactLocation(c *Config) {
	c.Scheme = hideUserinfo(c.Scheme)
	for i, h := range c.Hosts {
		c.Hosts[i] = hideUserinfo(h)
	}
}

// hideUserinfo returns s with everything before its last '@' (after a
// "://", when one comes first) replaced by [Redacted]; s itself when it has
// no '@'.
func hideUserinfo(s string) string {
	at := strings.LastIndexByte(s, '@')
	if at < 0 {
		return s
	}
	start := 0
	if i := strings.Index(s[:at], "://"); i >= 0 {
		start = i + 3
	}
	return s[:start] + Redacted + s[at:]
}
