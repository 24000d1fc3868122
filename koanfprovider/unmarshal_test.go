package koanfprovider_test

import (
	"reflect"
	"strings"
	"testing"

	"github.com/go-viper/mapstructure/v2"
	"github.com/knadh/koanf/parsers/json"
	"github.com/knadh/koanf/parsers/toml/v2"
	"github.com/knadh/koanf/parsers/yaml"
	"github.com/knadh/koanf/providers/confmap"
	"github.com/knadh/koanf/providers/file"
	"github.com/knadh/koanf/v2"

	"github.com/cacheurl/cacheurl/core"
	"github.com/cacheurl/cacheurl/koanfprovider"
	"github.com/cacheurl/cacheurl/viperhook"
)

var parsers = []struct {
	name, file string
	parser     koanf.Parser
}{
	{"yaml", "config.yaml", yaml.Parser()},
	{"json", "config.json", json.Parser()},
	{"toml", "config.toml", toml.Parser()},
}

// roundTripURLs cover every kind of value in the key layout.
var roundTripURLs = []string{
	"redis://:" + pw + "@cache:6379/1?key_prefix=app&timeout=300",
	"rediss+sentinel://u:" + pw + "@s1,s2:26380/mymaster/2?version=3&pool_size=10&sentinel_password=" + pw,
	"memcached://a:11211,b?timeout=none&max_entries=100&cull_frequency=0",
	"redis:///run/redis.sock/3?lib=redis-cache&key_function=app.key",
	"file:///var/tmp/cache",
	"locmem://",
}

// TestMarshalRoundTrip: the keys are plain values, so koanf's yaml, json
// and toml parsers marshal them, and the file loads back, with and without
// Expand, to the same config.
func TestMarshalRoundTrip(t *testing.T) {
	for _, p := range parsers {
		for _, url := range roundTripURLs {
			t.Run(p.name+" "+url, func(t *testing.T) {
				want, err := core.Parse(url)
				if err != nil {
					t.Fatal(err)
				}
				k := koanf.New(".")
				load(t, k, koanfprovider.Provider(url, ".", koanfprovider.Opt{}))
				b, err := k.Marshal(p.parser)
				if err != nil {
					t.Fatalf("Marshal: %v", err)
				}
				path := writeFile(t, p.file, string(b))

				k2 := koanf.New(".")
				if err := k2.Load(file.Provider(path), p.parser); err != nil {
					t.Fatalf("Load:\n%s\n%v", b, err)
				}
				wantConfig(t, unmarshal(t, k2, "cache"), want)
				load(t, k2, koanfprovider.Expand(k2, koanfprovider.Opt{}))
				wantConfig(t, unmarshal(t, k2, "cache"), want)
			})
		}
	}
}

// TestUnmarshalPlainString: a URL string where the config goes decodes with
// koanf's default Unmarshal (core.Config is a TextUnmarshaler), without
// any provider of this package.
func TestUnmarshalPlainString(t *testing.T) {
	url := "redis://:" + pw + "@cache:6379/1?key_prefix=app&timeout=300"
	want := core.Config{Scheme: "redis", Backend: core.BackendRedis, Topology: core.Standalone,
		Hosts: []string{"cache:6379"}, Password: pw, DB: 1, TTL: core.TTLSeconds(300), KeyPrefix: "app"}
	contents := map[string]string{
		"yaml": "cache: " + url + "\n",
		"json": `{"cache": "` + url + `"}`,
		"toml": `cache = "` + url + `"`,
	}
	for _, p := range parsers {
		t.Run(p.name, func(t *testing.T) {
			k := koanf.New(".")
			if err := k.Load(file.Provider(writeFile(t, p.file, contents[p.name])), p.parser); err != nil {
				t.Fatal(err)
			}
			wantConfig(t, unmarshal(t, k, "cache"), want)
		})
	}
	t.Run("in a struct", func(t *testing.T) {
		k := koanf.New(".")
		if err := k.Load(file.Provider(writeFile(t, "c.yaml", "name: web\ncache: "+url+"\n")), yaml.Parser()); err != nil {
			t.Fatal(err)
		}
		var app struct {
			Name  string      `koanf:"name"`
			Cache core.Config `koanf:"cache"`
		}
		if err := k.Unmarshal("", &app); err != nil {
			t.Fatal(err)
		}
		wantConfig(t, app.Cache, want)
	})
	t.Run("bad URL: the error is core's, redacted", func(t *testing.T) {
		k := koanf.New(".")
		if err := k.Load(file.Provider(writeFile(t, "c.yaml", "cache: redis://:"+pw+"@h:0\n")), yaml.Parser()); err != nil {
			t.Fatal(err)
		}
		var c core.Config
		err := k.Unmarshal("cache", &c)
		if err == nil || !strings.Contains(err.Error(), "xxxxx") || strings.Contains(err.Error(), pw) {
			t.Errorf("Unmarshal error = %v; want a redacted port error", err)
		}
	})
}

