package koanfprovider_test

import (
	"errors"
	"io/fs"
	"path/filepath"
	"testing"

	"github.com/knadh/koanf/v2"

	"github.com/cacheurl/cacheurl/core"
	"github.com/cacheurl/cacheurl/koanfprovider"
)

// TestEnvFiles reads secrets from real files: CACHE_URL_FILE,
// <NAME>_CACHE_URL_FILE and CACHE_PASSWORD[_FILE], as core.FromEnv and
// core.NamedFromEnv do.
func TestEnvFiles(t *testing.T) {
	urlFile := writeFile(t, "cache_url", "  redis://:"+pw+"@cache/1?timeout=300\n")
	nopw := writeFile(t, "sessions_url", "memcached://mc:11211\n")
	pwFile := writeFile(t, "password", pw+"\n")
	redis := core.Config{Scheme: "redis", Backend: core.BackendRedis, Topology: core.Standalone,
		Hosts: []string{"cache:6379"}, Password: pw, DB: 1, TTL: core.TTLSeconds(300)}

	t.Run("CACHE_URL_FILE", func(t *testing.T) {
		k := koanf.New(".")
		load(t, k, koanfprovider.Env(".", koanfprovider.Opt{EnvironFunc: environ("CACHE_URL_FILE=" + urlFile)}))
		wantConfig(t, unmarshal(t, k, "cache"), redis)
		if got := k.String("cache.url"); got != "redis://:"+pw+"@cache/1?timeout=300" {
			t.Errorf("cache.url = %q", got)
		}
	})
	t.Run("CACHE_PASSWORD_FILE", func(t *testing.T) {
		k := koanf.New(".")
		load(t, k, koanfprovider.Env(".", koanfprovider.Opt{EnvironFunc: environ("CACHE_URL=redis://cache/1?timeout=300", "CACHE_PASSWORD_FILE="+pwFile)}))
		wantConfig(t, unmarshal(t, k, "cache"), redis)
	})
	t.Run("named", func(t *testing.T) {
		env := []string{"CACHE_URL_FILE=" + urlFile, "SESSIONS_CACHE_URL_FILE=" + nopw, "SESSIONS_CACHE_PASSWORD=" + pw}
		k := koanf.New(".")
		load(t, k, koanfprovider.Env(".", koanfprovider.Opt{Named: true, EnvironFunc: environ(env...)}))
		wantConfig(t, unmarshal(t, k, "caches.default"), redis)
		wantConfig(t, unmarshal(t, k, "caches.sessions"), core.Config{Scheme: "memcached", Backend: core.BackendMemcached,
			Hosts: []string{"mc:11211"}, Password: pw})
		fromCore, err := core.NamedFromEnv(env)
		if err != nil || !equalCaches(t, k, fromCore) {
			t.Errorf("differs from core.NamedFromEnv: %v", err)
		}
	})
}

func equalCaches(t *testing.T, k *koanf.Koanf, want map[string]core.Config) bool {
	ok := true
	for name, c := range want {
		got := unmarshal(t, k, "caches."+name)
		if got.Redacted() != c.Redacted() || got.Password != c.Password {
			ok = false
		}
	}
	return ok
}

func TestEnvFileErrors(t *testing.T) {
	dir := t.TempDir()
	missing := filepath.Join(dir, "missing")
	pwFile := writeFile(t, "password", pw)
	tests := []struct {
		name     string
		opt      koanfprovider.Opt
		env      []string
		key      string
		kind     *core.Kind
		fsErr    error
		contains []string
	}{
		{"both set", koanfprovider.Opt{}, []string{"CACHE_URL=dummy://", "CACHE_URL_FILE=" + pwFile},
			"cache", core.ErrDuplicateParameter, nil, []string{"CACHE_URL and CACHE_URL_FILE are both set"}},
		{"missing file", koanfprovider.Opt{}, []string{"CACHE_URL_FILE=" + missing},
			"cache", core.ErrInvalidPath, fs.ErrNotExist, []string{"CACHE_URL_FILE", missing, "no such file"}},
		{"a directory", koanfprovider.Opt{Strict: true}, []string{"CACHE_URL_FILE=" + dir},
			"cache", core.ErrInvalidPath, nil, []string{"CACHE_URL_FILE", dir, "is a directory"}},
		{"password twice", koanfprovider.Opt{}, []string{"CACHE_URL=redis://:" + pw + "@h", "CACHE_PASSWORD_FILE=" + pwFile},
			"cache", core.ErrDuplicateParameter, nil, []string{"has a password and CACHE_PASSWORD_FILE is set"}},
		{"strict, password only", koanfprovider.Opt{Strict: true}, []string{"CACHE_PASSWORD=" + pw},
			"cache", core.ErrNotSet, nil, []string{"CACHE_URL environment variable is not set"}},
		{"named: missing file", koanfprovider.Opt{Named: true}, []string{"SESSIONS_CACHE_URL_FILE=" + missing},
			"caches.sessions", core.ErrInvalidPath, fs.ErrNotExist, []string{"SESSIONS_CACHE_URL_FILE", missing}},
		{"named: password of no URL", koanfprovider.Opt{Named: true}, []string{"SESSIONS_CACHE_PASSWORD=" + pw},
			"caches.sessions", core.ErrNotSet, nil, []string{"SESSIONS_CACHE_URL environment variable is not set"}},
		{"named: both set", koanfprovider.Opt{Named: true}, []string{"X_CACHE_URL=dummy://", "X_CACHE_URL_FILE=" + pwFile},
			"caches.x", core.ErrDuplicateParameter, nil, []string{"X_CACHE_URL and X_CACHE_URL_FILE"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			opt := tt.opt
			opt.EnvironFunc = environ(tt.env...)
			_, err := koanfprovider.Env(".", opt).Read()
			checkError(t, err, tt.key, tt.kind, tt.contains...)
			if tt.fsErr != nil && !errors.Is(err, tt.fsErr) {
				t.Errorf("error %v does not match %v", err, tt.fsErr)
			}
			var ee *core.EnvError
			if !errors.As(err, &ee) {
				t.Errorf("error %v is not a *core.EnvError", err)
			}
		})
	}
}
