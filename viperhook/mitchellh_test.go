package viperhook_test

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/cacheurl/cacheurl/core"
	"github.com/cacheurl/cacheurl/viperhook"
	mapstructurev1 "github.com/mitchellh/mapstructure"
)

// TestMitchellh: the same hook works with the archived
// github.com/mitchellh/mapstructure v1.5.0, alone and composed with that
// module's own hooks.
func TestMitchellh(t *testing.T) {
	type cfg struct {
		Timeout time.Duration          `mapstructure:"timeout"`
		Cache   core.Config            `mapstructure:"cache"`
		Session *core.Config           `mapstructure:"session"`
		Caches  map[string]core.Config `mapstructure:"caches"`
		TTL     core.TTL               `mapstructure:"ttl"`
	}
	in := map[string]any{
		"timeout": "3s",
		"cache":   "redis://:pw@cache:6379/1?key_prefix=app&timeout=300",
		"session": map[string]any{"url": "memcached://m1:11211,m2", "ttl": "1m"},
		"caches":  map[string]any{"default": "locmem://", "sessions": map[any]any{"url": "redis://sessions/2", "ttl": 60, "options": map[string]any{"pool_size": 20}}},
		"ttl":     "never",
	}
	var got cfg
	d, err := mapstructurev1.NewDecoder(&mapstructurev1.DecoderConfig{
		DecodeHook: mapstructurev1.ComposeDecodeHookFunc(viperhook.Hook(), mapstructurev1.StringToTimeDurationHookFunc()),
		Result:     &got,
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := d.Decode(in); err != nil {
		t.Fatal(err)
	}
	want := wantApp()
	if got.Timeout != 3*time.Second || got.TTL != core.NeverExpire {
		t.Errorf("got timeout %v ttl %v, want 3s never", got.Timeout, got.TTL)
	}
	checkConfig(t, got.Cache, want.Cache)
	checkConfig(t, *got.Session, *want.Session)
	checkConfig(t, got.Caches["default"], want.Caches["default"])
	checkConfig(t, got.Caches["sessions"], want.Caches["sessions"])

	// The hook alone, as DecoderConfig.DecodeHook.
	var only struct {
		Cache core.Config `mapstructure:"cache"`
	}
	d, err = mapstructurev1.NewDecoder(&mapstructurev1.DecoderConfig{DecodeHook: viperhook.Hook(), Result: &only})
	if err != nil {
		t.Fatal(err)
	}
	if err := d.Decode(map[string]any{"cache": "locmem://"}); err != nil {
		t.Fatal(err)
	}
	checkConfig(t, only.Cache, want.Caches["default"])
}

// TestMitchellhErrors: v1.5.0 wraps a hook's error as
// "error decoding '<key>': <message>" and keeps only the text, so the key
// and kind are in the message but errors.Is cannot see the kind.
func TestMitchellhErrors(t *testing.T) {
	var got struct {
		Cache  core.Config            `mapstructure:"cache"`
		Caches map[string]core.Config `mapstructure:"caches"`
	}
	d, err := mapstructurev1.NewDecoder(&mapstructurev1.DecoderConfig{DecodeHook: viperhook.Hook(), Result: &got})
	if err != nil {
		t.Fatal(err)
	}
	err = d.Decode(map[string]any{
		"cache":  "redis://:" + secret + "@cache:99999/0",
		"caches": map[string]any{"sessions": map[string]any{"url": "redis://:" + secret + "@h", "ttl": "1500ms"}},
	})
	if err == nil {
		t.Fatal("no error")
	}
	msg := err.Error()
	for _, want := range []string{
		`* error decoding 'cache': cacheurl: cache: port "99999" must be a number from 1 to 65535 (in "redis://:xxxxx@cache:99999/0")`,
		`* error decoding 'caches': cacheurl: caches.sessions.ttl: "1500ms" is not a whole number of seconds`,
	} {
		if !strings.Contains(msg, want) {
			t.Errorf("error %q does not contain %q", msg, want)
		}
	}
	if strings.Contains(msg, secret) {
		t.Errorf("error %q contains the password", msg)
	}
	if errors.Is(err, core.ErrInvalidPort) {
		t.Errorf("v1.5.0 now keeps wrapped errors; update the README's note")
	}
}
