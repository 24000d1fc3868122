package viperhook_test

import (
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/cacheurl/cacheurl/core"
	"github.com/cacheurl/cacheurl/viperhook"
	"github.com/go-viper/mapstructure/v2"
	"github.com/spf13/pflag"
	"github.com/spf13/viper"
)

// appConfig is a typical application config: cache configs beside fields
// that viper's default hooks decode (durations, slices).
type appConfig struct {
	Server struct {
		Addr         string        `mapstructure:"addr"`
		ReadTimeout  time.Duration `mapstructure:"read_timeout"`
		AllowedHosts []string      `mapstructure:"allowed_hosts"`
		Tags         []string      `mapstructure:"tags"`  // a comma-separated string
		Ports        []int         `mapstructure:"ports"` // a comma-separated string
	} `mapstructure:"server"`
	Cache   core.Config            `mapstructure:"cache"`
	Session *core.Config           `mapstructure:"session"`
	Caches  map[string]core.Config `mapstructure:"caches"`
}

// The three files below hold the same config; wantApp is what each decodes
// to (docs/grammar.md: redis hosts get port 6379 and the standalone
// topology, memcached hosts keep their ports as written).
var configFiles = map[string]string{
	"config.yaml": `
server:
  addr: ":8080"
  read_timeout: 5s
  allowed_hosts: [a.example, b.example]
  tags: "x,y"
  ports: "80,443"
cache: redis://:pw@cache:6379/1?key_prefix=app&timeout=300
session:
  url: memcached://m1:11211,m2
  ttl: 1m
caches:
  default: locmem://
  sessions:
    url: redis://sessions/2
    ttl: 60
    options: {pool_size: 20}
`,
	"config.json": `{
  "server": {"addr": ":8080", "read_timeout": "5s", "allowed_hosts": ["a.example", "b.example"], "tags": "x,y", "ports": "80,443"},
  "cache": "redis://:pw@cache:6379/1?key_prefix=app&timeout=300",
  "session": {"url": "memcached://m1:11211,m2", "ttl": "1m"},
  "caches": {
    "default": "locmem://",
    "sessions": {"url": "redis://sessions/2", "ttl": 60, "options": {"pool_size": 20}}
  }
}`,
	"config.toml": `
cache = "redis://:pw@cache:6379/1?key_prefix=app&timeout=300"

[server]
addr = ":8080"
read_timeout = "5s"
allowed_hosts = ["a.example", "b.example"]
tags = "x,y"
ports = "80,443"

[session]
url = "memcached://m1:11211,m2"
ttl = "1m"

[caches]
default = "locmem://"

[caches.sessions]
url = "redis://sessions/2"
ttl = 60
options = { pool_size = 20 }
`,
}

func wantApp() appConfig {
	var a appConfig
	a.Server.Addr = ":8080"
	a.Server.ReadTimeout = 5 * time.Second
	a.Server.AllowedHosts = []string{"a.example", "b.example"}
	a.Server.Tags = []string{"x", "y"}
	a.Server.Ports = []int{80, 443}
	a.Cache = core.Config{Scheme: "redis", Backend: core.BackendRedis, Topology: core.Standalone,
		Hosts: []string{"cache:6379"}, Password: "pw", DB: 1, TTL: core.TTLSeconds(300), KeyPrefix: "app"}
	a.Session = &core.Config{Scheme: "memcached", Backend: core.BackendMemcached,
		Hosts: []string{"m1:11211", "m2"}, TTL: core.TTLSeconds(60)}
	a.Caches = map[string]core.Config{
		"default": {Scheme: "locmem", Backend: core.BackendLocmem},
		"sessions": {Scheme: "redis", Backend: core.BackendRedis, Topology: core.Standalone,
			Hosts: []string{"sessions:6379"}, DB: 2, TTL: core.TTLSeconds(60),
			Options: map[string]string{"pool_size": "20"}},
	}
	return a
}

