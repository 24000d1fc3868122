package viperhook_test

import (
	"errors"
	"fmt"
	"math"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/cacheurl/cacheurl/core"
	"github.com/cacheurl/cacheurl/viperhook"
	"github.com/go-viper/mapstructure/v2"
)

// secret is the password used in every error case: it must never appear in
// an error message.
const secret = "s3cretPW"

func intp(n int) *int { return &n }

// plain has Config's fields but not its methods, so %+v shows every field
// (the password included) in test failure messages.
type plain core.Config

// decode decodes {"cache": in} with mapstructure v2 and the hook alone.
func decode(t *testing.T, in any) (core.Config, error) {
	t.Helper()
	var out struct {
		Cache core.Config `mapstructure:"cache"`
	}
	d, err := mapstructure.NewDecoder(&mapstructure.DecoderConfig{DecodeHook: viperhook.Hook(), Result: &out})
	if err != nil {
		t.Fatal(err)
	}
	err = d.Decode(map[string]any{"cache": in})
	return out.Cache, err
}

func checkConfig(t *testing.T, got, want core.Config) {
	t.Helper()
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got  %+v\nwant %+v", plain(got), plain(want))
	}
}

// checkErr checks that err matches kind, names every string in has, and
// never contains the password.
func checkErr(t *testing.T, err error, kind *core.Kind, has ...string) {
	t.Helper()
	if err == nil {
		t.Fatalf("no error, want %v", kind)
	}
	if !errors.Is(err, kind) {
		t.Errorf("error %q does not match %v", err, kind)
	}
	var ce *core.Error
	if !errors.As(err, &ce) {
		t.Errorf("error %q does not wrap a *core.Error", err)
	}
	msg := err.Error()
	for _, h := range has {
		if !strings.Contains(msg, h) {
			t.Errorf("error %q does not contain %q", msg, h)
		}
	}
	if strings.Contains(msg, secret) {
		t.Errorf("error %q contains the password", msg)
	}
}

// The expected configs below follow docs/grammar.md: redis-family hosts get the
// default port 6379 and the standalone topology; memcached hosts keep a
// port only where written; Options is nil when there are none.

func TestHookString(t *testing.T) {
	tests := []struct {
		in   string
		want core.Config
	}{
		{"redis://:pw@cache:6379/1?key_prefix=app&timeout=300", core.Config{
			Scheme: "redis", Backend: core.BackendRedis, Topology: core.Standalone,
			Hosts: []string{"cache:6379"}, Password: "pw", DB: 1, TTL: core.TTLSeconds(300), KeyPrefix: "app"}},
		{"memcached://a:11211,b", core.Config{
			Scheme: "memcached", Backend: core.BackendMemcached, Hosts: []string{"a:11211", "b"}}},
		{"locmem://", core.Config{Scheme: "locmem", Backend: core.BackendLocmem}},
		{"file:///var/tmp/cache", core.Config{Scheme: "file", Backend: core.BackendFile, Path: "/var/tmp/cache"}},
		{"  REDISS://h?timeout=none&pool_size=10 ", core.Config{
			Scheme: "rediss", Backend: core.BackendRedis, TLS: true, Topology: core.Standalone,
			Hosts: []string{"h:6379"}, TTL: core.NeverExpire, Options: map[string]string{"pool_size": "10"}}},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := decode(t, tt.in)
			if err != nil {
				t.Fatal(err)
			}
			checkConfig(t, got, tt.want)
		})
	}
}

