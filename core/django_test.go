package core_test

import (
	"encoding/json"
	"errors"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/cacheurl/cacheurl/core"
	"github.com/cacheurl/cacheurl/internal/vectors"
)

// loadVectors reads testdata/vectors/*.json (see its README.md), by file.
func loadVectors(t *testing.T) map[string][]vectors.Vector {
	t.Helper()
	vs, err := vectors.Load(filepath.Join("testdata", "vectors"))
	if err != nil {
		t.Fatal(err)
	}
	return vectors.ByFile(vs)
}

// asJSON turns a value into its generic JSON form (maps, []any, float64,
// string, nil), so a Django view and a vector compare as JSON objects.
func asJSON(t *testing.T, v any) any {
	t.Helper()
	data, err := json.Marshal(v)
	if err != nil {
		t.Fatalf("marshal %#v: %v", v, err)
	}
	var out any
	if err := json.Unmarshal(data, &out); err != nil {
		t.Fatal(err)
	}
	return out
}

func rawJSON(t *testing.T, raw json.RawMessage) any {
	t.Helper()
	var out any
	if err := json.Unmarshal(raw, &out); err != nil {
		t.Fatal(err)
	}
	return out
}

// TestDjangoVectors checks the Django view against every reference vector:
// match → equal to the reference's parse() output, fix → equal to the
// documented fix, reject → Parse fails.
func TestDjangoVectors(t *testing.T) {
	for file, vs := range loadVectors(t) {
		for i, v := range vs {
			name := file + "/" + v.Verdict + "/" + v.URL
			t.Run(name, func(t *testing.T) {
				c, err := core.Parse(v.URL)
				switch v.Verdict {
				case "reject":
					if err == nil {
						t.Fatalf("vector %d: Parse(%q) = %v, want an error", i, v.URL, c)
					}
					return
				case "match", "fix":
				default:
					t.Skipf("verdict %q is not fixed by the spec", v.Verdict)
				}
				if err != nil {
					t.Fatalf("vector %d: Parse(%q): %v", i, v.URL, err)
				}
				want := v.Reference
				if v.Verdict == "fix" {
					want = v.Django
				}
				view, err := c.Django()
				if err != nil {
					t.Fatalf("vector %d: Django() of %q: %v", i, v.URL, err)
				}
				if got, want := asJSON(t, view), rawJSON(t, want); !reflect.DeepEqual(got, want) {
					t.Errorf("vector %d: Django view of %q\n got: %s\nwant: %s", i, v.URL, mustJSON(got), mustJSON(want))
				}
			})
		}
	}
}

func mustJSON(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		return err.Error()
	}
	return string(b)
}

func intp(n int) *int { return &n }