func checkApp(t *testing.T, got, want appConfig) {
	t.Helper()
	if !reflect.DeepEqual(got.Server, want.Server) {
		t.Errorf("server: got %+v, want %+v", got.Server, want.Server)
	}
	checkConfig(t, got.Cache, want.Cache)
	switch {
	case (got.Session == nil) != (want.Session == nil):
		t.Errorf("session: got %v, want %v", got.Session, want.Session)
	case got.Session != nil:
		checkConfig(t, *got.Session, *want.Session)
	}
	if len(got.Caches) != len(want.Caches) {
		t.Errorf("caches: got %d (%v), want %d", len(got.Caches), got.Caches, len(want.Caches))
	}
	for name, w := range want.Caches {
		checkConfig(t, got.Caches[name], w)
	}
}

// readFile returns a viper that has read the named file from configFiles.
func readFile(t *testing.T, name string) *viper.Viper {
	t.Helper()
	path := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(path, []byte(configFiles[name]), 0o600); err != nil {
		t.Fatal(err)
	}
	v := viper.New()
	v.SetConfigFile(path)
	if err := v.ReadInConfig(); err != nil {
		t.Fatal(err)
	}
	return v
}

func TestViperFiles(t *testing.T) {
	for _, name := range []string{"config.yaml", "config.json", "config.toml"} {
		t.Run(name, func(t *testing.T) {
			v := readFile(t, name)
			var got appConfig
			if err := v.Unmarshal(&got, viperhook.DecoderOption()); err != nil {
				t.Fatal(err)
			}
			checkApp(t, got, wantApp())

			// UnmarshalExact: the keys inside a cache map are the hook's, not
			// unused keys.
			var exact appConfig
			if err := v.UnmarshalExact(&exact, viperhook.DecoderOption()); err != nil {
				t.Fatal(err)
			}
			checkApp(t, exact, wantApp())

			// UnmarshalKey straight into a core.Config.
			var sessions core.Config
			if err := v.UnmarshalKey("caches.sessions", &sessions, viperhook.DecoderOption()); err != nil {
				t.Fatal(err)
			}
			checkConfig(t, sessions, wantApp().Caches["sessions"])
		})
	}
}

// TestViperWithoutOption records what viper v1.21 does without this
// package: its default hooks (duration, string-to-slice) have no
// TextUnmarshaler hook, so a URL string cannot become a core.Config.
func TestViperWithoutOption(t *testing.T) {
	v := readFile(t, "config.yaml")
	var got appConfig
	err := v.Unmarshal(&got)
	if err == nil {
		t.Fatal("no error decoding URL strings into core.Config without the option")
	}
	for _, want := range []string{`'cache' expected a map or struct, got "string"`, `'caches[default]' expected a map or struct`} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not contain %q", err, want)
		}
	}

	// With mapstructure's TextUnmarshaler hook alone, URL strings decode
	// (through Config.UnmarshalText), but a map's url key is silently
	// dropped: mapstructure ignores keys that are not fields.
	var text struct {
		Cache   core.Config  `mapstructure:"cache"`
		Session *core.Config `mapstructure:"session"`
	}
	if err := v.Unmarshal(&text, viper.DecodeHook(mapstructure.TextUnmarshallerHookFunc())); err != nil {
		t.Fatal(err)
	}
	checkConfig(t, text.Cache, wantApp().Cache)
	if text.Session == nil || text.Session.Scheme != "" || len(text.Session.Hosts) != 0 {
		t.Errorf("session without the hook: got %+v, want the url dropped", text.Session)
	}
}

