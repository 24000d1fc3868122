package fuzz

import (
	"reflect"
	"sort"
	"strings"
	"testing"

	"github.com/cacheurl/cacheurl/core"
	"github.com/leanovate/gopter"
)

// TestSchemeTableMatchesCore checks that core's scheme table is the scheme table
// of docs/grammar.md (schemeTable is written from that document), so the generators cover
// every scheme core knows, with the right backend, TLS flag and topology.
func TestSchemeTableMatchesCore(t *testing.T) {
	want := map[string]schemeInfo{}
	for _, s := range schemeTable {
		want[s.name] = s
	}
	got := map[string]schemeInfo{}
	for _, s := range core.Schemes() {
		got[s.Name] = schemeInfo{s.Name, s.Backend, s.TLS, s.Topology}
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("core.Schemes() differs from the scheme table of docs/grammar.md\ngot  %v\nwant %v", got, want)
	}
}

// sampleConfigs draws n configs from g with a fixed seed.
func sampleConfigs(t *testing.T, g gopter.Gen, n int) []core.Config {
	t.Helper()
	params := gopter.DefaultGenParameters().CloneWithSeed(20260101)
	out := make([]core.Config, n)
	for i := range out {
		v, ok := g(params).Retrieve()
		if !ok {
			t.Fatal("generator gave no value")
		}
		out[i] = v.(core.Config)
	}
	return out
}