// TestDjangoStructured renders structured values directly (no parsing), for
// the cases the reference vectors do not cover. Expected values come from
// docs/django.md and django-cache-url's rendering rules.
func TestDjangoStructured(t *testing.T) {
	const (
		redisCache  = "django.core.cache.backends.redis.RedisCache"
		pyLibMC     = "django.core.cache.backends.memcached.PyLibMCCache"
		memcacheCls = "django.core.cache.backends.memcached.MemcachedCache"
		hiredis     = "redis.connection.HiredisParser"
	)
	tests := []struct {
		name string
		in   core.Config
		want string // JSON
	}{
		{
			name: "lib=django-redis: username in LOCATION, password in OPTIONS",
			in: core.Config{Scheme: "redis", Backend: core.BackendRedis, Topology: core.Standalone,
				Hosts: []string{"cache:6379"}, Username: "u", Password: "p@ss", DB: 2, Lib: "django-redis"},
			want: `{"BACKEND":"django_redis.cache.RedisCache","LOCATION":"redis://u@cache:6379/2","OPTIONS":{"PASSWORD":"p@ss"},"LIB":"django-redis"}`,
		},
		{
			name: "lib=django-redis with hiredis keeps the parser class",
			in: core.Config{Scheme: "hiredis", Backend: core.BackendRedis, Topology: core.Standalone,
				Hosts: []string{"cache:6379"}, Password: "pw", Lib: "django-redis"},
			want: `{"BACKEND":"django_redis.cache.RedisCache","LOCATION":"redis://cache:6379/0","OPTIONS":{"PARSER_CLASS":"` + hiredis + `","PASSWORD":"pw"},"LIB":"django-redis"}`,
		},
		{
			name: "lib=redis-cache over a socket builds no OPTIONS",
			in: core.Config{Scheme: "redis", Backend: core.BackendRedis, Topology: core.Standalone,
				Socket: "/run/r.sock", DB: 3, Lib: "redis-cache", TTL: core.TTLSeconds(20),
				Options: map[string]string{"parser_class": "P", "max_connections": "5", "connection_pool_class": "C"}},
			want: `{"BACKEND":"redis_cache.RedisCache","LOCATION":"unix:///run/r.sock?db=3","TIMEOUT":"20","LIB":"redis-cache","PARSER_CLASS":"P","MAX_CONNECTIONS":"5","CONNECTION_POOL_CLASS":"C"}`,
		},
		{
			name: "hiredis socket with lib=redis-cache keeps the default parser class",
			in: core.Config{Scheme: "hiredis", Backend: core.BackendRedis, Topology: core.Standalone,
				Socket: "/run/r.sock", Lib: "redis-cache", Options: map[string]string{"parser_class": "P"}},
			want: `{"BACKEND":"redis_cache.RedisCache","LOCATION":"unix:///run/r.sock?db=0","OPTIONS":{"PARSER_CLASS":"` + hiredis + `"},"LIB":"redis-cache","PARSER_CLASS":"P"}`,
		},
		{
			name: "lib=redis-cache over TCP: pool kwargs as ints, timeout 0 kept",
			in: core.Config{Scheme: "rediss", Backend: core.BackendRedis, TLS: true, Topology: core.Standalone,
				Hosts: []string{"h:6380"}, Lib: "redis-cache", TTL: core.TTLSeconds(0),
				Options: map[string]string{"max_connections": "50"}},
			want: `{"BACKEND":"redis_cache.RedisCache","LOCATION":"rediss://h:6380/0","OPTIONS":{"CONNECTION_POOL_CLASS_KWARGS":{"max_connections":50,"timeout":0}},"TIMEOUT":"0","LIB":"redis-cache","MAX_CONNECTIONS":"50"}`,
		},
		{
			name: "never-expiring TTL is null",
			in: core.Config{Scheme: "redis", Backend: core.BackendRedis, Topology: core.Standalone,
				Hosts: []string{"h:6379"}, TTL: core.NeverExpire},
			want: `{"BACKEND":"` + redisCache + `","LOCATION":"redis://h:6379/0","TIMEOUT":null}`,
		},
		{
			name: "TTL in seconds",
			in:   core.Config{Scheme: "locmem", Backend: core.BackendLocmem, TTL: core.TTLSeconds(300)},
			want: `{"BACKEND":"django.core.cache.backends.locmem.LocMemCache","LOCATION":"","TIMEOUT":"300"}`,
		},
		{
			name: "several valkeys hosts: a list of rediss URLs with the credentials",
			in: core.Config{Scheme: "valkeys", Backend: core.BackendRedis, TLS: true, Topology: core.Standalone,
				Hosts: []string{"Primary:6379", "replica:6380"}, Password: "pw", DB: 4},
			want: `{"BACKEND":"` + redisCache + `","LOCATION":["rediss://:pw@primary:6379/4","rediss://:pw@replica:6380/4"]}`,
		},
		{
			name: "IPv6 with a zone: brackets kept, zone re-encoded",
			in: core.Config{Scheme: "redis", Backend: core.BackendRedis, Topology: core.Standalone,
				Hosts: []string{"[FE80::1%eth0]:6379"}},
			want: `{"BACKEND":"` + redisCache + `","LOCATION":"redis://[fe80::1%25eth0]:6379/0"}`,
		},
		{
			name: "no hosts and no socket is localhost",
			in:   core.Config{Scheme: "redis", Backend: core.BackendRedis, Topology: core.Standalone, DB: 1},
			want: `{"BACKEND":"` + redisCache + `","LOCATION":"redis://localhost:6379/1"}`,
		},
		{
			name: "userinfo percent-encoded canonically",
			in: core.Config{Scheme: "redis", Backend: core.BackendRedis, Topology: core.Standalone,
				Hosts: []string{"h:6379"}, Username: "a:b", Password: "p@ss/w rd%!*~"},
			want: `{"BACKEND":"` + redisCache + `","LOCATION":"redis://a%3Ab:p%40ss%2Fw%20rd%25!*~@h:6379/0"}`,
		},
		{
			name: "socket path percent-encoded, slashes kept",
			in: core.Config{Scheme: "redis", Backend: core.BackendRedis, Topology: core.Standalone,
				Socket: "/tmp/a b?.sock/", DB: 2},
			want: `{"BACKEND":"` + redisCache + `","LOCATION":"unix:///tmp/a%20b%3F.sock/?db=2"}`,
		},
		{
			name: "memcached SASL userinfo and hosts as written",
			in: core.Config{Scheme: "memcached", Backend: core.BackendMemcached,
				Hosts: []string{"mc1:11211", "MC2"}, Username: "u", Password: "p:w"},
			want: `{"BACKEND":"` + pyLibMC + `","LOCATION":"u:p%3Aw@mc1:11211;MC2"}`,
		},
		{
			name: "memcached IPv6 zone re-encoded",
			in: core.Config{Scheme: "pymemcache", Backend: core.BackendMemcached,
				Hosts: []string{"[fe80::1%eth0]:11211"}},
			want: `{"BACKEND":"django.core.cache.backends.memcached.PyMemcacheCache","LOCATION":"[fe80::1%25eth0]:11211"}`,
		},
		{
			name: "memcached socket as written",
			in:   core.Config{Scheme: "pymemcached", Backend: core.BackendMemcached, Socket: "/tmp/m c.sock"},
			want: `{"BACKEND":"` + memcacheCls + `","LOCATION":"unix:///tmp/m c.sock"}`,
		},
		{
			name: "environ memcache is python-memcached",
			in:   core.Config{Scheme: "memcache", Backend: core.BackendMemcached, Hosts: []string{"h"}},
			want: `{"BACKEND":"` + memcacheCls + `","LOCATION":"h"}`,
		},
		{
			name: "environ pylibmc is PyLibMCCache",
			in:   core.Config{Scheme: "pylibmc", Backend: core.BackendMemcached, Hosts: []string{"h:1"}},
			want: `{"BACKEND":"` + pyLibMC + `","LOCATION":"h:1"}`,
		},
		{
			name: "uwsgicache without a name is default",
			in:   core.Config{Scheme: "uwsgicache", Backend: core.BackendUWSGI},
			want: `{"BACKEND":"uwsgicache.UWSGICache","LOCATION":"default"}`,
		},
		{
			name: "dbcache, cache arguments, options upper-cased",
			in: core.Config{Scheme: "dbcache", Backend: core.BackendDB, Path: "tbl", KeyPrefix: "p",
				Version: intp(2), KeyFunction: "m.f", MaxEntries: intp(10), CullFrequency: intp(0),
				Options: map[string]string{"client_class": "x", "password": "s"}},
			want: `{"BACKEND":"django.core.cache.backends.db.DatabaseCache","LOCATION":"tbl","OPTIONS":{"MAX_ENTRIES":10,"CULL_FREQUENCY":0},"KEY_PREFIX":"p","VERSION":"2","KEY_FUNCTION":"m.f","CLIENT_CLASS":"x","PASSWORD":"s"}`,
		},
		{
			name: "filecache directory",
			in:   core.Config{Scheme: "filecache", Backend: core.BackendFile, Path: "/var/tmp/a b"},
			want: `{"BACKEND":"django.core.cache.backends.filebased.FileBasedCache","LOCATION":"/var/tmp/a b"}`,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			view, err := tt.in.Django()
			if err != nil {
				t.Fatalf("Django(): %v", err)
			}
			var want any
			if err := json.Unmarshal([]byte(tt.want), &want); err != nil {
				t.Fatalf("bad want: %v", err)
			}
			if got := asJSON(t, view); !reflect.DeepEqual(got, want) {
				t.Errorf("got  %s\nwant %s", mustJSON(got), tt.want)
			}
		})
	}
}