func TestHookMap(t *testing.T) {
	const base = "redis://cache/1?timeout=300&key_prefix=app&pool_size=10&protocol=3"
	// redisBase is what base parses to; each case changes a copy.
	redisBase := func() core.Config {
		return core.Config{Scheme: "redis", Backend: core.BackendRedis, Topology: core.Standalone,
			Hosts: []string{"cache:6379"}, DB: 1, TTL: core.TTLSeconds(300), KeyPrefix: "app",
			Options: map[string]string{"pool_size": "10", "protocol": "3"}}
	}
	with := func(f func(c *core.Config)) core.Config { c := redisBase(); f(&c); return c }

	tests := []struct {
		name string
		in   any
		want core.Config
	}{
		{"url only", map[string]any{"url": base}, redisBase()},
		{"ttl string", map[string]any{"url": base, "ttl": "60s"}, with(func(c *core.Config) { c.TTL = core.TTLSeconds(60) })},
		{"ttl minutes", map[string]any{"url": base, "ttl": "1.5m"}, with(func(c *core.Config) { c.TTL = core.TTLSeconds(90) })},
		{"ttl seconds string (env)", map[string]any{"url": base, "ttl": "45"}, with(func(c *core.Config) { c.TTL = core.TTLSeconds(45) })},
		{"ttl int (YAML)", map[string]any{"url": base, "ttl": 60}, with(func(c *core.Config) { c.TTL = core.TTLSeconds(60) })},
		{"ttl int64 (TOML)", map[string]any{"url": base, "ttl": int64(7)}, with(func(c *core.Config) { c.TTL = core.TTLSeconds(7) })},
		{"ttl uint", map[string]any{"url": base, "ttl": uint8(9)}, with(func(c *core.Config) { c.TTL = core.TTLSeconds(9) })},
		{"ttl float64 (JSON)", map[string]any{"url": base, "ttl": 60.0}, with(func(c *core.Config) { c.TTL = core.TTLSeconds(60) })},
		{"ttl zero", map[string]any{"url": base, "ttl": 0}, with(func(c *core.Config) { c.TTL = core.TTLSeconds(0) })},
		{"ttl duration", map[string]any{"url": base, "ttl": 2 * time.Minute}, with(func(c *core.Config) { c.TTL = core.TTLSeconds(120) })},
		{"ttl core.TTL", map[string]any{"url": base, "ttl": core.TTLSeconds(5)}, with(func(c *core.Config) { c.TTL = core.TTLSeconds(5) })},
		{"ttl never", map[string]any{"url": base, "ttl": "never"}, with(func(c *core.Config) { c.TTL = core.NeverExpire })},
		{"ttl none", map[string]any{"url": base, "ttl": "none"}, with(func(c *core.Config) { c.TTL = core.NeverExpire })},
		{"ttl empty unsets", map[string]any{"url": base, "ttl": ""}, with(func(c *core.Config) { c.TTL = core.TTL{} })},
		{"key_prefix", map[string]any{"url": base, "key_prefix": "other"}, with(func(c *core.Config) { c.KeyPrefix = "other" })},
		{"key_prefix number", map[string]any{"url": base, "key_prefix": 2024}, with(func(c *core.Config) { c.KeyPrefix = "2024" })},
		{"key_prefix JSON number", map[string]any{"url": base, "key_prefix": 2024.0}, with(func(c *core.Config) { c.KeyPrefix = "2024" })},
		{"password and username", map[string]any{"url": base, "username": "app", "password": "pw"},
			with(func(c *core.Config) { c.Username, c.Password = "app", "pw" })},
		{"db int", map[string]any{"url": base, "db": 2}, with(func(c *core.Config) { c.DB = 2 })},
		{"db string (env)", map[string]any{"url": base, "db": "3"}, with(func(c *core.Config) { c.DB = 3 })},
		{"db float64 (JSON)", map[string]any{"url": base, "db": 4.0}, with(func(c *core.Config) { c.DB = 4 })},
		{"db signed string", map[string]any{"url": base, "db": "+2"}, with(func(c *core.Config) { c.DB = 2 })},
		{"db uint", map[string]any{"url": base, "db": uint8(5)}, with(func(c *core.Config) { c.DB = 5 })},
		{"key_prefix uint", map[string]any{"url": base, "key_prefix": uint(7)}, with(func(c *core.Config) { c.KeyPrefix = "7" })},
		{"django arguments", map[string]any{"url": base, "version": 2, "max_entries": "100", "cull_frequency": 3.0,
			"key_function": "app.keys.make", "lib": "django-redis"}, with(func(c *core.Config) {
			c.Version, c.MaxEntries, c.CullFrequency = intp(2), intp(100), intp(3)
			c.KeyFunction, c.Lib = "app.keys.make", "django-redis"
		})},
		{"options merge", map[string]any{"url": base, "options": map[string]any{
			"pool_size": 20, "protocol": "", "dial_timeout": "5s", "skip_verify": true, "read_timeout": 3 * time.Second, "Client_Name": "api", "ratio": 0.5}},
			with(func(c *core.Config) {
				c.Options = map[string]string{"pool_size": "20", "dial_timeout": "5s", "skip_verify": "true",
					"read_timeout": "3s", "client_name": "api", "ratio": "0.5"}
			})},
		{"options remove all", map[string]any{"url": base, "options": map[string]any{"pool_size": nil, "protocol": ""}},
			with(func(c *core.Config) { c.Options = nil })},
		{"options string map", map[string]any{"url": base, "options": map[string]string{"pool_size": "30"}},
			with(func(c *core.Config) { c.Options["pool_size"] = "30" })},
		{"hosts list", map[string]any{"url": base, "hosts": []any{"a", "b:6380"}},
			with(func(c *core.Config) { c.Hosts = []string{"a:6379", "b:6380"} })},
		{"hosts []string", map[string]any{"url": base, "hosts": []string{"[::1]:7000"}},
			with(func(c *core.Config) { c.Hosts = []string{"[::1]:7000"} })},
		{"hosts comma string (env)", map[string]any{"url": base, "hosts": "a, b:6380"},
			with(func(c *core.Config) { c.Hosts = []string{"a:6379", "b:6380"} })},
		{"socket replaces hosts", map[string]any{"url": base, "socket": "/run/redis.sock"},
			with(func(c *core.Config) { c.Hosts, c.Socket = nil, "/run/redis.sock" })},
		{"hosts replace socket", map[string]any{"url": "redis:///run/redis.sock/2", "hosts": []any{"h"}},
			core.Config{Scheme: "redis", Backend: core.BackendRedis, Topology: core.Standalone, Hosts: []string{"h:6379"}, DB: 2}},
		{"scheme adds tls", map[string]any{"url": base, "scheme": "rediss"},
			with(func(c *core.Config) { c.Scheme, c.TLS = "rediss", true })},
		{"scheme drops tls", map[string]any{"url": "rediss://h", "scheme": "valkey"},
			core.Config{Scheme: "valkey", Backend: core.BackendRedis, Topology: core.Standalone, Hosts: []string{"h:6379"}}},
		{"keys are case-insensitive", map[string]any{"URL": base, "TTL": 60, "Key_Prefix": "k"},
			with(func(c *core.Config) { c.TTL, c.KeyPrefix = core.TTLSeconds(60), "k" })},
		{"map[string]string (env)", map[string]string{"url": base, "ttl": "60", "db": "2", "tls": "false"},
			with(func(c *core.Config) { c.TTL, c.DB = core.TTLSeconds(60), 2 })},
		{"map[any]any (YAML v2)", map[any]any{"url": base, "ttl": 60},
			with(func(c *core.Config) { c.TTL = core.TTLSeconds(60) })},
		{"null is not given", map[string]any{"url": base, "key_prefix": nil, "db": nil},
			redisBase()},
		{"sentinel master", map[string]any{"url": "redis+sentinel://s1,s2:26380/mymaster/2", "master": "other"},
			core.Config{Scheme: "redis+sentinel", Backend: core.BackendRedis, Topology: core.Sentinel, Master: "other",
				Hosts: []string{"s1:26379", "s2:26380"}, DB: 2}},
		{"memcached option named db", map[string]any{"url": "memcached://m", "options": map[string]any{"db": 1}},
			core.Config{Scheme: "memcached", Backend: core.BackendMemcached, Hosts: []string{"m"}, Options: map[string]string{"db": "1"}}},
		// Without url: the structured layout of core.Config.
		{"structured redis", map[string]any{"scheme": "redis", "hosts": []any{"cache"}, "db": 1, "ttl": "300s", "password": "pw"},
			core.Config{Scheme: "redis", Backend: core.BackendRedis, Topology: core.Standalone,
				Hosts: []string{"cache:6379"}, Password: "pw", DB: 1, TTL: core.TTLSeconds(300)}},
		{"structured with derived fields", map[string]any{"scheme": "rediss", "backend": "redis", "tls": true, "topology": "standalone", "hosts": "h"},
			core.Config{Scheme: "rediss", Backend: core.BackendRedis, TLS: true, Topology: core.Standalone, Hosts: []string{"h:6379"}}},
		{"structured memcached", map[string]any{"scheme": "memcached", "hosts": "a:11211,b"},
			core.Config{Scheme: "memcached", Backend: core.BackendMemcached, Hosts: []string{"a:11211", "b"}}},
		{"structured locmem", map[string]any{"scheme": "locmem", "path": "x", "max_entries": 500},
			core.Config{Scheme: "locmem", Backend: core.BackendLocmem, Path: "x", MaxEntries: intp(500)}},
		{"structured scheme case", map[string]any{"scheme": "Dummy"},
			core.Config{Scheme: "dummy", Backend: core.BackendDummy}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := decode(t, tt.in)
			if err != nil {
				t.Fatal(err)
			}
			checkConfig(t, got, tt.want)
		})
	}
}

