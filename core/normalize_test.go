package core

import (
	"errors"
	"strings"
	"testing"
)

// TestNormalizeSpeaksOfKeys: Normalize checks each field on its own; an
// error names the field in Key and in the message, speaks of keys (never of
// URL paths such as "/-1"), and is short.
func TestNormalizeSpeaksOfKeys(t *testing.T) {
	redis := func(f func(*Config)) Config {
		c := Config{Scheme: "redis", Hosts: []string{"h"}}
		f(&c)
		return c
	}
	tests := []struct {
		name string
		c    Config
		kind *Kind
		key  string
		has  string
	}{
		{"negative db", redis(func(c *Config) { c.DB = -1 }), ErrInvalidPath, "db", "db: -1 is not a db number (0-2147483647)"},
		{"db on memcached", Config{Scheme: "memcached", Hosts: []string{"h"}, DB: 2}, ErrInvalidPath, "db", "db: is set but memcached is not a redis scheme"},
		{"sentinel without master", Config{Scheme: "redis+sentinel", Hosts: []string{"s"}}, ErrInvalidPath, "master", "master: redis+sentinel:// needs the sentinel master name"},
		{"master with a space", Config{Scheme: "redis+sentinel", Hosts: []string{"s"}, Master: "a b"}, ErrInvalidPath, "master", "printable ASCII"},
		{"master on plain redis", redis(func(c *Config) { c.Master = "m" }), ErrInvalidPath, "master", "master: is only for"},
		{"second host bad port", redis(func(c *Config) { c.Hosts = []string{"a", "b:0"} }), ErrInvalidPort, "hosts[1]", "hosts[1]: "},
		{"host with userinfo", redis(func(c *Config) { c.Hosts = []string{"u:S3cretPw@h"} }), ErrInvalidHost, "hosts[0]", "contains '@'"},
		{"unknown scheme", Config{Scheme: "redsi"}, ErrUnknownScheme, "scheme", `scheme: unknown scheme "redsi"`},
		{"backend mismatch", redis(func(c *Config) { c.Backend = BackendMemcached }), ErrInvalidParameter, "backend", "backend: "},
		{"max_entries 0", Config{Scheme: "locmem", MaxEntries: new(int)}, ErrInvalidParameter, "max_entries", "max_entries: 0 is not a whole number (1-2147483647)"},
		{"marker password", redis(func(c *Config) { c.Password = Redacted }), ErrInvalidUserinfo, "password", "redacted copy"},
		{"marker credential option", redis(func(c *Config) { c.Options = map[string]string{"sentinel_password": Redacted} }), ErrInvalidParameter, "options.sentinel_password", "redacted copy"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := tt.c.Normalize()
			var e *Error
			if !errors.As(err, &e) {
				t.Fatalf("err = %v, want a *Error", err)
			}
			if !errors.Is(err, tt.kind) || e.Key != tt.key || !strings.Contains(e.Msg, tt.has) {
				t.Errorf("got kind %v key %q msg %q, want %v %q containing %q", e.Kind, e.Key, e.Msg, tt.kind, tt.key, tt.has)
			}
			if strings.Contains(err.Error(), "path \"/") || strings.Contains(err.Error(), "S3cretPw") || len(err.Error()) > 400 {
				t.Errorf("message %q speaks of URL paths, holds the password or is long", err)
			}
		})
	}
}

// TestDecodeKeyPaths: Normalize's field errors become key paths under the
// value's path.
func TestDecodeKeyPaths(t *testing.T) {
	_, err := Decode("caches.sessions", map[string]any{"url": "redis+sentinel://s/m", "master": "a b"})
	var e *Error
	if !errors.As(err, &e) || e.Key != "caches.sessions.master" || !strings.HasPrefix(e.Msg, "caches.sessions.master: ") {
		t.Fatalf("err = %v (key %q)", err, e.Key)
	}
	_, err = Decode("cache", map[string]any{"url": "redis://h", strings.Repeat("k", 5000): 1})
	if err == nil || len(err.Error()) > 400 {
		t.Errorf("long unknown key: error of %d bytes, want at most 400", len(err.Error()))
	}
	_, err = Decode("cache", map[any]any{nil: "x"})
	if !errors.Is(err, ErrInvalidParameter) {
		t.Errorf("nil key: %v", err)
	}
	_, err = Decode("cache", map[string]any{"url": "redis://h", "hosts": []any{nil}})
	if !errors.Is(err, ErrInvalidParameter) {
		t.Errorf("nil host: %v", err)
	}
	_, err = Decode("cache", map[string]any{"tll": 5})
	if err == nil || !strings.Contains(err.Error(), `did you mean "tls" or "ttl"?`) {
		t.Errorf("tie suggestion: %v", err)
	}
}