// TestDjangoGoTypes pins the Go types of the view's values, which callers
// type-switch on: strings at the top level, ints in OPTIONS, nil for never,
// []string for several hosts.
func TestDjangoGoTypes(t *testing.T) {
	c := core.Config{Scheme: "redis", Backend: core.BackendRedis, Topology: core.Standalone,
		Hosts: []string{"a:6379", "b:6379"}, MaxEntries: intp(5), Version: intp(3), TTL: core.NeverExpire,
		Lib: "redis-cache", Options: map[string]string{"max_connections": "7"}}
	_, err := c.Django()
	if !errors.Is(err, core.ErrInvalidParameter) {
		t.Fatalf("redis-cache with a never TTL over TCP: err = %v, want ErrInvalidParameter", err)
	}
	c.TTL = core.TTLSeconds(9)
	view, err := c.Django()
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := view["LOCATION"].([]string); !ok {
		t.Errorf("LOCATION is %T, want []string", view["LOCATION"])
	}
	if v, ok := view["VERSION"].(string); !ok || v != "3" {
		t.Errorf("VERSION = %#v, want \"3\"", view["VERSION"])
	}
	if v, ok := view["TIMEOUT"].(string); !ok || v != "9" {
		t.Errorf("TIMEOUT = %#v, want \"9\"", view["TIMEOUT"])
	}
	opts, ok := view["OPTIONS"].(map[string]any)
	if !ok {
		t.Fatalf("OPTIONS is %T", view["OPTIONS"])
	}
	if v, ok := opts["MAX_ENTRIES"].(int); !ok || v != 5 {
		t.Errorf("OPTIONS.MAX_ENTRIES = %#v, want int 5", opts["MAX_ENTRIES"])
	}
	kw, ok := opts["CONNECTION_POOL_CLASS_KWARGS"].(map[string]any)
	if !ok {
		t.Fatalf("CONNECTION_POOL_CLASS_KWARGS is %T", opts["CONNECTION_POOL_CLASS_KWARGS"])
	}
	if kw["max_connections"] != 7 || kw["timeout"] != 9 {
		t.Errorf("kwargs = %#v, want int max_connections 7 and timeout 9", kw)
	}

	never := core.Config{Scheme: "locmem", Backend: core.BackendLocmem, TTL: core.NeverExpire}
	view, err = never.Django()
	if err != nil {
		t.Fatal(err)
	}
	if v, ok := view["TIMEOUT"]; !ok || v != nil {
		t.Errorf("TIMEOUT = %#v (present %v), want a nil value", v, ok)
	}
}

