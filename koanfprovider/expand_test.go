package koanfprovider_test

import (
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/knadh/koanf/parsers/json"
	"github.com/knadh/koanf/parsers/toml/v2"
	"github.com/knadh/koanf/parsers/yaml"
	"github.com/knadh/koanf/providers/confmap"
	"github.com/knadh/koanf/providers/env/v2"
	"github.com/knadh/koanf/providers/file"
	"github.com/knadh/koanf/providers/posflag"
	"github.com/knadh/koanf/v2"
	"github.com/spf13/pflag"

	"github.com/cacheurl/cacheurl/core"
	"github.com/cacheurl/cacheurl/koanfprovider"
)

// appRedis is what the config files below describe: the URL
// redis://cache:6379/1?key_prefix=app&timeout=300 with ttl: 60s and the
// password set beside it.
var appRedis = core.Config{
	Scheme: "redis", Backend: core.BackendRedis, Topology: core.Standalone,
	Hosts: []string{"cache:6379"}, Password: pw, DB: 1, TTL: core.TTLSeconds(60), KeyPrefix: "app",
}

// TestExpandFile loads config files with koanf's file provider and the
// yaml, json and toml parsers, expands, and unmarshals.
func TestExpandFile(t *testing.T) {
	tests := []struct {
		name    string
		file    string
		parser  koanf.Parser
		content string
	}{
		{"yaml", "config.yaml", yaml.Parser(), `
cache:
  url: redis://cache:6379/1?key_prefix=app&timeout=300
  ttl: 60s
  password: ` + pw + `
`},
		{"yaml ttl as a number", "config.yaml", yaml.Parser(), `
cache:
  url: redis://cache:6379/1?key_prefix=app&timeout=300
  ttl: 60
  password: ` + pw + `
`},
		{"json", "config.json", json.Parser(), `{"cache": {
  "url": "redis://cache:6379/1?key_prefix=app&timeout=300",
  "ttl": "60s",
  "password": "` + pw + `"}}`},
		{"json ttl as a number", "config.json", json.Parser(), `{"cache": {
  "url": "redis://cache:6379/1?key_prefix=app&timeout=300",
  "ttl": 60,
  "password": "` + pw + `"}}`},
		{"toml", "config.toml", toml.Parser(), `
[cache]
url = "redis://cache:6379/1?key_prefix=app&timeout=300"
ttl = "60s"
password = "` + pw + `"
`},
		{"toml ttl as a number", "config.toml", toml.Parser(), `
[cache]
url = "redis://cache:6379/1?key_prefix=app&timeout=300"
ttl = 60
password = "` + pw + `"
`},
		{"yaml, everything explicit", "config.yaml", yaml.Parser(), `
cache:
  url: redis://other:6380/9?key_prefix=x&timeout=1
  hosts: [cache]
  db: 1
  key_prefix: app
  ttl: 1m
  password: ` + pw + `
`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			k := koanf.New(".")
			if err := k.Load(file.Provider(writeFile(t, tt.file, tt.content)), tt.parser); err != nil {
				t.Fatal(err)
			}
			url := k.String("cache.url")
			load(t, k, koanfprovider.Expand(k, koanfprovider.Opt{}))
			wantConfig(t, unmarshal(t, k, "cache"), appRedis)
			if got := k.String("cache.url"); got != url {
				t.Errorf("cache.url changed to %q, want %q", got, url)
			}
			if got := k.Get("cache.ttl"); got != "60s" {
				t.Errorf("cache.ttl = %#v, want \"60s\"", got)
			}
		})
	}
}