// TestViperDecodeHookTrap: viper.DecodeHook replaces viper's default hooks,
// so the hook alone breaks durations and comma-separated slices;
// DecoderOption keeps them.
func TestViperDecodeHookTrap(t *testing.T) {
	v := readFile(t, "config.yaml")
	var got appConfig
	err := v.Unmarshal(&got, viper.DecodeHook(viperhook.Hook()))
	if err == nil || !strings.Contains(err.Error(), "'server.read_timeout' cannot parse value as 'time.Duration'") {
		t.Errorf("viper.DecodeHook(Hook()) alone: got error %v, want one for server.read_timeout", err)
	}

	// The explicit chain of the README: duration and []string work, but
	// mapstructure's StringToSliceHookFunc splits only into []string, where
	// viper's own default also splits "80,443" into []int.
	explicit := viper.DecodeHook(mapstructure.ComposeDecodeHookFunc(
		viperhook.Hook(),
		mapstructure.StringToTimeDurationHookFunc(),
		mapstructure.StringToSliceHookFunc(","),
	))
	got = appConfig{}
	err = v.Unmarshal(&got, explicit)
	if err == nil || !strings.Contains(err.Error(), "'server.ports[0]'") {
		t.Errorf("explicit chain: got error %v, want one for server.ports", err)
	}
	want := wantApp()
	want.Server.Ports = nil
	v.Set("server.ports", []int{80, 443})
	got = appConfig{}
	if err := v.Unmarshal(&got, explicit); err != nil {
		t.Fatal(err)
	}
	want.Server.Ports = []int{80, 443}
	checkApp(t, got, want)
}

// TestViperOptionOrder: DecoderOption composes with a viper.DecodeHook
// given before it; a viper.DecodeHook given after it replaces it.
func TestViperOptionOrder(t *testing.T) {
	type secs int
	// A user hook: "Ns" into secs.
	userHook := func(f, to reflect.Type, data any) (any, error) {
		if to != reflect.TypeOf(secs(0)) || f.Kind() != reflect.String {
			return data, nil
		}
		d, err := time.ParseDuration(data.(string))
		return secs(d / time.Second), err
	}
	v := viper.New()
	v.Set("cache", "locmem://x")
	v.Set("grace", "90s")
	type cfg struct {
		Cache core.Config `mapstructure:"cache"`
		Grace secs        `mapstructure:"grace"`
	}
	var got cfg
	if err := v.Unmarshal(&got, viper.DecodeHook(userHook), viperhook.DecoderOption()); err != nil {
		t.Fatal(err)
	}
	if got.Grace != 90 || got.Cache.Path != "x" {
		t.Errorf("DecodeHook then DecoderOption: got %+v, want grace 90 and cache path x", got)
	}
	got = cfg{}
	err := v.Unmarshal(&got, viperhook.DecoderOption(), viper.DecodeHook(userHook))
	if err == nil || !strings.Contains(err.Error(), "'cache'") {
		t.Errorf("DecoderOption then DecodeHook: got %v, want an error for 'cache' (the hook was replaced)", err)
	}

	// viper.WithDecodeHook sets the instance's hook; DecoderOption keeps it.
	v = viper.NewWithOptions(viper.WithDecodeHook(userHook))
	v.Set("cache", "locmem://y")
	v.Set("grace", "2m")
	got = cfg{}
	if err := v.Unmarshal(&got, viperhook.DecoderOption()); err != nil {
		t.Fatal(err)
	}
	if got.Grace != 120 || got.Cache.Path != "y" {
		t.Errorf("WithDecodeHook: got %+v, want grace 120 and cache path y", got)
	}

	// Applying the option twice is harmless.
	got = cfg{}
	if err := v.Unmarshal(&got, viperhook.DecoderOption(), viperhook.DecoderOption()); err != nil || got.Cache.Path != "y" {
		t.Errorf("option twice: got %+v, %v", got, err)
	}
}

type envConfig struct {
	CacheURL core.Config `mapstructure:"cache_url"`
	Cache    core.Config `mapstructure:"cache"`
}