// TestUnmarshalNumberTTLNeedsExpand: core.TTL decodes from text, so a bare
// number (ttl: 60) does not decode with koanf's default Unmarshal; Expand
// normalises it to "60s".
func TestUnmarshalNumberTTLNeedsExpand(t *testing.T) {
	k := koanf.New(".")
	if err := k.Load(file.Provider(writeFile(t, "c.yaml", "cache:\n  url: redis://h\n  ttl: 60\n")), yaml.Parser()); err != nil {
		t.Fatal(err)
	}
	var c core.Config
	if err := k.Unmarshal("cache", &c); err == nil || !strings.Contains(err.Error(), "ttl") {
		t.Errorf("Unmarshal of ttl: 60 without Expand = %v, want an error naming ttl", err)
	}
	load(t, k, koanfprovider.Expand(k, koanfprovider.Opt{}))
	if got := k.String("cache.ttl"); got != "60s" {
		t.Errorf("cache.ttl = %q, want \"60s\"", got)
	}
	wantConfig(t, unmarshal(t, k, "cache"), core.Config{Scheme: "redis", Backend: core.BackendRedis,
		Topology: core.Standalone, Hosts: []string{"h:6379"}, TTL: core.TTLSeconds(60)})
}

// TestUnmarshalErrorUnused: the url key is not a core.Config field. The
// default Unmarshal ignores it; a decoder with ErrorUnused does not, and
// decoding a copy without the url works.
func TestUnmarshalErrorUnused(t *testing.T) {
	k := koanf.New(".")
	load(t, k, koanfprovider.Provider("redis://h/1", ".", koanfprovider.Opt{}))
	strict := func(c *core.Config) koanf.UnmarshalConf {
		return koanf.UnmarshalConf{DecoderConfig: &mapstructure.DecoderConfig{
			DecodeHook:  mapstructure.TextUnmarshallerHookFunc(),
			ErrorUnused: true,
			Result:      c,
			TagName:     "koanf",
		}}
	}
	var c core.Config
	if err := k.UnmarshalWithConf("cache", &c, strict(&c)); err == nil || !strings.Contains(err.Error(), "url") {
		t.Errorf("ErrorUnused: err = %v, want one naming url", err)
	}
	sub := k.Cut("cache")
	sub.Delete("url")
	c = core.Config{}
	if err := sub.UnmarshalWithConf("", &c, strict(&c)); err != nil {
		t.Fatal(err)
	}
	wantConfig(t, c, core.Config{Scheme: "redis", Backend: core.BackendRedis, Topology: core.Standalone,
		Hosts: []string{"h:6379"}, DB: 1})
}

