package core

import (
	"errors"
	"strings"
	"testing"
)

func TestFromEnv(t *testing.T) {
	t.Setenv("CACHE_URL", "")
	c, err := FromEnv("", "")
	if err != nil || c.Scheme != "locmem" || c.Path != "" {
		t.Errorf("unset: %s %v", dump(c), err)
	}
	c, err = FromEnv("", "memcached://127.0.0.1:11211")
	if err != nil || c.Scheme != "memcached" {
		t.Errorf("default: %s %v", dump(c), err)
	}
	t.Setenv("CACHE_URL", "redis://127.0.0.1:6379/0?key_prefix=site1")
	c, err = FromEnv("", "")
	if err != nil || c.KeyPrefix != "site1" {
		t.Errorf("set: %s %v", dump(c), err)
	}
	t.Setenv("HERP", "memcached://127.0.0.1:11211")
	c, err = FromEnv("HERP", "")
	if err != nil || c.Hosts[0] != "127.0.0.1:11211" {
		t.Errorf("HERP: %s %v", dump(c), err)
	}
	t.Setenv("BAD", "redis://:"+testPW+"@h/0?timeout=x")
	_, err = FromEnv("BAD", "")
	var ee *EnvError
	if !errors.As(err, &ee) || ee.Var != "BAD" || !errors.Is(err, ErrInvalidParameter) || strings.Contains(err.Error(), testPW) || !strings.HasPrefix(err.Error(), "BAD: ") {
		t.Errorf("bad: %v", err)
	}
}

func TestFromEnvStrict(t *testing.T) {
	t.Setenv("CACHE_URL", "  ")
	_, err := FromEnvStrict("")
	if !errors.Is(err, ErrNotSet) || !strings.Contains(err.Error(), "CACHE_URL environment variable is not set") {
		t.Errorf("strict unset: %v", err)
	}
	t.Setenv("CACHE_URL", "dummy://")
	if c, err := FromEnvStrict(""); err != nil || c.Backend != BackendDummy {
		t.Errorf("strict set: %v", err)
	}
}

func TestNamedFromEnv(t *testing.T) {
	got, err := NamedFromEnv([]string{"PATH=/bin", "SESSIONS_CACHE_URL=redis://h/1", "CACHE_URL=memcached://m", "EMPTY_CACHE_URL=", "_CACHE_URL=locmem://x", "CACHE_URLS=x"})
	if err != nil {
		t.Fatal(err)
	}
	// _CACHE_URL names no cache and CACHE_URLS is another variable: both ignored.
	if len(got) != 2 || got["default"].Scheme != "memcached" || got["sessions"].DB != 1 {
		t.Errorf("got %v", got)
	}
	got, err = NamedFromEnv([]string{"A_CACHE_URL=locmem://"})
	if err != nil || got["default"].Scheme != "locmem" || got["a"].Scheme != "locmem" {
		t.Errorf("default fallback: %v %v", got, err)
	}
	_, err = NamedFromEnv([]string{"FOO_CACHE_URL=locmem://", "foo_CACHE_URL=dummy://"})
	if !errors.Is(err, ErrDuplicateParameter) {
		t.Errorf("duplicate: %v", err)
	}
	_, err = NamedFromEnv([]string{"X_CACHE_URL=redsi://:" + testPW + "@h"})
	var ee *EnvError
	if !errors.As(err, &ee) || ee.Var != "X_CACHE_URL" || strings.Contains(err.Error(), testPW) {
		t.Errorf("bad: %v", err)
	}
}
