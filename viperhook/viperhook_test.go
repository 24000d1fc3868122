package viperhook_test

import (
	"errors"
	"fmt"
	"math"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/cacheurl/cacheurl/core"
	"github.com/cacheurl/cacheurl/viperhook"
	"github.com/go-viper/mapstructure/v2"
)

// secret is the password used in every error case: it must never appear in
// an error message.
const secret = "s3cretPW"

func intp(n int) *int { return &n }

// plain has Config's fields but not its methods, so %+v shows every field
// (the password included) in test failure messages.
type plain core.Config

// decode decodes {"cache": in} with mapstructure v2 and the hook alone.
func decode(t *testing.T, in any) (core.Config, error) {
	t.Helper()
	var out struct {
		Cache core.Config `mapstructure:"cache"`
	}
	d, err := mapstructure.NewDecoder(&mapstructure.DecoderConfig{DecodeHook: viperhook.Hook(), Result: &out})
	if err != nil {
		t.Fatal(err)
	}
	err = d.Decode(map[string]any{"cache": in})
	return out.Cache, err
}

func checkConfig(t *testing.T, got, want core.Config) {
	t.Helper()
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got  %+v\nwant %+v", plain(got), plain(want))
	}
}

// checkErr checks that err matches kind, names every string in has, and
// never contains the password.
func checkErr(t *testing.T, err error, kind *core.Kind, has ...string) {
	t.Helper()
	if err == nil {
		t.Fatalf("no error, want %v", kind)
	}
	if !errors.Is(err, kind) {
		t.Errorf("error %q does not match %v", err, kind)
	}
	var ce *core.Error
	if !errors.As(err, &ce) {
		t.Errorf("error %q does not wrap a *core.Error", err)
	}
	msg := err.Error()
	for _, h := range has {
		if !strings.Contains(msg, h) {
			t.Errorf("error %q does not contain %q", msg, h)
		}
	}
	if strings.Contains(msg, secret) {
		t.Errorf("error %q contains the password", msg)
	}
}

// The expected configs below follow docs/grammar.md: redis-family hosts get the
// default port 6379 and the standalone topology; memcached hosts keep a
// port only where written; Options is nil when there are none.

func TestHookString(t *testing.T) {
	tests := []struct {
		in   string
		want core.Config
	}{
		{"redis://:pw@cache:6379/1?key_prefix=app&timeout=300", core.Config{
			Scheme: "redis", Backend: core.BackendRedis, Topology: core.Standalone,
			Hosts: []string{"cache:6379"}, Password: "pw", DB: 1, TTL: core.TTLSeconds(300), KeyPrefix: "app"}},
		{"memcached://a:11211,b", core.Config{
			Scheme: "memcached", Backend: core.BackendMemcached, Hosts: []string{"a:11211", "b"}}},
		{"locmem://", core.Config{Scheme: "locmem", Backend: core.BackendLocmem}},
		{"file:///var/tmp/cache", core.Config{Scheme: "file", Backend: core.BackendFile, Path: "/var/tmp/cache"}},
		{"  REDISS://h?timeout=none&pool_size=10 ", core.Config{
			Scheme: "rediss", Backend: core.BackendRedis, TLS: true, Topology: core.Standalone,
			Hosts: []string{"h:6379"}, TTL: core.NeverExpire, Options: map[string]string{"pool_size": "10"}}},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := decode(t, tt.in)
			if err != nil {
				t.Fatal(err)
			}
			checkConfig(t, got, tt.want)
		})
	}
}