// TestGeneratorCoverage checks that the generators reach every scheme and
// every shape the task lists (docs/grammar.md), so a passing property means
// something, and that every value keeps the grammar's invariants.
func TestGeneratorCoverage(t *testing.T) {
	features := map[string]func(c core.Config) bool{
		"several redis hosts": func(c core.Config) bool {
			return c.Topology == core.Standalone && len(c.Hosts) > 1
		},
		"several sentinels":     func(c core.Config) bool { return c.Topology == core.Sentinel && len(c.Hosts) > 1 },
		"several cluster seeds": func(c core.Config) bool { return c.Topology == core.Cluster && len(c.Hosts) > 1 },
		"IPv4 host": anyHost(func(h string) bool {
			return h != "" && strings.Count(h, ".") == 3 && strings.Trim(h, "0123456789.:") == ""
		}),
		"IPv6 host":             anyHost(func(h string) bool { return strings.HasPrefix(h, "[") }),
		"IPv6 zone":             anyHost(func(h string) bool { return strings.HasPrefix(h, "[") && strings.Contains(h, "%") }),
		"host name with _":      anyHost(func(h string) bool { return strings.Contains(h, "_") }),
		"upper-case host name":  anyHost(func(h string) bool { return strings.ToLower(h) != h && !strings.HasPrefix(h, "[") }),
		"non-default port":      anyHost(func(h string) bool { return strings.HasSuffix(h, ":1") || strings.HasSuffix(h, ":65535") }),
		"username only":         func(c core.Config) bool { return c.Username != "" && c.Password == "" },
		"password only":         func(c core.Config) bool { return c.Username == "" && c.Password != "" },
		"username and password": func(c core.Config) bool { return c.Username != "" && c.Password != "" },
		"password with @:/?#%& and space": func(c core.Config) bool {
			return strings.ContainsAny(c.Password, "@") && strings.ContainsAny(c.Password, ":/?#%& ")
		},
		"non-ASCII password": func(c core.Config) bool {
			return strings.ContainsFunc(c.Password, func(r rune) bool { return r > 0x7f })
		},
		"db 0":         func(c core.Config) bool { return c.Backend == core.BackendRedis && c.DB == 0 },
		"db over 15":   func(c core.Config) bool { return c.DB > 15 },
		"db over 2^20": func(c core.Config) bool { return c.DB > 1<<20 },
		"redis socket": func(c core.Config) bool { return c.Backend == core.BackendRedis && c.Socket != "" },
		"redis socket with db": func(c core.Config) bool {
			return c.Backend == core.BackendRedis && c.Socket != "" && c.DB != 0
		},
		"socket ending in digits": func(c core.Config) bool {
			return c.Socket != "" && strings.Trim(c.Socket[strings.LastIndex(c.Socket, "/")+1:], "0123456789") == "" && !strings.HasSuffix(c.Socket, "/")
		},
		"socket ending in /":       func(c core.Config) bool { return strings.HasSuffix(c.Socket, "/") },
		"memcached socket":         func(c core.Config) bool { return c.Backend == core.BackendMemcached && c.Socket != "" },
		"memcached host, no port":  anyMemcachedHost(func(h string) bool { return !hasPort(h) }),
		"memcached host with port": anyMemcachedHost(hasPort),
		"memcached credentials":    func(c core.Config) bool { return c.Backend == core.BackendMemcached && c.Password != "" },
		"sentinel master with /":   func(c core.Config) bool { return strings.Contains(c.Master, "/") },
		"all-digit master":         func(c core.Config) bool { return c.Master != "" && strings.Trim(c.Master, "0123456789") == "" },
		"unnamed locmem":           func(c core.Config) bool { return c.Backend == core.BackendLocmem && c.Path == "" },
		"named locmem":             func(c core.Config) bool { return c.Backend == core.BackendLocmem && c.Path != "" },
		"unnamed dummy":            func(c core.Config) bool { return c.Backend == core.BackendDummy && c.Path == "" },
		"uwsgi default":            func(c core.Config) bool { return c.Backend == core.BackendUWSGI && c.Path == "default" },
		"name with %":              func(c core.Config) bool { return c.Backend != core.BackendFile && strings.Contains(c.Path, "%") },
		"absolute directory":       func(c core.Config) bool { return c.Backend == core.BackendFile && strings.HasPrefix(c.Path, "/") },
		"relative directory":       func(c core.Config) bool { return c.Backend == core.BackendFile && !strings.HasPrefix(c.Path, "/") },
		"directory with drive":     func(c core.Config) bool { return c.Backend == core.BackendFile && len(c.Path) > 2 && c.Path[1] == ':' },
		"directory with space":     func(c core.Config) bool { return c.Backend == core.BackendFile && strings.Contains(c.Path, " ") },
		"directory with %":         func(c core.Config) bool { return c.Backend == core.BackendFile && strings.Contains(c.Path, "%") },
		"directory with unicode": func(c core.Config) bool {
			return c.Backend == core.BackendFile && strings.ContainsFunc(c.Path, func(r rune) bool { return r > 0x7f })
		},
		"ttl unset":        func(c core.Config) bool { return !c.TTL.IsSet() },
		"ttl never":        func(c core.Config) bool { return c.TTL.Never() },
		"ttl 0":            func(c core.Config) bool { s, ok := c.TTL.Seconds(); return ok && s == 0 },
		"ttl maximum":      func(c core.Config) bool { s, ok := c.TTL.Seconds(); return ok && s == core.MaxTTLSeconds },
		"ttl seconds":      func(c core.Config) bool { s, ok := c.TTL.Seconds(); return ok && s > 0 },
		"key_prefix":       func(c core.Config) bool { return c.KeyPrefix != "" },
		"key_prefix &=+%#": func(c core.Config) bool { return strings.ContainsAny(c.KeyPrefix, "&=+%#") },
		"key_function":     func(c core.Config) bool { return c.KeyFunction != "" },
		"version":          func(c core.Config) bool { return c.Version != nil },
		"version 0":        func(c core.Config) bool { return c.Version != nil && *c.Version == 0 },
		"max_entries":      func(c core.Config) bool { return c.MaxEntries != nil },
		"cull_frequency 0": func(c core.Config) bool { return c.CullFrequency != nil && *c.CullFrequency == 0 },
		"lib redis-cache":  func(c core.Config) bool { return c.Lib == "redis-cache" },
		"lib django-redis": func(c core.Config) bool { return c.Lib == "django-redis" },
		"options":          func(c core.Config) bool { return len(c.Options) > 1 },
		"credential option": func(c core.Config) bool {
			for k := range c.Options {
				if core.IsCredentialOption(k) {
					return true
				}
			}
			return false
		},
		"max_connections with redis-cache": func(c core.Config) bool {
			_, ok := c.Options["max_connections"]
			return ok && c.Lib == "redis-cache"
		},
		"max_connections without redis-cache": func(c core.Config) bool {
			_, ok := c.Options["max_connections"]
			return ok && c.Lib != "redis-cache"
		},
	}
	for _, s := range schemeTable {
		name := s.name
		features["scheme "+name] = func(c core.Config) bool { return c.Scheme == name }
	}

	seen := map[string]int{}
	for _, c := range sampleConfigs(t, genConfig(), 5000) {
		if msg := invariantViolation(c); msg != "" {
			t.Fatalf("generated config breaks an invariant: %s: %s", msg, fields(c))
		}
		for name, has := range features {
			if has(c) {
				seen[name]++
			}
		}
	}
	var missing []string
	for name := range features {
		if seen[name] == 0 {
			missing = append(missing, name)
		}
	}
	sort.Strings(missing)
	if len(missing) > 0 {
		t.Errorf("5000 generated configs never have: %s", strings.Join(missing, "; "))
	}

	// Every config of genSecretConfig has a secret that carries the marker.
	for _, c := range sampleConfigs(t, genSecretConfig(), 1000) {
		if !hasSecret(c) || !strings.Contains(c.Password+strings.Join(mapValues(c.Options), ""), secretMarker) {
			t.Fatalf("genSecretConfig gave a config without a marked secret: %s", fields(c))
		}
	}
}