func TestDjangoErrors(t *testing.T) {
	const secret = "s3cr3t-pw"
	redis := func(mod func(*core.Config)) core.Config {
		c := core.Config{Scheme: "redis", Backend: core.BackendRedis, Topology: core.Standalone,
			Hosts: []string{"h:6379"}, Password: secret}
		mod(&c)
		return c
	}
	tests := []struct {
		name string
		in   core.Config
		kind *core.Kind
	}{
		{"sentinel", core.Config{Scheme: "redis+sentinel", Backend: core.BackendRedis, Topology: core.Sentinel,
			Master: "m", Hosts: []string{"s1:26379"}, Password: secret}, core.ErrNotExpressible},
		{"cluster over TLS", core.Config{Scheme: "rediss+cluster", Backend: core.BackendRedis, TLS: true,
			Topology: core.Cluster, Hosts: []string{"n1:6379"}, Password: secret}, core.ErrNotExpressible},
		{"unknown scheme", core.Config{Scheme: "redsi", Password: secret}, core.ErrUnknownScheme},
		{"lib on memcached", core.Config{Scheme: "memcached", Backend: core.BackendMemcached,
			Hosts: []string{"h"}, Lib: "redis-cache", Password: secret}, core.ErrInvalidParameter},
		{"unknown lib", redis(func(c *core.Config) { c.Lib = "Redis-Cache" }), core.ErrInvalidParameter},
		{"max_connections not a number", redis(func(c *core.Config) {
			c.Lib, c.Options = "redis-cache", map[string]string{"max_connections": "x"}
		}), core.ErrInvalidParameter},
		{"max_connections signed", redis(func(c *core.Config) {
			c.Lib, c.Options = "redis-cache", map[string]string{"max_connections": "+5"}
		}), core.ErrInvalidParameter},
		{"max_connections zero", redis(func(c *core.Config) {
			c.Lib, c.Options = "redis-cache", map[string]string{"max_connections": "0"}
		}), core.ErrInvalidParameter},
		{"redis-cache timeout none over TCP", redis(func(c *core.Config) {
			c.Lib, c.TTL = "redis-cache", core.NeverExpire
		}), core.ErrInvalidParameter},
		{"option backend", redis(func(c *core.Config) {
			c.Options = map[string]string{"backend": "x"}
		}), core.ErrReservedParameter},
		{"option timeout clobbers TIMEOUT", redis(func(c *core.Config) {
			c.Options = map[string]string{"timeout": "1"}
		}), core.ErrInvalidParameter},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			view, err := tt.in.Django()
			if err == nil {
				t.Fatalf("Django() = %v, want an error", view)
			}
			if !errors.Is(err, tt.kind) {
				t.Errorf("error %v is not %v", err, tt.kind)
			}
			var e *core.Error
			if !errors.As(err, &e) {
				t.Errorf("error %T is not a *core.Error", err)
			}
			if strings.Contains(err.Error(), secret) {
				t.Errorf("error contains the password: %v", err)
			}
		})
	}
}