// TestHookTTLField: a core.TTL field on its own decodes from the same values
// as the ttl key.
func TestHookTTLField(t *testing.T) {
	tests := []struct {
		in   any
		want core.TTL
		kind *core.Kind
	}{
		{in: "60s", want: core.TTLSeconds(60)},
		{in: "300", want: core.TTLSeconds(300)},
		{in: "never", want: core.NeverExpire},
		{in: "", want: core.TTL{}},
		{in: 60, want: core.TTLSeconds(60)},
		{in: 60.0, want: core.TTLSeconds(60)},
		{in: time.Hour, want: core.TTLSeconds(3600)},
		{in: core.NeverExpire, want: core.NeverExpire},
		{in: "1500ms", kind: core.ErrInvalidParameter},
		{in: -1, kind: core.ErrInvalidParameter},
		{in: []any{1}, kind: core.ErrInvalidParameter},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprintf("%T %v", tt.in, tt.in), func(t *testing.T) {
			var out struct {
				TTL  core.TTL  `mapstructure:"ttl"`
				PTTL *core.TTL `mapstructure:"pttl"`
			}
			d, err := mapstructure.NewDecoder(&mapstructure.DecoderConfig{DecodeHook: viperhook.Hook(), Result: &out})
			if err != nil {
				t.Fatal(err)
			}
			err = d.Decode(map[string]any{"ttl": tt.in, "pttl": tt.in})
			if tt.kind != nil {
				checkErr(t, err, tt.kind, "'ttl'", "'pttl'")
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if out.TTL != tt.want || out.PTTL == nil || *out.PTTL != tt.want {
				t.Errorf("got %v and %v, want %v", out.TTL, out.PTTL, tt.want)
			}
		})
	}
}

// TestHookContainers: pointers, maps, slices and nested structs of
// core.Config need nothing but the hook.
func TestHookContainers(t *testing.T) {
	type inner struct {
		Cache *core.Config `mapstructure:"cache"`
	}
	var out struct {
		Ptr    *core.Config             `mapstructure:"ptr"`
		Named  map[string]core.Config   `mapstructure:"named"`
		PNamed map[string]*core.Config  `mapstructure:"pnamed"`
		List   []core.Config            `mapstructure:"list"`
		Nested inner                    `mapstructure:"nested"`
		Deep   map[string][]core.Config `mapstructure:"deep"`
		Nil    *core.Config             `mapstructure:"nil"`
	}
	in := map[string]any{
		"ptr":    "locmem://a",
		"named":  map[string]any{"default": "locmem://", "sessions": map[string]any{"url": "redis://h/2", "ttl": 60}},
		"pnamed": map[string]any{"x": "dummy://"},
		"list":   []any{"locmem://one", map[string]any{"scheme": "locmem", "path": "two"}},
		"nested": map[string]any{"cache": "file:///tmp/c"},
		"deep":   map[string]any{"k": []any{"dummy://d"}},
		"nil":    nil,
	}
	d, err := mapstructure.NewDecoder(&mapstructure.DecoderConfig{DecodeHook: viperhook.Hook(), Result: &out})
	if err != nil {
		t.Fatal(err)
	}
	if err := d.Decode(in); err != nil {
		t.Fatal(err)
	}
	locmem := func(name string) core.Config {
		return core.Config{Scheme: "locmem", Backend: core.BackendLocmem, Path: name}
	}
	dummy := func(name string) core.Config {
		return core.Config{Scheme: "dummy", Backend: core.BackendDummy, Path: name}
	}
	checkConfig(t, *out.Ptr, locmem("a"))
	checkConfig(t, out.Named["default"], locmem(""))
	checkConfig(t, out.Named["sessions"], core.Config{Scheme: "redis", Backend: core.BackendRedis, Topology: core.Standalone,
		Hosts: []string{"h:6379"}, DB: 2, TTL: core.TTLSeconds(60)})
	checkConfig(t, *out.PNamed["x"], dummy(""))
	checkConfig(t, out.List[0], locmem("one"))
	checkConfig(t, out.List[1], locmem("two"))
	checkConfig(t, *out.Nested.Cache, core.Config{Scheme: "file", Backend: core.BackendFile, Path: "/tmp/c"})
	checkConfig(t, out.Deep["k"][0], dummy("d"))
	if out.Nil != nil {
		t.Errorf("nil: got %v, want nil", out.Nil)
	}
	if len(out.Named) != 2 || len(out.List) != 2 {
		t.Errorf("got %d named and %d listed configs, want 2 and 2", len(out.Named), len(out.List))
	}

	// Errors name the key path inside containers.
	var bad struct {
		Named map[string]core.Config `mapstructure:"named"`
		List  []core.Config          `mapstructure:"list"`
	}
	d, err = mapstructure.NewDecoder(&mapstructure.DecoderConfig{DecodeHook: viperhook.Hook(), Result: &bad})
	if err != nil {
		t.Fatal(err)
	}
	err = d.Decode(map[string]any{
		"named": map[string]any{"sessions": "redis://:" + secret + "@h:0"},
		"list":  []any{"locmem://", map[string]any{"url": "locmem://", "ttl": "x"}},
	})
	checkErr(t, err, core.ErrInvalidPort, "'named'", "named.sessions: port", "'list[1]'", `ttl: "x"`)
	if !errors.Is(err, core.ErrInvalidParameter) {
		t.Errorf("error %q does not also match the ttl error's kind", err)
	}
}