func TestHookErrors(t *testing.T) {
	const u = "redis://:" + secret + "@cache/1"
	tests := []struct {
		name string
		in   any
		kind *core.Kind
		has  []string
	}{
		{"bad port", "redis://:" + secret + "@h:99999/0", core.ErrInvalidPort, []string{"'cache'", "invalid port", `"99999"`, "xxxxx"}},
		{"unknown scheme", "redsi://:" + secret + "@h", core.ErrUnknownScheme, []string{"'cache'", "unknown scheme", `"redis"`}},
		{"fragment in password", "redis://:pa#" + secret + "@h", core.ErrFragment, []string{"'cache'"}},
		{"empty string", "", core.ErrMalformed, []string{"'cache'", "empty URL"}},
		{"bad port in url key", map[string]any{"url": "redis://:" + secret + "@h:0"}, core.ErrInvalidPort, []string{"'cache'", `key "url"`, "invalid port"}},
		{"empty url key", map[string]any{"url": ""}, core.ErrMalformed, []string{`key "url"`, "url is empty"}},
		{"url not a string", map[string]any{"url": []any{u}}, core.ErrInvalidParameter, []string{`key "url"`, "must be a string, got a list"}},
		{"typo", map[string]any{"url": u, "keyprefix": "x"}, core.ErrInvalidParameter, []string{`unknown key "keyprefix"`, `did you mean "key_prefix"?`}},
		{"django name", map[string]any{"url": u, "timeout": 60}, core.ErrInvalidParameter, []string{`unknown key "timeout"`, `did you mean "ttl"?`}},
		{"unknown key", map[string]any{"url": u, "zzzzzz": 1}, core.ErrInvalidParameter, []string{`unknown key "zzzzzz"`, "the keys are url, scheme,"}},
		{"long unknown key", map[string]any{"url": u, strings.Repeat("k", 100000): 1}, core.ErrInvalidParameter, []string{`unknown key "` + strings.Repeat("k", 64) + `..." in a cache config; the keys are`}},
		{"duplicate key", map[string]any{"url": u, "URL": u}, core.ErrDuplicateParameter, []string{`key "URL" and key "url"`}},
		{"empty map", map[string]any{}, core.ErrMalformed, []string{`needs a "url" or a "scheme" key`}},
		{"no url or scheme", map[string]any{"ttl": 60, "hosts": "h"}, core.ErrMalformed, []string{`needs a "url" or a "scheme" key (it has "hosts", "ttl")`}},
		{"non-string key", map[int]any{1: u}, core.ErrInvalidParameter, []string{"string keys, got an integer key"}},
		{"ttl null", map[string]any{"url": u, "ttl": nil}, core.ErrInvalidParameter, []string{`key "ttl"`, `write "never"`}},
		{"ttl fraction string", map[string]any{"url": u, "ttl": "1500ms"}, core.ErrInvalidParameter, []string{`key "ttl"`, `"1500ms" is not a whole number of seconds`}},
		{"ttl garbage", map[string]any{"url": u, "ttl": "soon"}, core.ErrInvalidParameter, []string{`key "ttl"`, `"soon"`}},
		{"ttl negative", map[string]any{"url": u, "ttl": -5}, core.ErrInvalidParameter, []string{`key "ttl"`, "-5 is negative"}},
		{"ttl fraction float", map[string]any{"url": u, "ttl": 1.5}, core.ErrInvalidParameter, []string{`key "ttl"`, "1.5 is not a whole number"}},
		{"ttl negative float", map[string]any{"url": u, "ttl": -2.0}, core.ErrInvalidParameter, []string{"-2 is negative"}},
		{"ttl huge float", map[string]any{"url": u, "ttl": 1e30}, core.ErrInvalidParameter, []string{"more than the largest TTL"}},
		{"ttl huge uint", map[string]any{"url": u, "ttl": uint64(math.MaxUint64)}, core.ErrInvalidParameter, []string{"more than the largest TTL"}},
		{"ttl huge int", map[string]any{"url": u, "ttl": int64(math.MaxInt64)}, core.ErrInvalidParameter, []string{"more than the largest TTL"}},
		{"ttl fraction duration", map[string]any{"url": u, "ttl": 1500 * time.Millisecond}, core.ErrInvalidParameter, []string{"1.5s is not a whole number of seconds"}},
		{"ttl negative duration", map[string]any{"url": u, "ttl": -time.Second}, core.ErrInvalidParameter, []string{"-1s is negative"}},
		{"ttl bool", map[string]any{"url": u, "ttl": true}, core.ErrInvalidParameter, []string{`key "ttl"`, "got a bool"}},
		{"db word", map[string]any{"url": u, "db": "one"}, core.ErrInvalidParameter, []string{`key "db"`, `"one" is not a whole number`}},
		{"db underscore", map[string]any{"url": u, "db": "1_0"}, core.ErrInvalidParameter, []string{`"1_0" is not a whole number`}},
		{"db fraction", map[string]any{"url": u, "db": 1.5}, core.ErrInvalidParameter, []string{"db 1.5 is not a whole number"}},
		{"db bool", map[string]any{"url": u, "db": true}, core.ErrInvalidParameter, []string{"db must be an integer, got a bool"}},
		{"db duration", map[string]any{"url": u, "db": time.Second}, core.ErrInvalidParameter, []string{"got a time.Duration"}},
		{"db sign only", map[string]any{"url": u, "db": "-"}, core.ErrInvalidParameter, []string{`db "-" is not a whole number`}},
		{"db long word", map[string]any{"url": u, "db": strings.Repeat("x", 100)}, core.ErrInvalidParameter, []string{`db "` + strings.Repeat("x", 64) + `..." is not`}},
		{"version huge uint", map[string]any{"url": u, "version": uint64(math.MaxUint64)}, core.ErrInvalidParameter, []string{"version 18446744073709551615 is out of range"}},
		{"db huge float", map[string]any{"url": u, "db": 1e300}, core.ErrInvalidParameter, []string{"is out of range"}},
		{"key_prefix infinite", map[string]any{"url": u, "key_prefix": math.Inf(1)}, core.ErrInvalidParameter, []string{"key_prefix must be a string, got a float"}},
		{"db too big", map[string]any{"url": u, "db": "99999999999999999999"}, core.ErrInvalidParameter, []string{"out of range"}},
		{"db out of redis range", map[string]any{"url": u, "db": -1}, core.ErrInvalidPath, []string{"'cache'"}},
		{"max_entries zero", map[string]any{"url": u, "max_entries": 0}, core.ErrInvalidParameter, []string{"max_entries"}},
		{"tls word", map[string]any{"url": u, "tls": "maybe"}, core.ErrInvalidParameter, []string{`key "tls"`, `"maybe" is not a bool`}},
		{"tls number", map[string]any{"url": u, "tls": 1}, core.ErrInvalidParameter, []string{"tls must be a bool, got an integer"}},
		{"tls on plain scheme", map[string]any{"url": u, "tls": true}, core.ErrInvalidParameter, []string{"not a TLS scheme", "xxxxx"}},
		{"hosts numbers", map[string]any{"url": u, "hosts": []any{"a", 2}}, core.ErrInvalidHost, []string{`key "hosts[1]"`, "got an integer at index 1"}},
		{"hosts map", map[string]any{"url": u, "hosts": map[string]any{"a": 1}}, core.ErrInvalidHost, []string{`key "hosts"`, "got a map"}},
		{"hosts and socket", map[string]any{"url": u, "hosts": "h", "socket": "/s"}, core.ErrInvalidHost, []string{"hosts and socket are both set"}},
		{"bad host", map[string]any{"url": u, "hosts": []any{"h:0"}}, core.ErrInvalidPort, []string{"invalid port", "xxxxx"}},
		{"password list", map[string]any{"url": "redis://h", "password": []any{secret}}, core.ErrInvalidParameter, []string{`key "password"`, "password must be a string, got a list"}},
		{"password map", map[string]any{"url": "redis://h", "password": map[string]any{secret: secret}}, core.ErrInvalidParameter, []string{"got a map"}},
		{"key_prefix bool", map[string]any{"url": u, "key_prefix": false}, core.ErrInvalidParameter, []string{"key_prefix must be a string, got a bool"}},
		{"options not a map", map[string]any{"url": u, "options": "pool_size=1"}, core.ErrInvalidParameter, []string{`key "options"`, "got a string"}},
		{"option value a map", map[string]any{"url": u, "options": map[string]any{"tls": map[string]any{}}}, core.ErrInvalidParameter, []string{`key "options.tls"`, "got a map"}},
		{"credential option a list", map[string]any{"url": u, "options": map[string]any{"sentinel_password": []any{secret}}}, core.ErrInvalidParameter, []string{`key "options.sentinel_password"`, "got a list"}},
		{"option is an argument", map[string]any{"url": u, "options": map[string]any{"timeout": 5}}, core.ErrInvalidParameter, []string{`key "options.timeout"`, `give it as the key "ttl"`}},
		{"option db on redis", map[string]any{"url": u, "options": map[string]any{"db": 5}}, core.ErrInvalidParameter, []string{`give it as the key "db"`}},
		{"option master_name on sentinel", map[string]any{"url": "redis+sentinel://s/m", "options": map[string]any{"master_name": "x"}}, core.ErrInvalidParameter, []string{`give it as the key "master"`}},
		{"option reserved", map[string]any{"url": u, "options": map[string]any{"backend": "x"}}, core.ErrReservedParameter, []string{"reserved"}},
		{"option duplicate", map[string]any{"url": u, "options": map[string]any{"Pool_Size": 1, "pool_size": 2}}, core.ErrDuplicateParameter, []string{`option "Pool_Size" and option "pool_size"`}},
		{"option bad name", map[string]any{"url": u, "options": map[string]any{"a b": 1}}, core.ErrInvalidParameter, []string{`key "options.a b"`, `invalid option name "a b"`}},
		{"option empty name", map[string]any{"url": u, "options": map[string]any{"": 1}}, core.ErrInvalidParameter, []string{`invalid option name ""`}},
		{"options non-string key", map[string]any{"url": u, "options": map[int]any{1: 1}}, core.ErrInvalidParameter, []string{"string keys"}},
		{"structured unknown scheme", map[string]any{"scheme": "redsi", "password": secret}, core.ErrUnknownScheme, []string{`"redsi"`}},
		{"structured db on memcached", map[string]any{"scheme": "memcached", "hosts": "h", "password": secret, "db": 3}, core.ErrInvalidPath, []string{"db is set", "xxxxx"}},
		{"backend mismatch", map[string]any{"scheme": "redis", "backend": "memcached"}, core.ErrInvalidParameter, []string{"does not match"}},
		{"scheme change keeps db", map[string]any{"url": u, "scheme": "memcached"}, core.ErrInvalidPath, []string{"db is set"}},
		{"path on redis", map[string]any{"url": "redis://cache/1", "path": "x"}, core.ErrInvalidPath, []string{"'cache'", "path is set but redis caches take hosts or a socket"}},
		{"path on redis with a password", map[string]any{"url": u, "path": "x"}, core.ErrInvalidPath, []string{"'cache'"}},
		{"structured path on redis", map[string]any{"scheme": "redis", "path": "x"}, core.ErrInvalidPath, []string{"path is set but redis caches take hosts or a socket"}},
		{"socket on locmem", map[string]any{"url": "locmem://a", "socket": "/s"}, core.ErrInvalidHost, []string{"'cache'", "locmem:// takes a name or directory in path"}},
		{"hosts on locmem", map[string]any{"scheme": "locmem", "hosts": "x"}, core.ErrInvalidHost, []string{"'cache'", "locmem:// takes a name or directory in path"}},
		{"master on plain redis", map[string]any{"url": u, "master": "m"}, core.ErrInvalidPath, []string{"master is only for redis+sentinel"}},
		{"hosts on file", map[string]any{"url": "file:///a", "hosts": "h"}, core.ErrInvalidHost, []string{"file:// takes a name or directory in path"}},
		{"lib on memcached", map[string]any{"url": "memcached://m", "lib": "django-redis"}, core.ErrInvalidParameter, []string{"lib"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := decode(t, tt.in)
			checkErr(t, err, tt.kind, tt.has...)
			if !reflect.DeepEqual(got, core.Config{}) {
				t.Errorf("got %+v with the error, want the zero Config", plain(got))
			}
		})
	}
}