// TestExpandNamed expands every caches.<name> of a YAML file.
func TestExpandNamed(t *testing.T) {
	config := `
caches:
  default:
    url: redis://:` + pw + `@cache:6379/0?timeout=300
    ttl: 60
  sessions: memcached://mc1:11211,mc2:11211
  pages:
    url: file:///var/tmp/pages
    max_entries: 500
  local:
    scheme: locmem
    path: local
`
	want := map[string]core.Config{
		"default": {Scheme: "redis", Backend: core.BackendRedis, Topology: core.Standalone,
			Hosts: []string{"cache:6379"}, Password: pw, TTL: core.TTLSeconds(60)},
		"sessions": {Scheme: "memcached", Backend: core.BackendMemcached, Hosts: []string{"mc1:11211", "mc2:11211"}},
		"pages":    {Scheme: "file", Backend: core.BackendFile, Path: "/var/tmp/pages", MaxEntries: intp(500)},
		"local":    {Scheme: "locmem", Backend: core.BackendLocmem, Path: "local"},
	}
	k := koanf.New(".")
	if err := k.Load(file.Provider(writeFile(t, "c.yaml", config)), yaml.Parser()); err != nil {
		t.Fatal(err)
	}
	load(t, k, koanfprovider.Expand(k, koanfprovider.Opt{Named: true}))
	var got map[string]core.Config
	if err := k.Unmarshal("caches", &got); err != nil {
		t.Fatal(err)
	}
	if len(got) != len(want) {
		t.Errorf("caches: %v, want %v", got, want)
	}
	for name := range want {
		wantConfig(t, got[name], want[name])
	}
	if got := k.String("caches.sessions.url"); got != "memcached://mc1:11211,mc2:11211" {
		t.Errorf("caches.sessions.url = %q", got)
	}
}

// TestExpandNamedNoDefault: a named map yields exactly the names it has;
// only the environment readers add "default".
func TestExpandNamedNoDefault(t *testing.T) {
	k := koanf.New(".")
	load(t, k, koanfprovider.Expand(k, koanfprovider.Opt{Named: true}))
	if got := k.Get("caches"); got != nil {
		t.Errorf("caches = %v, want nothing", got)
	}
	k = koanf.New(".")
	if err := k.Set("caches.Sessions", "redis://h"); err != nil {
		t.Fatal(err)
	}
	load(t, k, koanfprovider.Expand(k, koanfprovider.Opt{Named: true}))
	var got map[string]core.Config
	if err := k.Unmarshal("caches", &got); err != nil {
		t.Fatal(err)
	}
	if len(got) != 1 || got["sessions"].Scheme != "redis" {
		t.Errorf("caches = %v, want only sessions (lower-cased)", got)
	}
}

func TestExpandNamedErrors(t *testing.T) {
	tests := []struct {
		name     string
		yaml     string
		opt      koanfprovider.Opt
		key      string
		kind     *core.Kind
		contains []string
	}{
		{"bad URL names the cache's url key", "caches:\n  sessions:\n    url: redis://:" + pw + "@h:70000\n",
			koanfprovider.Opt{}, "caches.sessions.url", core.ErrInvalidPort, []string{"xxxxx"}},
		{"bad URL string names the cache", "caches:\n  sessions: redsi://h\n",
			koanfprovider.Opt{}, "caches.sessions", core.ErrUnknownScheme, nil},
		{"bad explicit key", "caches:\n  default:\n    url: redis://h\n    db: x\n",
			koanfprovider.Opt{}, "caches.default.db", core.ErrInvalidParameter, nil},
		{"strict: a named cache with no value", "caches:\n  sessions: \"\"\n",
			koanfprovider.Opt{Strict: true}, "caches.sessions", core.ErrNotSet, nil},
		{"two names equal but for case", "caches:\n  sessions: redis://a\n  Sessions: redis://b\n",
			koanfprovider.Opt{}, "caches.sessions", core.ErrDuplicateParameter, []string{`"Sessions" and "sessions"`}},
		{"caches not a map", "caches: redis://h\n",
			koanfprovider.Opt{}, "caches", core.ErrInvalidParameter, []string{"map of cache names"}},
		{"custom prefix", "app:\n  caches:\n    default:\n      url: redis://h:0\n",
			koanfprovider.Opt{Prefix: "app.caches"}, "app.caches.default.url", core.ErrInvalidPort, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			k := koanf.New(".")
			if err := k.Load(file.Provider(writeFile(t, "c.yaml", tt.yaml)), yaml.Parser()); err != nil {
				t.Fatal(err)
			}
			opt := tt.opt
			opt.Named = true
			_, err := koanfprovider.Expand(k, opt).Read()
			checkError(t, err, tt.key, tt.kind, tt.contains...)
		})
	}
}

