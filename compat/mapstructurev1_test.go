package compat

import (
	"errors"
	"reflect"
	"strings"
	"testing"
	"time"

	mapstructurev1 "github.com/mitchellh/mapstructure"

	"github.com/cacheurl/cacheurl/core"
	"github.com/cacheurl/cacheurl/internal/conformance"
	"github.com/cacheurl/cacheurl/viperhook"
)

// The archived github.com/mitchellh/mapstructure v1.5.0 is still what many
// programs decode with. viperhook.Hook is a plain func, so it works there
// too; these tests live here so that the main module does not require an
// archived library.

// plainConfig has Config's fields but not its methods, so %+v shows every
// field in failure messages.
type plainConfig core.Config

// hookDecoder is a mitchellh/mapstructure v1 decoder into result with the
// hook alone as DecoderConfig.DecodeHook.
func hookDecoder(t *testing.T, result any) *mapstructurev1.Decoder {
	t.Helper()
	d, err := mapstructurev1.NewDecoder(&mapstructurev1.DecoderConfig{DecodeHook: viperhook.Hook(), Result: result})
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func sameConfig(t *testing.T, what string, got, want core.Config) {
	t.Helper()
	if !reflect.DeepEqual(got, want) {
		t.Errorf("%s: got  %+v\nwant %+v", what, plainConfig(got), plainConfig(want))
	}
}

// TestMitchellh: the hook works with mitchellh/mapstructure v1.5.0, alone
// and composed with that module's own hooks.
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
	if got.Timeout != 3*time.Second || got.TTL != core.NeverExpire {
		t.Errorf("got timeout %v ttl %v, want 3s never", got.Timeout, got.TTL)
	}
	locmem := core.Config{Scheme: "locmem", Backend: core.BackendLocmem}
	sameConfig(t, "cache", got.Cache, core.Config{Scheme: "redis", Backend: core.BackendRedis, Topology: core.Standalone,
		Hosts: []string{"cache:6379"}, Password: "pw", DB: 1, TTL: core.TTLSeconds(300), KeyPrefix: "app"})
	if got.Session == nil {
		t.Fatal("session: nil")
	}
	sameConfig(t, "session", *got.Session, core.Config{Scheme: "memcached", Backend: core.BackendMemcached,
		Hosts: []string{"m1:11211", "m2"}, TTL: core.TTLSeconds(60)})
	sameConfig(t, "caches.default", got.Caches["default"], locmem)
	sameConfig(t, "caches.sessions", got.Caches["sessions"], core.Config{Scheme: "redis", Backend: core.BackendRedis,
		Topology: core.Standalone, Hosts: []string{"sessions:6379"}, DB: 2, TTL: core.TTLSeconds(60),
		Options: map[string]string{"pool_size": "20"}})

	// The hook alone, as DecoderConfig.DecodeHook.
	var only struct {
		Cache core.Config `mapstructure:"cache"`
	}
	if err := hookDecoder(t, &only).Decode(map[string]any{"cache": "locmem://"}); err != nil {
		t.Fatal(err)
	}
	sameConfig(t, "hook alone", only.Cache, locmem)
}

// TestMitchellhErrors: v1.5.0 wraps a hook's error as
// "error decoding '<key>': <message>" and keeps only the text, so the key
// and kind are in the message but errors.Is cannot see the kind.
func TestMitchellhErrors(t *testing.T) {
	const secret = "s3cretPW"
	var got struct {
		Cache  core.Config            `mapstructure:"cache"`
		Caches map[string]core.Config `mapstructure:"caches"`
	}
	err := hookDecoder(t, &got).Decode(map[string]any{
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
		t.Errorf("v1.5.0 now keeps wrapped errors; update docs/viper.md's note")
	}
}

// TestMitchellhConformance runs the conformance corpus of structured
// values through mitchellh/mapstructure v1 and the hook, as the main
// module's tests run it through core, koanf, viper and mapstructure v2:
// the same canonical URLs, and an error (text only: v1 keeps no kind) with
// no secret wherever the others fail.
func TestMitchellhConformance(t *testing.T) {
	cases, err := conformance.Load()
	if err != nil {
		t.Fatal(err)
	}
	runs := 0
	for _, c := range cases {
		if c.Strict || c.Skipped("mitchellh v1") {
			continue // v1 has no strict mode
		}
		doc, err := c.Document()
		if err != nil {
			t.Fatalf("%s: %v", c.Name, err)
		}
		var a struct {
			Cache  core.Config            `mapstructure:"cache"`
			Caches map[string]core.Config `mapstructure:"caches"`
		}
		runs++
		got := map[string]string{}
		err = hookDecoder(t, &a).Decode(doc)
		if err == nil {
			if c.Named() {
				for name, cfg := range a.Caches {
					got[name] = core.Format(cfg)
				}
			} else {
				got[""] = core.Format(a.Cache)
			}
		}
		if diff := conformance.CheckText(c, got, err); diff != "" {
			t.Errorf("%s: %s (%s)", c.Name, diff, c.Why)
		}
	}
	if runs < 700 {
		t.Errorf("only %d cases ran", runs)
	}
}