// TestHookTTLField: a core.TTL field on its own decodes from the same values
// as the ttl key.
func TestHookTTLField(t *testing.T) {
	tests := []struct {
		in   any
		want core.TTL
		kind *core.Kind
	}{
		{in: "60s", want: core.TTLSeconds(60)},
		{in: "300", want: core.TTLSeconds(300)},
		{in: "never", want: core.NeverExpire},
		{in: "", want: core.TTL{}},
		{in: 60, want: core.TTLSeconds(60)},
		{in: 60.0, want: core.TTLSeconds(60)},
		{in: time.Hour, want: core.TTLSeconds(3600)},
		{in: core.NeverExpire, want: core.NeverExpire},
		{in: "1500ms", kind: core.ErrInvalidParameter},
		{in: -1, kind: core.ErrInvalidParameter},
		{in: []any{1}, kind: core.ErrInvalidParameter},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprintf("%T %v", tt.in, tt.in), func(t *testing.T) {
			var out struct {
				TTL  core.TTL  `mapstructure:"ttl"`
				PTTL *core.TTL `mapstructure:"pttl"`
			}
			d, err := mapstructure.NewDecoder(&mapstructure.DecoderConfig{DecodeHook: viperhook.Hook(), Result: &out})
			if err != nil {
				t.Fatal(err)
			}
			err = d.Decode(map[string]any{"ttl": tt.in, "pttl": tt.in})
			if tt.kind != nil {
				checkErr(t, err, tt.kind, "'ttl'", "'pttl'")
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if out.TTL != tt.want || out.PTTL == nil || *out.PTTL != tt.want {
				t.Errorf("got %v and %v, want %v", out.TTL, out.PTTL, tt.want)
			}
		})
	}
}