// TestNamedRoundTrip: named caches from the environment, marshalled to
// YAML, loaded back and expanded, give the same caches as core.NamedFromEnv.
func TestNamedRoundTrip(t *testing.T) {
	env := []string{
		"CACHE_URL=redis://:" + pw + "@cache/0?timeout=300",
		"SESSIONS_CACHE_URL=memcached://mc1:11211,mc2?timeout=none",
		"PAGES_CACHE_URL=file:///var/tmp/pages?max_entries=500&cull_frequency=0",
	}
	want, err := core.NamedFromEnv(env)
	if err != nil {
		t.Fatal(err)
	}
	k := koanf.New(".")
	load(t, k, koanfprovider.Env(".", koanfprovider.Opt{Named: true, EnvironFunc: environ(env...)}))
	for _, p := range parsers {
		t.Run(p.name, func(t *testing.T) {
			b, err := k.Marshal(p.parser)
			if err != nil {
				t.Fatal(err)
			}
			k2 := koanf.New(".")
			if err := k2.Load(file.Provider(writeFile(t, p.file, string(b))), p.parser); err != nil {
				t.Fatal(err)
			}
			load(t, k2, koanfprovider.Expand(k2, koanfprovider.Opt{Named: true}))
			var got map[string]core.Config
			if err := k2.Unmarshal("caches", &got); err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, want) {
				t.Errorf("caches:\n got %v\nwant %v", got, want)
			}
		})
	}
}

// TestNoPasswordInErrors runs every provider on bad input carrying the
// password, in the URL and in explicit keys.
func TestNoPasswordInErrors(t *testing.T) {
	bad := []string{
		"redis://:" + pw + "@h:0",
		"redis://u:" + pw + "@h/1#x",
		"redis://u:" + pw + "@h/1?timeout=x",
		"redis://u:" + pw + "@h/x",
		"memcached://u:" + pw + "@/",
		"redsi://u:" + pw + "@h",
		"redis://u:" + pw + "@h?password=" + pw + "&password=1",
		"redis://u:" + pw + "@h?sentinel_password=" + pw + "&backend=x",
		"redis://u:" + pw + "@h\x01",
	}
	for _, url := range bad {
		var errs []error
		_, err := koanfprovider.Provider(url, ".", koanfprovider.Opt{}).Read()
		errs = append(errs, err)
		_, err = koanfprovider.Env(".", koanfprovider.Opt{EnvironFunc: environ("CACHE_URL=" + url)}).Read()
		errs = append(errs, err)
		_, err = koanfprovider.Env(".", koanfprovider.Opt{Named: true, EnvironFunc: environ("X_CACHE_URL=" + url)}).Read()
		errs = append(errs, err)
		k := koanf.New(".")
		if err := k.Set("cache.url", url); err != nil {
			t.Fatal(err)
		}
		_, err = koanfprovider.Expand(k, koanfprovider.Opt{}).Read()
		errs = append(errs, err)
		for i, err := range errs {
			if err == nil {
				t.Errorf("%q: provider %d: no error", url, i)
			} else if strings.Contains(err.Error(), pw) {
				t.Errorf("%q: provider %d: error contains the password: %v", url, i, err)
			}
		}
	}
	// Explicit keys that carry the password and do not fit.
	for _, keys := range []map[string]any{
		{"cache.url": "redis://h", "cache.password": pw, "cache.backend": "memcached"},
		{"cache.url": "redis://h", "cache.password": map[string]any{"v": pw}},
		{"cache.url": "redis://h", "cache.options.password": []any{pw}},
		{"cache.url": "redis://h", "cache.options.sentinel_password": pw, "cache.tls": true},
		{"cache.scheme": "nope", "cache.password": pw},
	} {
		k := koanf.New(".")
		for key, v := range keys {
			if err := k.Set(key, v); err != nil {
				t.Fatal(err)
			}
		}
		_, err := koanfprovider.Expand(k, koanfprovider.Opt{}).Read()
		if err == nil {
			t.Errorf("%v: no error", keys)
		} else if strings.Contains(err.Error(), pw) {
			t.Errorf("%v: error contains the password: %v", keys, err)
		}
	}
}