// TestExpandEnvProvider: koanf's env provider maps variables to keys,
// Expand turns them into a config. Env values are strings: numbers, lists
// and the TTL are normalised.
func TestExpandEnvProvider(t *testing.T) {
	k := koanf.New(".")
	load(t, k, env.Provider(".", env.Opt{
		Prefix: "APP_",
		TransformFunc: func(k, v string) (string, any) {
			return strings.ReplaceAll(strings.ToLower(strings.TrimPrefix(k, "APP_")), "__", "."), v
		},
		EnvironFunc: environ(
			"APP_CACHE__URL=redis://:"+pw+"@ignored:6379/0?pool_size=10&timeout=300",
			"APP_CACHE__HOSTS=a:6379, b:6380",
			"APP_CACHE__DB=3",
			"APP_CACHE__TTL=90",
			"APP_CACHE__VERSION=2",
			"APP_CACHE__OPTIONS__POOL_SIZE=20",
			"APP_CACHE__OPTIONS__DIAL_TIMEOUT=2s",
			"HOME=/root",
		),
	}))
	load(t, k, koanfprovider.Expand(k, koanfprovider.Opt{}))
	wantConfig(t, unmarshal(t, k, "cache"), core.Config{
		Scheme: "redis", Backend: core.BackendRedis, Topology: core.Standalone,
		Hosts: []string{"a:6379", "b:6380"}, Password: pw, DB: 3, TTL: core.TTLSeconds(90), Version: intp(2),
		Options: map[string]string{"pool_size": "20", "dial_timeout": "2s"},
	})
}

// TestExpandConfmap: values typed as Go code would give them.
func TestExpandConfmap(t *testing.T) {
	k := koanf.New(".")
	load(t, k, confmap.Provider(map[string]any{
		"cache.url":            "memcached://mc1:11211,mc2:11211?timeout=300",
		"cache.ttl":            0,
		"cache.key_prefix":     "web",
		"cache.cull_frequency": 0,
		"cache.max_entries":    int64(1000),
	}, "."))
	load(t, k, koanfprovider.Expand(k, koanfprovider.Opt{}))
	wantConfig(t, unmarshal(t, k, "cache"), core.Config{
		Scheme: "memcached", Backend: core.BackendMemcached, Hosts: []string{"mc1:11211", "mc2:11211"},
		TTL: core.TTLSeconds(0), KeyPrefix: "web", CullFrequency: intp(0), MaxEntries: intp(1000),
	})
}

// TestExpandPosflag: pflag flags through koanf's posflag provider. A flag
// left at its default is loaded by posflag when no other provider set the
// key; an empty string and db 0 count as not set, so such defaults do not
// clear the URL's values.
func TestExpandPosflag(t *testing.T) {
	newFlags := func() *pflag.FlagSet {
		fs := pflag.NewFlagSet("app", pflag.ContinueOnError)
		fs.String("cache.url", "", "cache URL")
		fs.String("cache.ttl", "", "cache TTL")
		fs.Int("cache.db", 0, "redis db")
		fs.StringSlice("cache.hosts", nil, "hosts")
		fs.Duration("cache.options.dial_timeout", 0, "dial timeout")
		return fs
	}
	base := core.Config{Scheme: "redis", Backend: core.BackendRedis, Topology: core.Standalone,
		Hosts: []string{"h:6379"}, DB: 2, TTL: core.TTLSeconds(300)}
	tests := []struct {
		name string
		args []string
		ko   bool // pass k to posflag.Provider
		want func(c *core.Config)
	}{
		// posflag loads the defaults of flags no other provider has set:
		// the empty string and db 0 change nothing, but a duration flag's
		// 0s is a value.
		{"url only, posflag loads defaults", []string{"--cache.url=redis://h/2?timeout=300"}, true, func(c *core.Config) {
			c.Options = map[string]string{"dial_timeout": "0s"}
		}},
		{"url only, nil koanf: unchanged flags skipped", []string{"--cache.url=redis://h/2?timeout=300"}, false, nil},
		{"flags beside the url", []string{"--cache.url=redis://h/2?timeout=300", "--cache.ttl=10m", "--cache.db=4",
			"--cache.hosts=a,b:6380", "--cache.options.dial_timeout=1500ms"}, true, func(c *core.Config) {
			c.TTL, c.DB, c.Hosts = core.TTLSeconds(600), 4, []string{"a:6379", "b:6380"}
			c.Options = map[string]string{"dial_timeout": "1.5s"}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fs := newFlags()
			if err := fs.Parse(tt.args); err != nil {
				t.Fatal(err)
			}
			k := koanf.New(".")
			var ko posflag.KoanfIntf
			if tt.ko {
				ko = k
			}
			load(t, k, posflag.Provider(fs, ".", ko))
			load(t, k, koanfprovider.Expand(k, koanfprovider.Opt{}))
			want := base
			if tt.want != nil {
				tt.want(&want)
			}
			wantConfig(t, unmarshal(t, k, "cache"), want)
		})
	}
}

