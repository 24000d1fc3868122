package koanfprovider_test

import (
	"errors"
	"testing"

	"github.com/knadh/koanf/parsers/json"
	"github.com/knadh/koanf/v2"

	"github.com/cacheurl/cacheurl/core"
	"github.com/cacheurl/cacheurl/koanfprovider"
)

// TestProviderKeys checks the exact map Read returns: the key layout of
// docs/grammar.md with plain values (ints, strings, []string, nested maps) and
// the url key beside them.
func TestProviderKeys(t *testing.T) {
	tests := []struct {
		name  string
		url   string
		delim string
		opt   koanfprovider.Opt
		want  map[string]any
	}{
		{
			name: "redis with password, db, prefix and timeout",
			url:  "redis://:" + pw + "@cache:6379/1?key_prefix=app&timeout=300",
			want: map[string]any{"cache": map[string]any{
				"url":        "redis://:" + pw + "@cache:6379/1?key_prefix=app&timeout=300",
				"scheme":     "redis",
				"backend":    "redis",
				"topology":   "standalone",
				"hosts":      []string{"cache:6379"},
				"password":   pw,
				"db":         1,
				"ttl":        "300s",
				"key_prefix": "app",
			}},
		},
		{
			name: "sentinel over TLS with an option",
			url:  "rediss+sentinel://u:" + pw + "@s1,s2:26380/mymaster/2?pool_size=10&version=3",
			want: map[string]any{"cache": map[string]any{
				"url":      "rediss+sentinel://u:" + pw + "@s1,s2:26380/mymaster/2?pool_size=10&version=3",
				"scheme":   "rediss+sentinel",
				"backend":  "redis",
				"tls":      true,
				"topology": "sentinel",
				"master":   "mymaster",
				"hosts":    []string{"s1:26379", "s2:26380"},
				"username": "u",
				"password": pw,
				"db":       2,
				"version":  3,
				"options":  map[string]any{"pool_size": "10"},
			}},
		},
		{
			name: "memcached keeps ports only where written",
			url:  "memcached://a:11211,b?timeout=none",
			want: map[string]any{"cache": map[string]any{
				"url":     "memcached://a:11211,b?timeout=none",
				"scheme":  "memcached",
				"backend": "memcached",
				"hosts":   []string{"a:11211", "b"},
				"ttl":     "never",
			}},
		},
		{
			name: "file cache with culling",
			url:  "file:///var/tmp/cache?max_entries=1000&cull_frequency=0",
			want: map[string]any{"cache": map[string]any{
				"url":            "file:///var/tmp/cache?max_entries=1000&cull_frequency=0",
				"scheme":         "file",
				"backend":        "file",
				"path":           "/var/tmp/cache",
				"max_entries":    1000,
				"cull_frequency": 0,
			}},
		},
		{
			name: "locmem has only scheme and backend; surrounding space trimmed",
			url:  "  locmem://  ",
			want: map[string]any{"cache": map[string]any{
				"url":     "locmem://",
				"scheme":  "locmem",
				"backend": "locmem",
			}},
		},
		{
			name: "Named does not apply to one URL",
			url:  "dummy://",
			opt:  koanfprovider.Opt{Named: true},
			want: map[string]any{"cache": map[string]any{
				"url":     "dummy://",
				"scheme":  "dummy",
				"backend": "dummy",
			}},
		},
		{
			name:  "nested prefix",
			url:   "dummy://",
			delim: ".",
			opt:   koanfprovider.Opt{Prefix: "app.cache"},
			want: map[string]any{"app": map[string]any{"cache": map[string]any{
				"url":     "dummy://",
				"scheme":  "dummy",
				"backend": "dummy",
			}}},
		},
		{
			name:  "another delimiter",
			url:   "db://cache_table",
			delim: "/",
			opt:   koanfprovider.Opt{Prefix: "app/cache"},
			want: map[string]any{"app": map[string]any{"cache": map[string]any{
				"url":     "db://cache_table",
				"scheme":  "db",
				"backend": "db",
				"path":    "cache_table",
			}}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			delim := tt.delim
			if delim == "" {
				delim = "."
			}
			got, err := koanfprovider.Provider(tt.url, delim, tt.opt).Read()
			if err != nil {
				t.Fatal(err)
			}
			// The values are typed by where they came from (the url plain,
			// the keys derived from it); as JSON they are the plain values.
			if g, w := asJSON(t, got), asJSON(t, tt.want); g != w {
				t.Errorf("Read:\n got %s\nwant %s", g, w)
			}
		})
	}
}

// TestProviderNoDelim: with no delimiter the prefix is one key, as in
// koanf's providers.
func TestProviderNoDelim(t *testing.T) {
	got, err := koanfprovider.Provider("locmem://", "", koanfprovider.Opt{Prefix: "app.cache"}).Read()
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]any{"app.cache": map[string]any{"url": "locmem://", "scheme": "locmem", "backend": "locmem"}}
	if g, w := asJSON(t, got), asJSON(t, want); g != w {
		t.Errorf("Read = %s, want %s", g, w)
	}
}