// TestHookContainers: pointers, maps, slices and nested structs of
// core.Config need nothing but the hook.
func TestHookContainers(t *testing.T) {
	type inner struct {
		Cache *core.Config `mapstructure:"cache"`
	}
	var out struct {
		Ptr    *core.Config             `mapstructure:"ptr"`
		Named  map[string]core.Config   `mapstructure:"named"`
		PNamed map[string]*core.Config  `mapstructure:"pnamed"`
		List   []core.Config            `mapstructure:"list"`
		Nested inner                    `mapstructure:"nested"`
		Deep   map[string][]core.Config `mapstructure:"deep"`
		Nil    *core.Config             `mapstructure:"nil"`
	}
	in := map[string]any{
		"ptr":    "locmem://a",
		"named":  map[string]any{"default": "locmem://", "sessions": map[string]any{"url": "redis://h/2", "ttl": 60}},
		"pnamed": map[string]any{"x": "dummy://"},
		"list":   []any{"locmem://one", map[string]any{"scheme": "locmem", "path": "two"}},
		"nested": map[string]any{"cache": "file:///tmp/c"},
		"deep":   map[string]any{"k": []any{"dummy://d"}},
		"nil":    nil,
	}
	d, err := mapstructure.NewDecoder(&mapstructure.DecoderConfig{DecodeHook: viperhook.Hook(), Result: &out})
	if err != nil {
		t.Fatal(err)
	}
	if err := d.Decode(in); err != nil {
		t.Fatal(err)
	}
	locmem := func(name string) core.Config {
		return core.Config{Scheme: "locmem", Backend: core.BackendLocmem, Path: name}
	}
	dummy := func(name string) core.Config {
		return core.Config{Scheme: "dummy", Backend: core.BackendDummy, Path: name}
	}
	checkConfig(t, *out.Ptr, locmem("a"))
	checkConfig(t, out.Named["default"], locmem(""))
	checkConfig(t, out.Named["sessions"], core.Config{Scheme: "redis", Backend: core.BackendRedis, Topology: core.Standalone,
		Hosts: []string{"h:6379"}, DB: 2, TTL: core.TTLSeconds(60)})
	checkConfig(t, *out.PNamed["x"], dummy(""))
	checkConfig(t, out.List[0], locmem("one"))
	checkConfig(t, out.List[1], locmem("two"))
	checkConfig(t, *out.Nested.Cache, core.Config{Scheme: "file", Backend: core.BackendFile, Path: "/tmp/c"})
	checkConfig(t, out.Deep["k"][0], dummy("d"))
	if out.Nil != nil {
		t.Errorf("nil: got %v, want nil", out.Nil)
	}
	if len(out.Named) != 2 || len(out.List) != 2 {
		t.Errorf("got %d named and %d listed configs, want 2 and 2", len(out.Named), len(out.List))
	}

	// Errors name the key path inside containers.
	var bad struct {
		Named map[string]core.Config `mapstructure:"named"`
		List  []core.Config          `mapstructure:"list"`
	}
	d, err = mapstructure.NewDecoder(&mapstructure.DecoderConfig{DecodeHook: viperhook.Hook(), Result: &bad})
	if err != nil {
		t.Fatal(err)
	}
	err = d.Decode(map[string]any{
		"named": map[string]any{"sessions": "redis://:" + secret + "@h:0"},
		"list":  []any{"locmem://", map[string]any{"url": "locmem://", "ttl": "x"}},
	})
	checkErr(t, err, core.ErrInvalidPort, "'named[sessions]'", "'list[1]'", `key "ttl"`)
	if !errors.Is(err, core.ErrInvalidParameter) {
		t.Errorf("error %q does not also match the ttl error's kind", err)
	}
}

