package koanfprovider_test

import (
	"errors"
	"reflect"
	"testing"

	"github.com/knadh/koanf/v2"

	"github.com/cacheurl/cacheurl/core"
	"github.com/cacheurl/cacheurl/koanfprovider"
)

func TestEnv(t *testing.T) {
	redis := core.Config{Scheme: "redis", Backend: core.BackendRedis, Topology: core.Standalone,
		Hosts: []string{"cache:6379"}, Password: pw, DB: 1, TTL: core.TTLSeconds(300)}
	locmem := core.Config{Scheme: "locmem", Backend: core.BackendLocmem}
	tests := []struct {
		name    string
		env     []string
		opt     koanfprovider.Opt
		prefix  string
		want    core.Config
		wantURL string
	}{
		{"CACHE_URL", []string{"CACHE_URL=redis://:" + pw + "@cache/1?timeout=300", "OTHER=x"}, koanfprovider.Opt{},
			"cache", redis, "redis://:" + pw + "@cache/1?timeout=300"},
		// Unset, Env contributes nothing (no url key); Expand, loaded after
		// it, gives the default.
		{"unset is locmem://", []string{"OTHER=x"}, koanfprovider.Opt{}, "cache", locmem, ""},
		{"empty is locmem://", []string{"CACHE_URL="}, koanfprovider.Opt{}, "cache", locmem, ""},
		{"blank is locmem://", []string{"CACHE_URL= \t"}, koanfprovider.Opt{}, "cache", locmem, ""},
		{"value trimmed", []string{"CACHE_URL= locmem:// \n"}, koanfprovider.Opt{}, "cache", locmem, "locmem://"},
		{"custom default", nil, koanfprovider.Opt{Default: "dummy://"}, "cache",
			core.Config{Scheme: "dummy", Backend: core.BackendDummy}, ""},
		{"custom variable and prefix", []string{"CACHE_URL=dummy://", "REDIS_URL=redis://:" + pw + "@cache/1?timeout=300"},
			koanfprovider.Opt{Env: "REDIS_URL", Prefix: "app.redis"}, "app.redis", redis, "redis://:" + pw + "@cache/1?timeout=300"},
		{"last of a repeated variable", []string{"CACHE_URL=dummy://", "CACHE_URL=locmem://"}, koanfprovider.Opt{},
			"cache", locmem, "locmem://"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			opt := tt.opt
			opt.EnvironFunc = environ(tt.env...)
			k := koanf.New(".")
			load(t, k, koanfprovider.Env(".", opt))
			if got := k.String(tt.prefix + ".url"); got != tt.wantURL {
				t.Errorf("%s.url = %q, want %q", tt.prefix, got, tt.wantURL)
			}
			load(t, k, koanfprovider.Expand(k, opt))
			wantConfig(t, unmarshal(t, k, tt.prefix), tt.want)
		})
	}
}

// TestEnvUnsetContributesNothing: an unset or empty CACHE_URL is not set,
// so Env's Read is empty and an earlier source's cache stays as it was.
func TestEnvUnsetContributesNothing(t *testing.T) {
	for _, env := range [][]string{nil, {"CACHE_URL="}, {"CACHE_URL= "}} {
		m, err := koanfprovider.Env(".", koanfprovider.Opt{EnvironFunc: environ(env...)}).Read()
		if err != nil || len(m) != 0 {
			t.Errorf("%q: Read = %v, %v; want nothing", env, m, err)
		}
	}
}

func TestEnvErrors(t *testing.T) {
	t.Run("strict and unset", func(t *testing.T) {
		_, err := koanfprovider.Env(".", koanfprovider.Opt{Strict: true, EnvironFunc: environ("CACHE_URL= ")}).Read()
		checkError(t, err, "cache", core.ErrNotSet, "CACHE_URL environment variable is not set")
	})
	t.Run("strict names the custom variable", func(t *testing.T) {
		_, err := koanfprovider.Env(".", koanfprovider.Opt{Strict: true, Env: "APP_CACHE", EnvironFunc: environ()}).Read()
		checkError(t, err, "cache", core.ErrNotSet, "APP_CACHE environment variable is not set")
	})
	t.Run("bad URL names the variable", func(t *testing.T) {
		_, err := koanfprovider.Env(".", koanfprovider.Opt{EnvironFunc: environ("CACHE_URL=redis://:" + pw + "@cache:99999/1")}).Read()
		checkError(t, err, "cache", core.ErrInvalidPort, "CACHE_URL: ", `"redis://:xxxxx@cache:99999/1"`)
		var ee *core.EnvError
		if !errors.As(err, &ee) || ee.Var != "CACHE_URL" {
			t.Errorf("errors.As(*core.EnvError) = %v, Var %q; want CACHE_URL", ee != nil, ee.Var)
		}
	})
	t.Run("bad default", func(t *testing.T) {
		k := koanf.New(".")
		load(t, k, koanfprovider.Env(".", koanfprovider.Opt{Default: "nope://", EnvironFunc: environ()}))
		_, err := koanfprovider.Expand(k, koanfprovider.Opt{Default: "nope://"}).Read()
		checkError(t, err, "cache", core.ErrUnknownScheme)
	})
}