// TestPrecedence loads a file, then the environment, then flags (the usual
// koanf order: later wins), then expands. Keys set explicitly in any layer
// win over values from the URL, whichever layer the URL came from.
func TestPrecedence(t *testing.T) {
	config := writeFile(t, "config.yaml", `
cache:
  url: redis://file-host:6379/1?key_prefix=app&timeout=300
  ttl: 60s
`)
	tests := []struct {
		name string
		env  []string
		args []string
		want core.Config
	}{
		{"file only: explicit ttl beats the URL's timeout", nil, nil, core.Config{
			Scheme: "redis", Backend: core.BackendRedis, Topology: core.Standalone,
			Hosts: []string{"file-host:6379"}, DB: 1, TTL: core.TTLSeconds(60), KeyPrefix: "app"}},
		{"env URL beats the file's URL; the file's ttl still applies",
			[]string{"CACHE_URL=rediss://env-host/2?timeout=30"}, nil, core.Config{
				Scheme: "rediss", Backend: core.BackendRedis, TLS: true, Topology: core.Standalone,
				Hosts: []string{"env-host:6379"}, DB: 2, TTL: core.TTLSeconds(60)}},
		{"password from its own variable", []string{"CACHE_PASSWORD=" + pw}, nil, core.Config{
			Scheme: "redis", Backend: core.BackendRedis, Topology: core.Standalone,
			Hosts: []string{"file-host:6379"}, Password: pw, DB: 1, TTL: core.TTLSeconds(60), KeyPrefix: "app"}},
		{"flag URL beats env and file", []string{"CACHE_URL=redis://env-host/2"},
			[]string{"--cache.url=memcached://flag-host:11211"}, core.Config{
				Scheme: "memcached", Backend: core.BackendMemcached,
				Hosts: []string{"flag-host:11211"}, TTL: core.TTLSeconds(60)}},
		{"flag ttl beats the file's ttl", []string{"CACHE_URL=redis://env-host/2"},
			[]string{"--cache.ttl=never"}, core.Config{
				Scheme: "redis", Backend: core.BackendRedis, Topology: core.Standalone,
				Hosts: []string{"env-host:6379"}, DB: 2, TTL: core.NeverExpire}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			k := koanf.New(".")
			if err := k.Load(file.Provider(config), yaml.Parser()); err != nil {
				t.Fatal(err)
			}
			load(t, k, env.Provider(".", env.Opt{
				TransformFunc: func(k, v string) (string, any) {
					switch k {
					case "CACHE_URL":
						return "cache.url", v
					case "CACHE_PASSWORD":
						return "cache.password", v
					}
					return "", nil
				},
				EnvironFunc: environ(tt.env...),
			}))
			fs := pflag.NewFlagSet("app", pflag.ContinueOnError)
			fs.String("cache.url", "", "cache URL")
			fs.String("cache.ttl", "", "default TTL")
			if err := fs.Parse(tt.args); err != nil {
				t.Fatal(err)
			}
			load(t, k, posflag.Provider(fs, ".", k))
			load(t, k, koanfprovider.Expand(k, koanfprovider.Opt{}))
			wantConfig(t, unmarshal(t, k, "cache"), tt.want)
		})
	}
}