// TestDecoderOption: the option installs the hook when none is set, and
// puts it in front of one that is.
func TestDecoderOption(t *testing.T) {
	var calls []string
	other := func(f, to reflect.Type, data any) (any, error) {
		if to == reflect.TypeOf(core.Config{}) {
			calls = append(calls, fmt.Sprintf("other saw %T", data))
		}
		return data, nil
	}
	for _, tt := range []struct {
		name  string
		hook  mapstructure.DecodeHookFunc
		calls []string
	}{
		{"no hook set", nil, nil},
		{"hook set", other, []string{"other saw core.Config"}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			calls = nil
			var out struct {
				Cache core.Config `mapstructure:"cache"`
			}
			dc := &mapstructure.DecoderConfig{DecodeHook: tt.hook, Result: &out}
			viperhook.DecoderOption()(dc)
			d, err := mapstructure.NewDecoder(dc)
			if err != nil {
				t.Fatal(err)
			}
			if err := d.Decode(map[string]any{"cache": "dummy://"}); err != nil {
				t.Fatal(err)
			}
			checkConfig(t, out.Cache, core.Config{Scheme: "dummy", Backend: core.BackendDummy})
			if !reflect.DeepEqual(calls, tt.calls) {
				t.Errorf("calls: got %q, want %q", calls, tt.calls)
			}
		})
	}
}

// TestHookReplacesWhole: a decoded config replaces the field's previous
// value; it is not merged field by field.
func TestHookReplacesWhole(t *testing.T) {
	prev := core.Config{Scheme: "redis", Backend: core.BackendRedis, Topology: core.Standalone,
		Hosts: []string{"old:6379"}, Password: "old", KeyPrefix: "old", TTL: core.TTLSeconds(5)}
	out := struct {
		Cache core.Config  `mapstructure:"cache"`
		Ptr   *core.Config `mapstructure:"ptr"`
	}{Cache: prev, Ptr: &prev}
	d, err := mapstructure.NewDecoder(&mapstructure.DecoderConfig{DecodeHook: viperhook.Hook(), Result: &out})
	if err != nil {
		t.Fatal(err)
	}
	in := map[string]any{"scheme": "redis", "hosts": "new"}
	if err := d.Decode(map[string]any{"cache": in, "ptr": in}); err != nil {
		t.Fatal(err)
	}
	want := core.Config{Scheme: "redis", Backend: core.BackendRedis, Topology: core.Standalone, Hosts: []string{"new:6379"}}
	checkConfig(t, out.Cache, want)
	checkConfig(t, *out.Ptr, want)
}