// invariantViolation checks the canonical shape of docs/grammar.md
// independently of core, returning what is wrong or "".
func invariantViolation(c core.Config) string {
	s, ok := core.LookupScheme(c.Scheme)
	switch {
	case !ok || c.Scheme != s.Name:
		return "scheme is not a lower-case table name"
	case c.Backend != s.Backend || c.TLS != s.TLS || c.Topology != s.Topology:
		return "derived fields disagree with the scheme"
	case len(c.Hosts) > 0 && c.Socket != "":
		return "hosts and socket"
	case c.Backend != core.BackendRedis && c.DB != 0:
		return "db outside redis"
	case c.Topology == core.Cluster && c.DB != 0:
		return "cluster db"
	case c.Topology == core.Sentinel && c.Master == "":
		return "sentinel without master"
	case c.Topology != core.Sentinel && c.Master != "":
		return "master outside sentinel"
	case c.TLS && c.Socket != "":
		return "TLS over a socket"
	case c.Scheme == "elasticache" && c.Socket != "":
		return "elasticache socket"
	case c.Lib != "" && c.Backend != core.BackendRedis:
		return "lib outside redis"
	case c.Lib == "redis-cache" && c.TTL.Never():
		return "timeout none with lib=redis-cache"
	case c.Options != nil && len(c.Options) == 0:
		return "empty non-nil options"
	case c.MaxEntries != nil && *c.MaxEntries < 1:
		return "max_entries < 1"
	case c.Socket != "" && (c.Username != "" || c.Password != ""):
		return "credentials with a socket"
	case c.Backend == core.BackendDB && c.Path == "", c.Backend == core.BackendFile && c.Path == "":
		return "db or file without a path"
	case c.Backend == core.BackendUWSGI && c.Path == "":
		return "uwsgi without its default name"
	}
	if c.Backend == core.BackendRedis {
		for _, h := range c.Hosts {
			if !hasPort(h) {
				return "redis host without a port"
			}
		}
	}
	for k, v := range c.Options {
		if isCacheArg(k) || v == "" || strings.Trim(k, "abcdefghijklmnopqrstuvwxyz0123456789_.-") != "" {
			return "bad option " + k
		}
	}
	for _, v := range []string{c.Username, c.Password, c.Socket, c.Path, c.Master, c.KeyPrefix, c.KeyFunction} {
		if strings.ContainsFunc(v, func(r rune) bool { return r < 0x20 || r == 0x7f }) {
			return "control character"
		}
	}
	return ""
}

// hasPort reports whether a structured host ("h", "h:1", "[::1]",
// "[::1]:1") has a port.
func hasPort(h string) bool {
	if strings.HasPrefix(h, "[") {
		i := strings.IndexByte(h, ']')
		return i >= 0 && strings.HasPrefix(h[i+1:], ":")
	}
	return strings.Contains(h, ":")
}

// anyHost reports whether a config has a host satisfying f.
func anyHost(f func(h string) bool) func(c core.Config) bool {
	return func(c core.Config) bool {
		for _, h := range c.Hosts {
			if f(h) {
				return true
			}
		}
		return false
	}
}

// anyMemcachedHost is anyHost for memcached configs.
func anyMemcachedHost(f func(h string) bool) func(c core.Config) bool {
	return func(c core.Config) bool { return c.Backend == core.BackendMemcached && anyHost(f)(c) }
}

func mapValues(m map[string]string) []string {
	out := make([]string, 0, len(m))
	for _, v := range m {
		out = append(out, v)
	}
	return out
}