// TestDjangoSocketRedisCacheNever: over a socket lib=redis-cache passes no
// pool kwargs, so a never TTL is fine (and null).
func TestDjangoSocketRedisCacheNever(t *testing.T) {
	c := core.Config{Scheme: "redis", Backend: core.BackendRedis, Topology: core.Standalone,
		Socket: "/s", Lib: "redis-cache", TTL: core.NeverExpire}
	view, err := c.Django()
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]any{"BACKEND": "redis_cache.RedisCache", "LOCATION": "unix:///s?db=0", "TIMEOUT": nil, "LIB": "redis-cache"}
	if !reflect.DeepEqual(view, want) {
		t.Errorf("got %#v\nwant %#v", view, want)
	}
}

// TestDjangoRedacted: the view of a redacted config shows no secret.
func TestDjangoRedacted(t *testing.T) {
	c := core.Config{Scheme: "redis", Backend: core.BackendRedis, Topology: core.Standalone,
		Hosts: []string{"h:6379"}, Username: "app", Password: "hunter2",
		Options: map[string]string{"sentinel_password": "hunter3"}}
	view, err := c.Redact().Django()
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]any{
		"BACKEND":           "django.core.cache.backends.redis.RedisCache",
		"LOCATION":          "redis://app:xxxxx@h:6379/0",
		"SENTINEL_PASSWORD": "xxxxx",
	}
	if !reflect.DeepEqual(view, want) {
		t.Errorf("got %#v\nwant %#v", view, want)
	}
}