// TestEnvOS reads the real environment (EnvironFunc nil), and agrees with
// core.FromEnv on it.
func TestEnvOS(t *testing.T) {
	t.Setenv("CACHE_URL", "memcached://u:"+pw+"@mc1:11211,mc2:11212?timeout=60")
	k := koanf.New(".")
	load(t, k, koanfprovider.Env(".", koanfprovider.Opt{}))
	want, err := core.FromEnv("", "")
	if err != nil {
		t.Fatal(err)
	}
	wantConfig(t, unmarshal(t, k, "cache"), want)
	wantConfig(t, want, core.Config{Scheme: "memcached", Backend: core.BackendMemcached,
		Hosts: []string{"mc1:11211", "mc2:11212"}, Username: "u", Password: pw, TTL: core.TTLSeconds(60)})
}

func TestEnvNamed(t *testing.T) {
	env := []string{
		"CACHE_URL=redis://:" + pw + "@cache/0",
		"SESSIONS_CACHE_URL=memcached://mc1:11211,mc2:11211",
		"Pages_CACHE_URL=file:///var/tmp/pages?max_entries=500",
		"EMPTY_CACHE_URL=",
		"_CACHE_URL=locmem://ignored-not-a-name",
		"CACHE_URL_OTHER=dummy://",
		"HOME=/root",
	}
	want := map[string]core.Config{
		"default": {Scheme: "redis", Backend: core.BackendRedis, Topology: core.Standalone,
			Hosts: []string{"cache:6379"}, Password: pw},
		"sessions": {Scheme: "memcached", Backend: core.BackendMemcached, Hosts: []string{"mc1:11211", "mc2:11211"}},
		"pages":    {Scheme: "file", Backend: core.BackendFile, Path: "/var/tmp/pages", MaxEntries: intp(500)},
	}
	k := koanf.New(".")
	load(t, k, koanfprovider.Env(".", koanfprovider.Opt{Named: true, EnvironFunc: environ(env...)}))

	var got map[string]core.Config
	if err := k.Unmarshal("caches", &got); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("caches:\n got %v\nwant %v", got, want)
		for name := range want {
			wantConfig(t, got[name], want[name])
		}
	}
	// The same caches as core's own reading of docs/environment.md.
	fromCore, err := core.NamedFromEnv(env)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, fromCore) {
		t.Errorf("differs from core.NamedFromEnv:\n got %v\ncore %v", got, fromCore)
	}
	if got := k.MapKeys("caches"); !reflect.DeepEqual(got, []string{"default", "pages", "sessions"}) {
		t.Errorf("caches = %v", got)
	}
	if got := k.String("caches.sessions.url"); got != "memcached://mc1:11211,mc2:11211" {
		t.Errorf("caches.sessions.url = %q", got)
	}
}

func TestEnvNamedDefaults(t *testing.T) {
	t.Run("default cache is locmem:// when CACHE_URL is unset", func(t *testing.T) {
		k := koanf.New(".")
		load(t, k, koanfprovider.Env(".", koanfprovider.Opt{Named: true, EnvironFunc: environ("X_CACHE_URL=dummy://")}))
		if got := k.MapKeys("caches"); !reflect.DeepEqual(got, []string{"default", "x"}) {
			t.Fatalf("caches = %v", got)
		}
		load(t, k, koanfprovider.Expand(k, koanfprovider.Opt{Named: true}))
		wantConfig(t, unmarshal(t, k, "caches.default"), core.Config{Scheme: "locmem", Backend: core.BackendLocmem})
		wantConfig(t, unmarshal(t, k, "caches.x"), core.Config{Scheme: "dummy", Backend: core.BackendDummy})
	})
	t.Run("custom variable name and prefix", func(t *testing.T) {
		k := koanf.New(".")
		load(t, k, koanfprovider.Env(".", koanfprovider.Opt{Named: true, Env: "CACHE", Prefix: "app.caches",
			EnvironFunc: environ("CACHE=dummy://", "SESSIONS_CACHE=locmem://s", "SESSIONS_CACHE_URL=db://t")}))
		if got := k.MapKeys("app.caches"); !reflect.DeepEqual(got, []string{"default", "sessions"}) {
			t.Fatalf("app.caches = %v", got)
		}
		wantConfig(t, unmarshal(t, k, "app.caches.sessions"), core.Config{Scheme: "locmem", Backend: core.BackendLocmem, Path: "s"})
	})
}

func TestEnvNamedErrors(t *testing.T) {
	tests := []struct {
		name     string
		opt      koanfprovider.Opt
		env      []string
		key      string
		kind     *core.Kind
		contains []string
	}{
		{"strict without CACHE_URL", koanfprovider.Opt{Strict: true}, []string{"X_CACHE_URL=locmem://"},
			"caches.default", core.ErrNotSet, []string{"CACHE_URL environment variable is not set"}},
		{"one cache named twice", koanfprovider.Opt{}, []string{"FOO_CACHE_URL=locmem://", "foo_CACHE_URL=dummy://"},
			"caches.foo", core.ErrDuplicateParameter, []string{"FOO_CACHE_URL", "foo_CACHE_URL"}},
		{"bad URL", koanfprovider.Opt{}, []string{"CACHE_URL=locmem://", "SESSIONS_CACHE_URL=redis://u:" + pw + "@h:0"},
			"caches.sessions", core.ErrInvalidPort, []string{"SESSIONS_CACHE_URL: ", "xxxxx"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			opt := tt.opt
			opt.Named = true
			opt.EnvironFunc = environ(tt.env...)
			_, err := koanfprovider.Env(".", opt).Read()
			checkError(t, err, tt.key, tt.kind, tt.contains...)
		})
	}
}