// TestProviderUnmarshal loads URLs with koanf and decodes them with koanf's
// default Unmarshal; the expected values come from docs/grammar.md.
func TestProviderUnmarshal(t *testing.T) {
	tests := []struct {
		url  string
		want core.Config
	}{
		{"redis://:" + pw + "@cache:6379/1?key_prefix=app&timeout=300", core.Config{
			Scheme: "redis", Backend: core.BackendRedis, Topology: core.Standalone,
			Hosts: []string{"cache:6379"}, Password: pw, DB: 1, TTL: core.TTLSeconds(300), KeyPrefix: "app",
		}},
		{"valkeys://[::1]/3?timeout=5m", core.Config{
			Scheme: "valkeys", Backend: core.BackendRedis, TLS: true, Topology: core.Standalone,
			Hosts: []string{"[::1]:6379"}, DB: 3, TTL: core.TTLSeconds(300),
		}},
		{"redis:///run/redis.sock/3", core.Config{
			Scheme: "redis", Backend: core.BackendRedis, Topology: core.Standalone,
			Socket: "/run/redis.sock", DB: 3,
		}},
		{"redis+cluster://n1:7000,n2:7001?read_timeout=3s", core.Config{
			Scheme: "redis+cluster", Backend: core.BackendRedis, Topology: core.Cluster,
			Hosts: []string{"n1:7000", "n2:7001"}, Options: map[string]string{"read_timeout": "3s"},
		}},
		{"pymemcache://u:" + pw + "@mc1:11211,mc2?timeout=0", core.Config{
			Scheme: "pymemcache", Backend: core.BackendMemcached,
			Hosts: []string{"mc1:11211", "mc2"}, Username: "u", Password: pw, TTL: core.TTLSeconds(0),
		}},
		{"hiredis://h?timeout=none&lib=django-redis&key_function=app.make_key", core.Config{
			Scheme: "hiredis", Backend: core.BackendRedis, Topology: core.Standalone,
			Hosts: []string{"h:6379"}, TTL: core.NeverExpire, Lib: "django-redis", KeyFunction: "app.make_key",
		}},
		{"db://my_cache_table?max_entries=1000&cull_frequency=3&version=2", core.Config{
			Scheme: "db", Backend: core.BackendDB, Path: "my_cache_table",
			MaxEntries: intp(1000), CullFrequency: intp(3), Version: intp(2),
		}},
		{"uwsgicache://", core.Config{Scheme: "uwsgicache", Backend: core.BackendUWSGI, Path: "default"}},
		{"locmem://", core.Config{Scheme: "locmem", Backend: core.BackendLocmem}},
	}
	for _, tt := range tests {
		t.Run(tt.url, func(t *testing.T) {
			k := koanf.New(".")
			load(t, k, koanfprovider.Provider(tt.url, ".", koanfprovider.Opt{}))
			wantConfig(t, unmarshal(t, k, "cache"), tt.want)
			if got := k.String("cache.url"); got != tt.url {
				t.Errorf("cache.url = %q, want %q", got, tt.url)
			}
		})
	}
}

func TestProviderErrors(t *testing.T) {
	tests := []struct {
		url      string
		kind     *core.Kind
		contains string
	}{
		{"redis://:" + pw + "@cache:0/1", core.ErrInvalidPort, `"redis://:xxxxx@cache:0/1"`},
		{"redsi://:" + pw + "@cache", core.ErrUnknownScheme, `did you mean "redis"`},
		{"redis://:" + pw + "@cache/1?timeout=abc", core.ErrInvalidParameter, "timeout"},
		{"redis://:" + pw + "@cache/1?backend=x", core.ErrReservedParameter, "backend"},
		{"redis://:" + pw + "@cache/1#frag", core.ErrFragment, "%23"},
		{"", core.ErrMalformed, "empty"},
	}
	for _, tt := range tests {
		t.Run(tt.url, func(t *testing.T) {
			k := koanf.New(".")
			err := k.Load(koanfprovider.Provider(tt.url, ".", koanfprovider.Opt{}), nil)
			checkError(t, err, "cache", tt.kind, tt.contains)
			if len(k.Keys()) != 0 {
				t.Errorf("a failed Load left keys: %v", k.Keys())
			}
		})
	}
	t.Run("prefix in the key", func(t *testing.T) {
		_, err := koanfprovider.Provider("redis://h:0", ".", koanfprovider.Opt{Prefix: "app.cache"}).Read()
		checkError(t, err, "app.cache", core.ErrInvalidPort)
	})
}

// TestReadBytes: the providers produce maps; loading them with a parser
// fails with ErrNotSupported, as koanf's env and posflag providers do.
func TestReadBytes(t *testing.T) {
	k := koanf.New(".")
	for _, p := range []koanf.Provider{
		koanfprovider.Provider("locmem://", ".", koanfprovider.Opt{}),
		koanfprovider.Env(".", koanfprovider.Opt{}),
		koanfprovider.Expand(k, koanfprovider.Opt{}),
	} {
		b, err := p.ReadBytes()
		if b != nil || !errors.Is(err, koanfprovider.ErrNotSupported) {
			t.Errorf("%T.ReadBytes() = %v, %v; want nil, ErrNotSupported", p, b, err)
		}
		if err := k.Load(p, json.Parser()); !errors.Is(err, koanfprovider.ErrNotSupported) {
			t.Errorf("Load(%T, json.Parser()) = %v, want ErrNotSupported", p, err)
		}
	}
}
