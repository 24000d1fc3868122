package core

import (
	"errors"
	"strings"
	"testing"
)

func TestConfigFlagValue(t *testing.T) {
	var nilConfig *Config
	for name, f := range map[string]func(string) error{
		"Set":           nilConfig.Set,
		"UnmarshalText": func(s string) error { return nilConfig.UnmarshalText([]byte(s)) },
		"UnmarshalJSON": func(s string) error { return nilConfig.UnmarshalJSON([]byte(`"` + s + `"`)) },
		"EnvDecode":     nilConfig.EnvDecode,
	} {
		err := f("redis://h")
		var ce *Error
		if !errors.As(err, &ce) || !errors.Is(err, ErrInvalidParameter) || !strings.Contains(err.Error(), "nil *core.Config") {
			t.Errorf("%s on nil: %v", name, err)
		}
	}
	if got := nilConfig.Type(); got != "url" {
		t.Errorf("Type() = %q", got)
	}

	c, _ := Parse("memcached://m")
	before := c.clone()
	for name, f := range map[string]func(string) error{"Set": c.Set, "EnvDecode": c.EnvDecode} {
		err := f("redis://:" + testPW + "@h:99999")
		if !errors.Is(err, ErrInvalidPort) || strings.Contains(err.Error(), testPW) || !equalConfig(c, before) {
			t.Errorf("%s of a bad URL: %v, config %s", name, err, dump(c))
		}
	}
	if err := c.Set("rediss://:" + testPW + "@h/2"); err != nil || c.Password != testPW || !c.TLS || c.DB != 2 {
		t.Errorf("Set: %v %s", err, dump(c))
	}
	if s := c.String(); strings.Contains(s, testPW) || !strings.Contains(s, Redacted) {
		t.Errorf("String() = %q", s)
	}
}