// TestDecoderOption: the option installs the hook when none is set, and
// puts it in front of one that is.
func TestDecoderOption(t *testing.T) {
	var calls []string
	other := func(f, to reflect.Type, data any) (any, error) {
		if to == reflect.TypeOf(core.Config{}) {
			calls = append(calls, fmt.Sprintf("other saw %T", data))
		}
		return data, nil
	}
	for _, tt := range []struct {
		name  string
		hook  mapstructure.DecodeHookFunc
		calls []string
	}{
		{"no hook set", nil, nil},
		{"hook set", other, []string{"other saw core.Config"}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			calls = nil
			var out struct {
				Cache core.Config `mapstructure:"cache"`
			}
			dc := &mapstructure.DecoderConfig{DecodeHook: tt.hook, Result: &out}
			viperhook.DecoderOption()(dc)
			d, err := mapstructure.NewDecoder(dc)
			if err != nil {
				t.Fatal(err)
			}
			if err := d.Decode(map[string]any{"cache": "dummy://"}); err != nil {
				t.Fatal(err)
			}
			checkConfig(t, out.Cache, core.Config{Scheme: "dummy", Backend: core.BackendDummy})
			if !reflect.DeepEqual(calls, tt.calls) {
				t.Errorf("calls: got %q, want %q", calls, tt.calls)
			}
		})
	}
}