// TestViperEnv: CACHE_URL from the environment, and the documented trap:
// viper's Unmarshal sees only keys it knows of, so an environment variable
// that AutomaticEnv would find but that no file, default or BindEnv
// mentions is invisible to Unmarshal.
func TestViperEnv(t *testing.T) {
	const url = "redis://:pw@env-cache:6380/3"
	want := core.Config{Scheme: "redis", Backend: core.BackendRedis, Topology: core.Standalone,
		Hosts: []string{"env-cache:6380"}, Password: "pw", DB: 3}
	t.Setenv("CACHE_URL", url)

	t.Run("AutomaticEnv alone is invisible", func(t *testing.T) {
		v := viper.New()
		v.AutomaticEnv()
		if got := v.GetString("cache_url"); got != url {
			t.Fatalf("GetString: got %q, want %q", got, url)
		}
		var got envConfig
		if err := v.Unmarshal(&got, viperhook.DecoderOption()); err != nil {
			t.Fatal(err)
		}
		// Viper's Unmarshal does not see AutomaticEnv values; a missing
		// cache is the default, never a zero Config.
		checkConfig(t, got.CacheURL, core.Config{Scheme: "locmem", Backend: core.BackendLocmem})
	})
	t.Run("AutomaticEnv with SetDefault", func(t *testing.T) {
		v := viper.New()
		v.AutomaticEnv()
		v.SetDefault("cache_url", "locmem://")
		var got envConfig
		if err := v.Unmarshal(&got, viperhook.DecoderOption()); err != nil {
			t.Fatal(err)
		}
		checkConfig(t, got.CacheURL, want)
	})
	t.Run("BindEnv", func(t *testing.T) {
		v := viper.New()
		if err := v.BindEnv("cache", "CACHE_URL"); err != nil {
			t.Fatal(err)
		}
		var got envConfig
		if err := v.Unmarshal(&got, viperhook.DecoderOption()); err != nil {
			t.Fatal(err)
		}
		checkConfig(t, got.Cache, want)
	})
	t.Run("BindEnv overrides the file", func(t *testing.T) {
		v := readFile(t, "config.yaml")
		if err := v.BindEnv("cache", "CACHE_URL"); err != nil {
			t.Fatal(err)
		}
		var got appConfig
		if err := v.Unmarshal(&got, viperhook.DecoderOption()); err != nil {
			t.Fatal(err)
		}
		w := wantApp()
		w.Cache = want
		checkApp(t, got, w)
	})
	t.Run("env strings into map keys", func(t *testing.T) {
		t.Setenv("SESSIONS_CACHE_TTL", "45")
		t.Setenv("SESSIONS_CACHE_DB", "4")
		t.Setenv("SESSIONS_CACHE_HOSTS", "r1:7000, r2")
		v := readFile(t, "config.yaml")
		for key, env := range map[string]string{"caches.sessions.ttl": "SESSIONS_CACHE_TTL",
			"caches.sessions.db": "SESSIONS_CACHE_DB", "caches.sessions.hosts": "SESSIONS_CACHE_HOSTS"} {
			if err := v.BindEnv(key, env); err != nil {
				t.Fatal(err)
			}
		}
		var got appConfig
		if err := v.Unmarshal(&got, viperhook.DecoderOption()); err != nil {
			t.Fatal(err)
		}
		w := wantApp()
		s := w.Caches["sessions"]
		s.TTL, s.DB, s.Hosts = core.TTLSeconds(45), 4, []string{"r1:7000", "r2:6379"}
		w.Caches["sessions"] = s
		checkApp(t, got, w)
	})
	t.Run("empty env falls back to the default", func(t *testing.T) {
		t.Setenv("CACHE_URL", "")
		v := viper.New()
		if err := v.BindEnv("cache", "CACHE_URL"); err != nil {
			t.Fatal(err)
		}
		v.SetDefault("cache", "locmem://")
		var got envConfig
		if err := v.Unmarshal(&got, viperhook.DecoderOption()); err != nil {
			t.Fatal(err)
		}
		checkConfig(t, got.Cache, core.Config{Scheme: "locmem", Backend: core.BackendLocmem})
	})
}

// TestViperDefault: SetDefault with locmem:// (django-cache-url's default).
func TestViperDefault(t *testing.T) {
	v := viper.New()
	v.SetDefault("cache", "locmem://")
	var got appConfig
	if err := v.Unmarshal(&got, viperhook.DecoderOption()); err != nil {
		t.Fatal(err)
	}
	checkConfig(t, got.Cache, core.Config{Scheme: "locmem", Backend: core.BackendLocmem})
	if got.Session != nil || got.Caches != nil {
		t.Errorf("keys not given: got session %v, caches %v, want nil", got.Session, got.Caches)
	}

	// A file overrides the default.
	v = readFile(t, "config.yaml")
	v.SetDefault("cache", "locmem://")
	got = appConfig{}
	if err := v.Unmarshal(&got, viperhook.DecoderOption()); err != nil {
		t.Fatal(err)
	}
	checkApp(t, got, wantApp())
}