// TestHookPassThrough: values the hook does not handle come back unchanged,
// for the next hook or for mapstructure.
func TestHookPassThrough(t *testing.T) {
	h := viperhook.Hook()
	cfg := core.Config{Scheme: "locmem", Backend: core.BackendLocmem}
	ch := make(chan int)
	tests := []struct {
		to   reflect.Type
		data any
	}{
		{reflect.TypeOf(""), "redis://h"},
		{reflect.TypeOf(map[string]any{}), map[string]any{"url": "redis://h"}},
		{reflect.TypeOf(&core.Config{}), "redis://h"}, // mapstructure calls again for the element
		{reflect.TypeOf(time.Duration(0)), "5s"},
		{reflect.TypeOf(core.Config{}), cfg},
		{reflect.TypeOf(core.Config{}), &cfg},
		{reflect.TypeOf(core.TTL{}), core.NeverExpire},
	}
	for _, tt := range tests {
		got, err := h(reflect.TypeOf(tt.data), tt.to, tt.data)
		if err != nil {
			t.Errorf("%v <- %T: %v", tt.to, tt.data, err)
			continue
		}
		if !reflect.DeepEqual(got, tt.data) {
			t.Errorf("%v <- %T: got %v, want the data unchanged", tt.to, tt.data, got)
		}
	}

	// A value that is no cache value is core's error (rule 1).
	for _, data := range []any{42, []any{"redis://h"}, ch} {
		_, err := h(reflect.TypeOf(data), reflect.TypeOf(core.Config{}), data)
		if !errors.Is(err, core.ErrInvalidParameter) {
			t.Errorf("core.Config <- %T: got %v, want invalid_parameter", data, err)
		}
	}
	// A missing value is the default (rule 6), a missing TTL unset.
	if got, err := h(nil, reflect.TypeOf(core.Config{}), nil); err != nil || core.Format(got.(core.Config)) != "locmem://" {
		t.Errorf("core.Config <- nil: got %v, %v, want locmem://", got, err)
	}
	if got, err := h(nil, reflect.TypeOf(core.TTL{}), nil); err != nil || got.(core.TTL).IsSet() {
		t.Errorf("core.TTL <- nil: got %v, %v, want an unset TTL", got, err)
	}
	_, err := decode(t, 42)
	if err == nil || !strings.Contains(err.Error(), "'cache'") {
		t.Errorf("decoding 42: got %v, want mapstructure's error naming 'cache'", err)
	}
}

// TestHookOddInputs: no input makes the hook panic.
func TestHookOddInputs(t *testing.T) {
	var nilStr *string
	var nilMap map[string]any
	inputs := []any{
		nilStr, nilMap, map[string]any{"url": nilStr}, map[string]*string{"url": nil, "scheme": nil},
		map[any]any{nil: "x"}, map[any]any{[2]int{}: 1}, map[string]any{"hosts": []any{nil}},
		map[string]any{"options": map[string]any{"a": nilStr}}, map[string]any{"options": nilMap},
		map[string]any{"url": "locmem://", "options": map[string]any{"a": math.NaN()}},
		map[string]any{"url": "locmem://", "key_prefix": math.Inf(1)},
		map[string]any{"url": "locmem://", "db": math.NaN()},
		map[string]any{"url": "locmem://", "ttl": math.NaN()},
		map[string]any{"url": "locmem://", "ttl": func() {}},
		struct{ URL string }{"redis://h"}, [1]string{"x"}, 3 + 4i, []byte("redis://h"),
	}
	h := viperhook.Hook()
	for _, in := range inputs {
		func() {
			defer func() {
				if r := recover(); r != nil {
					t.Errorf("%#v: panic %v", in, r)
				}
			}()
			_, _ = h(reflect.TypeOf(in), reflect.TypeOf(core.Config{}), in)
			_, _ = h(reflect.TypeOf(in), reflect.TypeOf(core.TTL{}), in)
			_, _ = decode(t, in)
		}()
	}
}

// FuzzHookRedacted: whatever surrounds it, a password in a URL's userinfo
// or in the password key never reaches an error message.
func FuzzHookRedacted(f *testing.F) {
	f.Add("redis", "h:0", "ttl", "x")
	f.Add("redis", "h/0?timeout=1500ms", "db", "abc")
	f.Add("memcached", "h", "db", "3")
	f.Add("redis", "h", "zzz", "1")
	f.Add("redis+sentinel", "s", "hosts", "h:0")
	f.Add("redis", "h#x", "options", "")
	f.Add("re dis", "h", "path", "p")
	f.Add("locmem", "a/b", "socket", "/s")
	f.Fuzz(func(t *testing.T, scheme, rest, key, val string) {
		const pw = "Zq8PaSsWoRd"
		if strings.Contains(scheme+rest+key+val, pw[:4]) {
			return
		}
		u := scheme + "://user:" + pw + "@" + rest
		for _, in := range []any{u, map[string]any{"url": u, key: val}, map[string]any{"url": "redis://h", "password": pw, key: val}} {
			_, err := decode(t, in)
			if err != nil && strings.Contains(err.Error(), pw) {
				t.Errorf("%q: error %q contains the password", in, err)
			}
		}
	})
}