// TestExpandRules drives Expand with confmap values and checks the merged
// config, one rule per case.
func TestExpandRules(t *testing.T) {
	redis := func(f func(c *core.Config)) core.Config {
		c := core.Config{Scheme: "redis", Backend: core.BackendRedis, Topology: core.Standalone, Hosts: []string{"h:6379"}}
		if f != nil {
			f(&c)
		}
		return c
	}
	tests := []struct {
		name string
		keys map[string]any
		opt  koanfprovider.Opt
		want core.Config
	}{
		{"explicit ttl wins", map[string]any{"cache.url": "redis://h?timeout=300", "cache.ttl": "60s"},
			koanfprovider.Opt{}, redis(func(c *core.Config) { c.TTL = core.TTLSeconds(60) })},
		{"URLWins: the URL's ttl wins", map[string]any{"cache.url": "redis://h?timeout=300", "cache.ttl": "60s"},
			koanfprovider.Opt{URLWins: true}, redis(func(c *core.Config) { c.TTL = core.TTLSeconds(300) })},
		{"URLWins: explicit fills what the URL leaves unset", map[string]any{"cache.url": "redis://h", "cache.ttl": "60s",
			"cache.key_prefix": "k", "cache.options.pool_size": 5},
			koanfprovider.Opt{URLWins: true}, redis(func(c *core.Config) {
				c.TTL, c.KeyPrefix, c.Options = core.TTLSeconds(60), "k", map[string]string{"pool_size": "5"}
			})},
		{"URLWins: derived keys follow the URL's scheme", map[string]any{"cache.url": "memcached://mc",
			"cache.topology": "standalone", "cache.tls": true, "cache.backend": "redis", "cache.scheme": "redis"},
			koanfprovider.Opt{URLWins: true}, core.Config{Scheme: "memcached", Backend: core.BackendMemcached, Hosts: []string{"mc"}}},
		{"password beside a URL without one", map[string]any{"cache.url": "redis://u@h", "cache.password": pw},
			koanfprovider.Opt{}, redis(func(c *core.Config) { c.Username, c.Password = "u", pw })},
		{"explicit password replaces the URL's", map[string]any{"cache.url": "redis://u:old@h", "cache.password": pw},
			koanfprovider.Opt{}, redis(func(c *core.Config) { c.Username, c.Password = "u", pw })},
		{"empty values do not clear the URL's", map[string]any{"cache.url": "redis://u:" + pw + "@h/2?key_prefix=p&timeout=5&x=1",
			"cache.key_prefix": "", "cache.password": "", "cache.ttl": "", "cache.db": 0, "cache.tls": false,
			"cache.hosts": []any{}, "cache.options": map[string]any{"x": ""}, "cache.version": nil},
			koanfprovider.Opt{}, redis(func(c *core.Config) {
				c.Username, c.Password, c.DB, c.KeyPrefix, c.TTL = "u", pw, 2, "p", core.TTLSeconds(5)
				c.Options = map[string]string{"x": "1"}
			})},
		// Expand cannot delete keys: an empty option that no URL value
		// replaces stays in koanf, and Unmarshal decodes it.
		{"an empty option stays empty", map[string]any{"cache.url": "redis://h", "cache.options.x": ""},
			koanfprovider.Opt{}, redis(func(c *core.Config) { c.Options = map[string]string{"x": ""} })},
		{"hosts replace a socket", map[string]any{"cache.url": "redis:///run/redis.sock/3", "cache.hosts": []any{"h"}},
			koanfprovider.Opt{}, redis(func(c *core.Config) { c.DB = 3 })},
		{"a socket replaces hosts", map[string]any{"cache.url": "redis://a,b/3", "cache.socket": "/run/redis.sock"},
			koanfprovider.Opt{}, core.Config{Scheme: "redis", Backend: core.BackendRedis, Topology: core.Standalone,
				Socket: "/run/redis.sock", DB: 3}},
		{"URLWins keeps the URL's location", map[string]any{"cache.url": "redis://h", "cache.socket": "/run/redis.sock"},
			koanfprovider.Opt{URLWins: true}, redis(nil)},
		{"URLWins: a path fills locmem's empty name", map[string]any{"cache.url": "locmem://", "cache.path": "x"},
			koanfprovider.Opt{URLWins: true}, core.Config{Scheme: "locmem", Backend: core.BackendLocmem, Path: "x"}},
		{"explicit scheme brings its own backend, tls and topology", map[string]any{"cache.url": "redis://h/1", "cache.scheme": "valkeys"},
			koanfprovider.Opt{}, redis(func(c *core.Config) { c.Scheme, c.TLS, c.DB = "valkeys", true, 1 })},
		{"explicit scheme is case-insensitive", map[string]any{"cache.url": "redis://h", "cache.scheme": "REDISS"},
			koanfprovider.Opt{}, redis(func(c *core.Config) { c.Scheme, c.TLS = "rediss", true })},
		{"options merge per name", map[string]any{"cache.url": "redis://h?pool_size=10&protocol=3",
			"cache.options.pool_size": 20, "cache.options.client_name": "web"},
			koanfprovider.Opt{}, redis(func(c *core.Config) {
				c.Options = map[string]string{"pool_size": "20", "protocol": "3", "client_name": "web"}
			})},
		{"URLWins: options from the URL win", map[string]any{"cache.url": "redis://h?pool_size=10", "cache.options.pool_size": 20},
			koanfprovider.Opt{URLWins: true}, redis(func(c *core.Config) { c.Options = map[string]string{"pool_size": "10"} })},
		{"db from a string, version 0 and cull_frequency 0 are values", map[string]any{"cache.url": "redis://h/2?version=3",
			"cache.db": "5", "cache.version": 0, "cache.cull_frequency": "0"},
			koanfprovider.Opt{}, redis(func(c *core.Config) { c.DB, c.Version, c.CullFrequency = 5, intp(0), intp(0) })},
		{"ttl forms", map[string]any{"cache.url": "redis://h", "cache.ttl": "1.5m"},
			koanfprovider.Opt{}, redis(func(c *core.Config) { c.TTL = core.TTLSeconds(90) })},
		{"ttl none", map[string]any{"cache.url": "redis://h?timeout=5", "cache.ttl": "none"},
			koanfprovider.Opt{}, redis(func(c *core.Config) { c.TTL = core.NeverExpire })},
		{"ttl as a duration (a pflag duration flag)", map[string]any{"cache.url": "redis://h", "cache.ttl": 90 * time.Second},
			koanfprovider.Opt{}, redis(func(c *core.Config) { c.TTL = core.TTLSeconds(90) })},
		{"ttl as a whole float (JSON)", map[string]any{"cache.url": "redis://h", "cache.ttl": 120.0},
			koanfprovider.Opt{}, redis(func(c *core.Config) { c.TTL = core.TTLSeconds(120) })},
		{"key names match case-insensitively, as Unmarshal does", map[string]any{"cache.url": "redis://h", "cache.TTL": 60, "cache.Key_Prefix": "K"},
			koanfprovider.Opt{}, redis(func(c *core.Config) { c.TTL, c.KeyPrefix = core.TTLSeconds(60), "K" })},
		{"the exact key wins over another case", map[string]any{"cache.url": "redis://h", "cache.TTL": 60, "cache.ttl": "2m"},
			koanfprovider.Opt{}, redis(func(c *core.Config) { c.TTL = core.TTLSeconds(120) })},
		{"the url key in another case", map[string]any{"cache.URL": "redis://h/5"},
			koanfprovider.Opt{}, redis(func(c *core.Config) { c.DB = 5 })},
		{"a URL string at the prefix", map[string]any{"cache": "redis://h/4?timeout=5"},
			koanfprovider.Opt{}, redis(func(c *core.Config) { c.DB, c.TTL = 4, core.TTLSeconds(5) })},
		{"no URL: explicit keys alone, normalised", map[string]any{"cache.scheme": "redis", "cache.hosts": "h", "cache.ttl": 7},
			koanfprovider.Opt{}, redis(func(c *core.Config) { c.TTL = core.TTLSeconds(7) })},
		{"empty URL with explicit keys", map[string]any{"cache.url": " ", "cache.scheme": "dummy"},
			koanfprovider.Opt{}, core.Config{Scheme: "dummy", Backend: core.BackendDummy}},
		{"nothing set: locmem://", map[string]any{"other": 1},
			koanfprovider.Opt{}, core.Config{Scheme: "locmem", Backend: core.BackendLocmem}},
		{"nothing set: custom default", map[string]any{"cache.url": ""},
			koanfprovider.Opt{Default: "dummy://d"}, core.Config{Scheme: "dummy", Backend: core.BackendDummy, Path: "d"}},
		{"unknown keys are left alone", map[string]any{"cache.url": "redis://h", "cache.timeout": "x", "cache.extra.deep": 1},
			koanfprovider.Opt{}, redis(nil)},
		{"nested prefix", map[string]any{"app.cache.url": "redis://h"},
			koanfprovider.Opt{Prefix: "app.cache"}, redis(nil)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			k := koanf.New(".")
			load(t, k, confmap.Provider(tt.keys, "."))
			load(t, k, koanfprovider.Expand(k, tt.opt))
			prefix := tt.opt.Prefix
			if prefix == "" {
				prefix = "cache"
			}
			got := unmarshal(t, k, prefix)
			wantConfig(t, got, tt.want)
			// The expanded keys are the canonical form: expanding again
			// changes nothing.
			before := k.All()
			load(t, k, koanfprovider.Expand(k, tt.opt))
			if after := k.All(); !reflect.DeepEqual(before, after) {
				t.Errorf("a second Expand changed the keys:\nbefore %v\n after %v", before, after)
			}
		})
	}
}