// TestViperFlags: pflag flags bound with BindPFlags.
func TestViperFlags(t *testing.T) {
	type cfg struct {
		Cache   core.Config   `mapstructure:"cache"`
		Timeout time.Duration `mapstructure:"timeout"`
		Hosts   []string      `mapstructure:"hosts"`
	}
	newFlags := func() *pflag.FlagSet {
		fs := pflag.NewFlagSet("app", pflag.ContinueOnError)
		fs.String("cache", "locmem://", "cache URL")
		fs.Duration("timeout", time.Second, "request timeout")
		fs.StringSlice("hosts", nil, "allowed hosts")
		return fs
	}
	tests := []struct {
		args []string
		want cfg
	}{
		{[]string{"--cache=redis://:pw@flag-cache/5?timeout=30", "--timeout=2s", "--hosts=a,b"}, cfg{
			Cache: core.Config{Scheme: "redis", Backend: core.BackendRedis, Topology: core.Standalone,
				Hosts: []string{"flag-cache:6379"}, Password: "pw", DB: 5, TTL: core.TTLSeconds(30)},
			Timeout: 2 * time.Second, Hosts: []string{"a", "b"}}},
		{nil, cfg{Cache: core.Config{Scheme: "locmem", Backend: core.BackendLocmem}, Timeout: time.Second, Hosts: []string{}}},
	}
	for _, tt := range tests {
		t.Run(strings.Join(tt.args, " "), func(t *testing.T) {
			fs := newFlags()
			if err := fs.Parse(tt.args); err != nil {
				t.Fatal(err)
			}
			v := viper.New()
			if err := v.BindPFlags(fs); err != nil {
				t.Fatal(err)
			}
			var got cfg
			if err := v.Unmarshal(&got, viperhook.DecoderOption()); err != nil {
				t.Fatal(err)
			}
			checkConfig(t, got.Cache, tt.want.Cache)
			if got.Timeout != tt.want.Timeout || !reflect.DeepEqual(got.Hosts, tt.want.Hosts) {
				t.Errorf("got timeout %v hosts %#v, want %v %#v", got.Timeout, got.Hosts, tt.want.Timeout, tt.want.Hosts)
			}
		})
	}
}

// TestViperErrors: a bad config names the key path and the kind, and never
// shows the password.
func TestViperErrors(t *testing.T) {
	tests := []struct {
		name string
		set  map[string]any
		kind *core.Kind
		has  []string
	}{
		{"bad port", map[string]any{"cache": "redis://:" + secret + "@cache:99999/0"},
			core.ErrInvalidPort, []string{"'cache'", `cache: port "99999"`, `"redis://:xxxxx@cache:99999/0"`}},
		{"named cache", map[string]any{"caches.sessions": "rediss://:" + secret + "@h/0?timeout=soon"},
			core.ErrInvalidParameter, []string{"'caches'", `caches.sessions: timeout "soon"`}},
		{"pointer", map[string]any{"session.url": "memcached://u:" + secret + "@m", "session.db": "2"},
			core.ErrInvalidPath, []string{"'session'", "session.db: is set but memcached is not a redis scheme"}},
		{"typo in a map", map[string]any{"caches.sessions.url": "redis://:" + secret + "@h", "caches.sessions.tll": "60s"},
			core.ErrInvalidParameter, []string{"'caches'", `caches.sessions.tll: unknown key "tll"`, `did you mean "tls" or "ttl"?`}},
		{"unescaped # in password", map[string]any{"cache": "redis://:" + secret + "#x@h/0"},
			core.ErrFragment, []string{"'cache'", "%23"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			v := viper.New()
			for k, val := range tt.set {
				v.Set(k, val)
			}
			var got appConfig
			err := v.Unmarshal(&got, viperhook.DecoderOption())
			checkErr(t, err, tt.kind, tt.has...)
			var de interface{ Name() string }
			if !errors.As(err, &de) {
				t.Errorf("error %q does not wrap a mapstructure DecodeError", err)
			}
		})
	}
}