// TestRoundTripEdgeCases pins hand-written canonical configs at the
// corners of docs/grammar.md that random generation reaches only rarely:
// Parse(Format(c)) must give c back, and Format must be a fixed point.
func TestRoundTripEdgeCases(t *testing.T) {
	intp := func(v int) *int { return &v }
	redis := func(c core.Config) core.Config {
		c.Backend, c.Topology = core.BackendRedis, core.Standalone
		if c.Scheme == "" {
			c.Scheme = "redis"
		}
		return c
	}
	tests := []struct {
		name string
		c    core.Config
	}{
		{"socket whose last segment is digits, db 0", redis(core.Config{Socket: "/run/redis/6379"})},
		{"socket whose last segment is digits, db 2", redis(core.Config{Socket: "/run/7", DB: 2})},
		{"socket with a trailing slash and a db", redis(core.Config{Socket: "/path/to/socket/", DB: 3})},
		{"socket with spaces, % and unicode", redis(core.Config{Socket: "/tmp/a b/100%/é.sock"})},
		{"IPv6 with a zone", redis(core.Config{Hosts: []string{"[fe80::1%eth0]:6379", "[::1]:6380"}})},
		{"every delimiter in the userinfo", redis(core.Config{Hosts: []string{"h:6379"}, Username: "u:s@r", Password: "p@ss:w/rd?#% &+="})},
		{"largest db", redis(core.Config{Hosts: []string{"h:6379"}, DB: maxInt31})},
		{"sentinel master with a slash", core.Config{Scheme: "redis+sentinel", Backend: core.BackendRedis, Topology: core.Sentinel,
			Hosts: []string{"s1:26379", "s2:1"}, Master: "a/b", DB: 4}},
		{"all-digit sentinel master", core.Config{Scheme: "rediss+sentinel", Backend: core.BackendRedis, TLS: true, Topology: core.Sentinel,
			Hosts: []string{"s1:26379"}, Master: "0"}},
		{"cluster", core.Config{Scheme: "rediss+cluster", Backend: core.BackendRedis, TLS: true, Topology: core.Cluster,
			Hosts: []string{"n1:6379", "n2:7000"}, Password: "pw"}},
		{"memcached hosts with and without ports", core.Config{Scheme: "pymemcache", Backend: core.BackendMemcached,
			Hosts: []string{"a", "b:11211", "[::1]", "[fe80::1%en0]:1"}, Username: "sasl", Password: "pw"}},
		{"memcached socket", core.Config{Scheme: "memcached", Backend: core.BackendMemcached, Socket: "/tmp/1"}},
		{"file, Windows drive", core.Config{Scheme: "file", Backend: core.BackendFile, Path: "C:/foo/bar"}},
		{"file, relative with @ and :", core.Config{Scheme: "filecache", Backend: core.BackendFile, Path: "a@b:c/d"}},
		{"file, root", core.Config{Scheme: "file", Backend: core.BackendFile, Path: "/"}},
		{"file, query characters", core.Config{Scheme: "file", Backend: core.BackendFile, Path: "/tmp/?#&=+;"}},
		{"locmem name with %", core.Config{Scheme: "locmem", Backend: core.BackendLocmem, Path: "%41"}},
		{"db name with brackets", core.Config{Scheme: "db", Backend: core.BackendDB, Path: "[t]"}},
		{"uwsgi default name", core.Config{Scheme: "uwsgicache", Backend: core.BackendUWSGI, Path: "default"}},
		{"every cache argument", core.Config{Scheme: "dummy", Backend: core.BackendDummy, TTL: core.TTLSeconds(0),
			KeyPrefix: "a&b=c+d%e #", Version: intp(0), KeyFunction: "m.f", MaxEntries: intp(1), CullFrequency: intp(0),
			Options: map[string]string{"x": "1+1=2&y", "password": "p&w"}}},
		{"largest ttl", redis(core.Config{Hosts: []string{"h:6379"}, TTL: core.TTLSeconds(core.MaxTTLSeconds)})},
		{"never with django-redis", redis(core.Config{Hosts: []string{"h:6379"}, TTL: core.NeverExpire, Lib: "django-redis"})},
		{"redis-cache with max_connections", redis(core.Config{Hosts: []string{"h:6379"}, Lib: "redis-cache",
			Options: map[string]string{"max_connections": "50"}})},
		{"max_connections is unchecked without redis-cache", redis(core.Config{Hosts: []string{"h:6379"},
			Options: map[string]string{"max_connections": "many"}})},
		{"an option on locmem", core.Config{Scheme: "locmem", Backend: core.BackendLocmem,
			Options: map[string]string{"client_class": "x.Y"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if msg := invariantViolation(tt.c); msg != "" {
				t.Fatalf("test case is not canonical: %s", msg)
			}
			u := core.Format(tt.c)
			got, err := core.Parse(u)
			if err != nil {
				t.Fatalf("Parse(Format(c) = %q): %v", u, err)
			}
			if !reflect.DeepEqual(got, tt.c) {
				t.Fatalf("Parse(%q)\ngot  %s\nwant %s", u, fields(got), fields(tt.c))
			}
			if again := core.Format(got); again != u {
				t.Errorf("Format is not a fixed point: %q then %q", u, again)
			}
		})
	}
}