// TestHookReplacesWhole: a decoded config replaces the field's previous
// value; it is not merged field by field.
func TestHookReplacesWhole(t *testing.T) {
	prev := core.Config{Scheme: "redis", Backend: core.BackendRedis, Topology: core.Standalone,
		Hosts: []string{"old:6379"}, Password: "old", KeyPrefix: "old", TTL: core.TTLSeconds(5)}
	out := struct {
		Cache core.Config  `mapstructure:"cache"`
		Ptr   *core.Config `mapstructure:"ptr"`
	}{Cache: prev, Ptr: &prev}
	d, err := mapstructure.NewDecoder(&mapstructure.DecoderConfig{DecodeHook: viperhook.Hook(), Result: &out})
	if err != nil {
		t.Fatal(err)
	}
	in := map[string]any{"scheme": "redis", "hosts": "new"}
	if err := d.Decode(map[string]any{"cache": in, "ptr": in}); err != nil {
		t.Fatal(err)
	}
	want := core.Config{Scheme: "redis", Backend: core.BackendRedis, Topology: core.Standalone, Hosts: []string{"new:6379"}}
	checkConfig(t, out.Cache, want)
	checkConfig(t, *out.Ptr, want)
}

// TestHookPassThrough: values the hook does not handle come back unchanged,
// for the next hook or for mapstructure.
func TestHookPassThrough(t *testing.T) {
	h := viperhook.Hook()
	cfg := core.Config{Scheme: "locmem", Backend: core.BackendLocmem}
	ch := make(chan int)
	tests := []struct {
		to   reflect.Type
		data any
	}{
		{reflect.TypeOf(""), "redis://h"},
		{reflect.TypeOf(map[string]any{}), map[string]any{"url": "redis://h"}},
		{reflect.TypeOf(&core.Config{}), "redis://h"}, // mapstructure calls again for the element
		{reflect.TypeOf(time.Duration(0)), "5s"},
		{reflect.TypeOf(core.Config{}), cfg},
		{reflect.TypeOf(core.Config{}), &cfg},
		{reflect.TypeOf(core.Config{}), 42},
		{reflect.TypeOf(core.Config{}), []any{"redis://h"}},
		{reflect.TypeOf(core.Config{}), ch},
		{reflect.TypeOf(core.Config{}), nil},
		{reflect.TypeOf(core.TTL{}), core.NeverExpire},
		{reflect.TypeOf(core.TTL{}), nil},
	}
	for _, tt := range tests {
		got, err := h(reflect.TypeOf(tt.data), tt.to, tt.data)
		if err != nil {
			t.Errorf("%v <- %T: %v", tt.to, tt.data, err)
			continue
		}
		if !reflect.DeepEqual(got, tt.data) {
			t.Errorf("%v <- %T: got %v, want the data unchanged", tt.to, tt.data, got)
		}
	}

	// Data the hook passes on reaches mapstructure, which reports it.
	_, err := decode(t, 42)
	if err == nil || !strings.Contains(err.Error(), "'cache'") {
		t.Errorf("decoding 42: got %v, want mapstructure's error naming 'cache'", err)
	}
}

