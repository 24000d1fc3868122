package koanfprovider_test

import (
	"strings"
	"testing"

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
			if got := k.String("cache.ttl"); got != "60s" {
				t.Errorf("cache.ttl = %q, want \"60s\"", got)
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
		// the empty string changes nothing, but db 0 and a duration flag's
		// 0s are values (a typed zero is set), so they beat the URL's.
		{"url only, posflag loads defaults", []string{"--cache.url=redis://h/2?timeout=300"}, true, func(c *core.Config) {
			c.DB = 0
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