// TestExpandEmitsURL: the url key is added only where it was not there.
func TestExpandEmitsURL(t *testing.T) {
	tests := []struct {
		keys map[string]any
		opt  koanfprovider.Opt
		want string
	}{
		{map[string]any{"cache": " redis://h "}, koanfprovider.Opt{}, "redis://h"},
		{map[string]any{}, koanfprovider.Opt{}, "locmem://"},
		{map[string]any{"cache.url": "redis://H:6379/0"}, koanfprovider.Opt{}, "redis://H:6379/0"},
	}
	for _, tt := range tests {
		k := koanf.New(".")
		load(t, k, confmap.Provider(tt.keys, "."))
		load(t, k, koanfprovider.Expand(k, tt.opt))
		if got := k.String("cache.url"); got != tt.want {
			t.Errorf("%v: cache.url = %q, want %q", tt.keys, got, tt.want)
		}
	}
}

func TestExpandErrors(t *testing.T) {
	tests := []struct {
		name     string
		keys     map[string]any
		opt      koanfprovider.Opt
		key      string
		kind     *core.Kind
		contains []string
	}{
		{"bad port", map[string]any{"cache.url": "redis://:" + pw + "@cache:0/1"}, koanfprovider.Opt{},
			"cache.url", core.ErrInvalidPort, []string{`"redis://:xxxxx@cache:0/1"`}},
		{"unknown scheme", map[string]any{"cache.url": "memcache2://u:" + pw + "@h"}, koanfprovider.Opt{},
			"cache.url", core.ErrUnknownScheme, []string{"memcache2"}},
		{"bad URL string at the prefix", map[string]any{"cache": "redis://:" + pw + "@h/1/2"}, koanfprovider.Opt{},
			"cache", core.ErrInvalidPath, nil},
		{"option name not lower-case", map[string]any{"cache.url": "redis://h", "cache.options.Pool_Size": 5}, koanfprovider.Opt{},
			"cache.options.Pool_Size", core.ErrInvalidParameter, []string{"lower-case", "pool_size"}},
		{"backend does not fit the URL", map[string]any{"cache.url": "redis://:" + pw + "@cache/0", "cache.backend": "memcached"},
			koanfprovider.Opt{}, "cache", core.ErrInvalidParameter, []string{"explicit cache.backend over cache.url", `"memcached"`}},
		{"tls on a plain scheme", map[string]any{"cache.url": "redis://h", "cache.tls": "true"},
			koanfprovider.Opt{}, "cache", core.ErrInvalidParameter, []string{"cache.tls"}},
		{"hosts and socket together", map[string]any{"cache.url": "redis://h", "cache.hosts": "a", "cache.socket": "/s"},
			koanfprovider.Opt{}, "cache", core.ErrInvalidHost, []string{"cache.hosts, cache.socket"}},
		{"max_entries below 1", map[string]any{"cache.url": "redis://:" + pw + "@h", "cache.max_entries": 0},
			koanfprovider.Opt{}, "cache", core.ErrInvalidParameter, []string{"cache.max_entries", "max_entries"}},
		{"db on a cluster", map[string]any{"cache.url": "redis+cluster://h", "cache.db": 1},
			koanfprovider.Opt{}, "cache", core.ErrInvalidPath, nil},
		{"db not a number", map[string]any{"cache.url": "redis://h", "cache.db": "abc"},
			koanfprovider.Opt{}, "cache.db", core.ErrInvalidParameter, []string{`: db must be an integer, not "abc"`}},
		{"version a fraction", map[string]any{"cache.url": "redis://h", "cache.version": 1.5},
			koanfprovider.Opt{}, "cache.version", core.ErrInvalidParameter, []string{"not 1.5"}},
		{"ttl with milliseconds", map[string]any{"cache.url": "redis://h", "cache.ttl": "1500ms"},
			koanfprovider.Opt{}, "cache.ttl", core.ErrInvalidParameter, []string{"1500ms"}},
		{"negative ttl", map[string]any{"cache.url": "redis://h", "cache.ttl": -5},
			koanfprovider.Opt{}, "cache.ttl", core.ErrInvalidParameter, []string{"not -5"}},
		{"ttl duration with milliseconds", map[string]any{"cache.url": "redis://h", "cache.ttl": 1500 * time.Millisecond},
			koanfprovider.Opt{}, "cache.ttl", core.ErrInvalidParameter, []string{"not 1.5s"}},
		{"fractional ttl", map[string]any{"cache.url": "redis://h", "cache.ttl": 1.5},
			koanfprovider.Opt{}, "cache.ttl", core.ErrInvalidParameter, []string{"whole number of seconds"}},
		{"ttl a bool", map[string]any{"cache.url": "redis://h", "cache.ttl": true},
			koanfprovider.Opt{}, "cache.ttl", core.ErrInvalidParameter, nil},
		{"hosts a number", map[string]any{"cache.url": "redis://h", "cache.hosts": 5},
			koanfprovider.Opt{}, "cache.hosts", core.ErrInvalidParameter, nil},
		{"tls not a bool", map[string]any{"cache.url": "redis://h", "cache.tls": "maybe"},
			koanfprovider.Opt{}, "cache.tls", core.ErrInvalidParameter, []string{`"maybe"`}},
		{"options not a map", map[string]any{"cache.url": "redis://h", "cache.options": "a=b"},
			koanfprovider.Opt{}, "cache.options", core.ErrInvalidParameter, nil},
		{"password not a string: value hidden", map[string]any{"cache.url": "redis://h", "cache.password": []any{pw}},
			koanfprovider.Opt{}, "cache.password", core.ErrInvalidParameter, []string{"a value of type []interface {}"}},
		{"credential option not a string: value hidden", map[string]any{"cache.url": "redis://h",
			"cache.options.sentinel_password": map[string]any{"x": pw}},
			koanfprovider.Opt{}, "cache.options.sentinel_password", core.ErrInvalidParameter, []string{"option sentinel_password must be a string, not a value of type map[string]interface {}"}},
		{"url not a string", map[string]any{"cache.url": 6379}, koanfprovider.Opt{},
			"cache.url", core.ErrMalformed, []string{"must be a URL string"}},
		{"prefix not a map or a string", map[string]any{"cache": 1}, koanfprovider.Opt{},
			"cache", core.ErrMalformed, []string{"must be a URL string or a map"}},
		{"no URL and no scheme", map[string]any{"cache.hosts": "h"}, koanfprovider.Opt{},
			"cache.url", core.ErrMalformed, []string{"neither cache.url nor cache.scheme is set"}},
		{"strict and nothing set", map[string]any{"cache.url": ""}, koanfprovider.Opt{Strict: true},
			"cache.url", core.ErrNotSet, []string{"cache.url is not set"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			k := koanf.New(".")
			load(t, k, confmap.Provider(tt.keys, "."))
			before := k.All()
			err := k.Load(koanfprovider.Expand(k, tt.opt), nil)
			checkError(t, err, tt.key, tt.kind, tt.contains...)
			if after := k.All(); !reflect.DeepEqual(before, after) {
				t.Errorf("a failed Load changed the keys")
			}
		})
	}
}