// TestHookOddInputs: no input makes the hook panic.
func TestHookOddInputs(t *testing.T) {
	var nilStr *string
	var nilMap map[string]any
	inputs := []any{
		nilStr, nilMap, map[string]any{"url": nilStr}, map[string]*string{"url": nil, "scheme": nil},
		map[any]any{nil: "x"}, map[any]any{[2]int{}: 1}, map[string]any{"hosts": []any{nil}},
		map[string]any{"options": map[string]any{"a": nilStr}}, map[string]any{"options": nilMap},
		map[string]any{"url": "locmem://", "options": map[string]any{"a": math.NaN()}},
		map[string]any{"url": "locmem://", "key_prefix": math.Inf(1)},
		map[string]any{"url": "locmem://", "db": math.NaN()},
		map[string]any{"url": "locmem://", "ttl": math.NaN()},
		map[string]any{"url": "locmem://", "ttl": func() {}},
		struct{ URL string }{"redis://h"}, [1]string{"x"}, 3 + 4i, []byte("redis://h"),
	}
	h := viperhook.Hook()
	for _, in := range inputs {
		func() {
			defer func() {
				if r := recover(); r != nil {
					t.Errorf("%#v: panic %v", in, r)
				}
			}()
			_, _ = h(reflect.TypeOf(in), reflect.TypeOf(core.Config{}), in)
			_, _ = h(reflect.TypeOf(in), reflect.TypeOf(core.TTL{}), in)
			_, _ = decode(t, in)
		}()
	}
}

// FuzzHookRedacted: whatever surrounds it, a password in a URL's userinfo
// or in the password key never reaches an error message.
func FuzzHookRedacted(f *testing.F) {
	f.Add("redis", "h:0", "ttl", "x")
	f.Add("redis", "h/0?timeout=1500ms", "db", "abc")
	f.Add("memcached", "h", "db", "3")
	f.Add("redis", "h", "zzz", "1")
	f.Add("redis+sentinel", "s", "hosts", "h:0")
	f.Add("redis", "h#x", "options", "")
	f.Add("re dis", "h", "path", "p")
	f.Add("locmem", "a/b", "socket", "/s")
	f.Fuzz(func(t *testing.T, scheme, rest, key, val string) {
		const pw = "Zq8PaSsWoRd"
		if strings.Contains(scheme+rest+key+val, pw[:4]) {
			return
		}
		u := scheme + "://user:" + pw + "@" + rest
		for _, in := range []any{u, map[string]any{"url": u, key: val}, map[string]any{"url": "redis://h", "password": pw, key: val}} {
			_, err := decode(t, in)
			if err != nil && strings.Contains(err.Error(), pw) {
				t.Errorf("%q: error %q contains the password", in, err)
			}
		}
	})
}