// TestUnmarshalWithHookAfterExpand: the keys Expand writes (typed values,
// null for keys that are gone) decode to the same config through koanf's
// default Unmarshal and through UnmarshalWithConf with viperhook's hook.
func TestUnmarshalWithHookAfterExpand(t *testing.T) {
	k := koanf.New(".")
	load(t, k, confmap.Provider(map[string]any{"cache.url": "redis:///run/r.sock?pool_size=3", "cache.db": 0}, "."))
	load(t, k, koanfprovider.Expand(k, koanfprovider.Opt{}))
	load(t, k, confmap.Provider(map[string]any{"cache.url": "rediss://:" + pw + "@h:6380/2?timeout=10"}, "."))
	load(t, k, koanfprovider.Expand(k, koanfprovider.Opt{}))
	want := unmarshal(t, k, "cache")
	if got := core.Format(want); got != "rediss://:"+pw+"@h:6380/2?timeout=10" {
		t.Fatalf("Unmarshal: %s", got)
	}
	var c core.Config
	err := k.UnmarshalWithConf("cache", &c, koanf.UnmarshalConf{DecoderConfig: &mapstructure.DecoderConfig{
		DecodeHook: viperhook.Hook(), Result: &c, WeaklyTypedInput: true, TagName: "koanf"}})
	if err != nil {
		t.Fatal(err)
	}
	wantConfig(t, c, want)
}

// TestMarshalRoundTripAfterLayers: after layers that leave keys gone (the
// socket of an earlier URL, its options), k.Marshal writes a file that
// loads again to the same config, with each parser.
func TestMarshalRoundTripAfterLayers(t *testing.T) {
	for _, p := range parsers {
		t.Run(p.name, func(t *testing.T) {
			k := koanf.New(".")
			load(t, k, confmap.Provider(map[string]any{"cache.url": "redis:///run/r.sock?pool_size=3&password=" + pw, "cache.ttl": 60}, "."))
			load(t, k, koanfprovider.Expand(k, koanfprovider.Opt{}))
			load(t, k, confmap.Provider(map[string]any{"cache.url": "memcached://m1,m2:11212"}, "."))
			load(t, k, koanfprovider.Expand(k, koanfprovider.Opt{}))
			want := unmarshal(t, k, "cache")
			if got := core.Format(want); got != "memcached://m1,m2:11212?timeout=60" {
				t.Fatalf("layers: %s", got)
			}
			b, err := k.Marshal(p.parser)
			if err != nil {
				t.Fatalf("Marshal: %v", err)
			}
			k2 := koanf.New(".")
			if err := k2.Load(file.Provider(writeFile(t, p.file, string(b))), p.parser); err != nil {
				t.Fatalf("Load:\n%s\n%v", b, err)
			}
			load(t, k2, koanfprovider.Expand(k2, koanfprovider.Opt{}))
			wantConfig(t, unmarshal(t, k2, "cache"), want)
		})
	}
}