// TestExpandNativeMaps: values set with k.Set keep their Go map types.
func TestExpandNativeMaps(t *testing.T) {
	k := koanf.New(".")
	if err := k.Set("cache", map[string]string{"url": "redis://h?pool_size=1", "key_prefix": "p"}); err != nil {
		t.Fatal(err)
	}
	load(t, k, koanfprovider.Expand(k, koanfprovider.Opt{}))
	if err := k.Set("cache.options", map[string]string{"pool_size": "2"}); err != nil {
		t.Fatal(err)
	}
	load(t, k, koanfprovider.Expand(k, koanfprovider.Opt{}))
	wantConfig(t, unmarshal(t, k, "cache"), core.Config{Scheme: "redis", Backend: core.BackendRedis,
		Topology: core.Standalone, Hosts: []string{"h:6379"}, KeyPrefix: "p", Options: map[string]string{"pool_size": "2"}})

	k = koanf.New(".")
	if err := k.Set("caches", map[string]string{"sessions": "memcached://mc"}); err != nil {
		t.Fatal(err)
	}
	load(t, k, koanfprovider.Expand(k, koanfprovider.Opt{Named: true}))
	wantConfig(t, unmarshal(t, k, "caches.sessions"), core.Config{Scheme: "memcached", Backend: core.BackendMemcached,
		Hosts: []string{"mc"}})
}

// TestExpandDelim: Expand uses the koanf instance's delimiter.
func TestExpandDelim(t *testing.T) {
	k := koanf.New("/")
	load(t, k, confmap.Provider(map[string]any{"app/cache/url": "redis://h/1", "app/cache/ttl": 60}, "/"))
	load(t, k, koanfprovider.Expand(k, koanfprovider.Opt{Prefix: "app/cache"}))
	wantConfig(t, unmarshal(t, k, "app/cache"), core.Config{Scheme: "redis", Backend: core.BackendRedis,
		Topology: core.Standalone, Hosts: []string{"h:6379"}, DB: 1, TTL: core.TTLSeconds(60)})
	_, err := koanfprovider.Expand(k, koanfprovider.Opt{Prefix: "app/cache"}).Read()
	if err != nil {
		t.Fatal(err)
	}
	k2 := koanf.New("/")
	load(t, k2, confmap.Provider(map[string]any{"app/cache/url": "redis://h:0"}, "/"))
	_, err = koanfprovider.Expand(k2, koanfprovider.Opt{Prefix: "app/cache"}).Read()
	checkError(t, err, "app/cache/url", core.ErrInvalidPort)
}
