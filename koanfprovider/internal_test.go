package koanfprovider

import (
	"errors"
	"go/parser"
	"go/token"
	"math"
	"path/filepath"
	"reflect"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/cacheurl/cacheurl/core"
)

// configTags returns the koanf tags of core.Config's fields.
func configTags(t *testing.T) []string {
	t.Helper()
	var tags []string
	typ := reflect.TypeOf(core.Config{})
	for i := 0; i < typ.NumField(); i++ {
		tag := typ.Field(i).Tag.Get("koanf")
		if tag == "" {
			t.Fatalf("core.Config.%s has no koanf tag", typ.Field(i).Name)
		}
		tags = append(tags, tag)
	}
	sort.Strings(tags)
	return tags
}

// TestFieldsMatchConfig: the explicit keys Expand understands are exactly
// core.Config's fields, so a new field in core cannot be forgotten here.
func TestFieldsMatchConfig(t *testing.T) {
	var names []string
	for name := range fields {
		names = append(names, name)
	}
	sort.Strings(names)
	if want := configTags(t); !reflect.DeepEqual(names, want) {
		t.Errorf("fields = %v\nConfig koanf tags = %v", names, want)
	}
}

// TestKeysOfEveryField: a config with every field set gives every key, each
// with a plain value of the type the layout documents.
func TestKeysOfEveryField(t *testing.T) {
	c := core.Config{
		Scheme: "redis+sentinel", Backend: core.BackendRedis, TLS: true, Topology: core.Sentinel,
		Master: "m", Hosts: []string{"h:26379"}, Socket: "/s", Path: "p", Username: "u", Password: "pw",
		DB: 2, TTL: core.TTLSeconds(300), KeyPrefix: "k", Version: new(int), KeyFunction: "f",
		MaxEntries: new(int), CullFrequency: new(int), Lib: "redis-cache", Options: map[string]string{"a": "b"},
	}
	m := keysOf(c)
	var names []string
	for name, v := range m {
		names = append(names, name)
		var ok bool
		switch fields[name] {
		case kindString, kindTTL:
			_, ok = v.(string)
		case kindBool:
			_, ok = v.(bool)
		case kindInt, kindOptInt:
			_, ok = v.(int)
		case kindHosts:
			_, ok = v.([]string)
		case kindOptions:
			_, ok = v.(map[string]any)
		}
		if !ok {
			t.Errorf("%s = %#v (%T): not the documented plain type", name, v, v)
		}
	}
	sort.Strings(names)
	if want := configTags(t); !reflect.DeepEqual(names, want) {
		t.Errorf("keys = %v\nwant %v", names, want)
	}
	if m["ttl"] != "300s" {
		t.Errorf("ttl = %v, want 300s", m["ttl"])
	}
	m["hosts"].([]string)[0] = "changed"
	if c.Hosts[0] != "h:26379" {
		t.Error("keysOf shares the hosts slice with the config")
	}
}

// TestNoKoanfImport: like koanf's own providers, this package satisfies
// koanf.Provider by shape; only its tests import koanf.
func TestNoKoanfImport(t *testing.T) {
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	fset := token.NewFileSet()
	for _, name := range files {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, name, nil, parser.ImportsOnly)
		if err != nil {
			t.Fatal(err)
		}
		for _, imp := range f.Imports {
			path, _ := strconv.Unquote(imp.Path.Value)
			if path != "github.com/cacheurl/cacheurl/core" && strings.Contains(path, ".") {
				t.Errorf("%s imports %s: only the standard library and core are allowed", name, path)
			}
		}
	}
}

type named string

func TestConversions(t *testing.T) {
	big := uint64(math.MaxUint64)
	t.Run("toString", func(t *testing.T) {
		tests := []struct {
			in   any
			want string
			ok   bool
		}{
			{"a", "a", true}, {true, "true", true}, {int8(-3), "-3", true}, {uint16(7), "7", true},
			{int64(1) << 40, "1099511627776", true}, {float32(1.5), "1.5", true}, {2.0, "2", true},
			{90 * time.Second, "1m30s", true}, {named("n"), "n", true},
			{[]string{"a"}, "", false}, {map[string]any{}, "", false}, {struct{}{}, "", false},
		}
		for _, tt := range tests {
			if got, ok := toString(tt.in); got != tt.want || ok != tt.ok {
				t.Errorf("toString(%#v) = %q, %v; want %q, %v", tt.in, got, ok, tt.want, tt.ok)
			}
		}
	})
	t.Run("toBool", func(t *testing.T) {
		tests := []struct {
			in       any
			want, ok bool
		}{
			{true, true, true}, {"true", true, true}, {"1", true, true}, {"F", false, true}, {" ", false, true},
			{"yes", false, false}, {1, false, false},
		}
		for _, tt := range tests {
			if got, ok := toBool(tt.in); got != tt.want || ok != tt.ok {
				t.Errorf("toBool(%#v) = %v, %v; want %v, %v", tt.in, got, ok, tt.want, tt.ok)
			}
		}
	})
	t.Run("toInt", func(t *testing.T) {
		tests := []struct {
			in   any
			want int
			ok   bool
		}{
			{"42", 42, true}, {"-1", -1, true}, {"4x", 0, false}, {" 4", 0, false},
			{int32(5), 5, true}, {uint8(6), 6, true}, {big, 0, false}, {uint64(9), 9, true},
			{7.0, 7, true}, {float32(8), 8, true}, {7.5, 0, false}, {1e300, 0, false}, {math.NaN(), 0, false},
			{true, 0, false}, {[]any{1}, 0, false},
		}
		for _, tt := range tests {
			if got, ok := toInt(tt.in); got != tt.want || ok != tt.ok {
				t.Errorf("toInt(%#v) = %v, %v; want %v, %v", tt.in, got, ok, tt.want, tt.ok)
			}
		}
	})
	t.Run("toTTL", func(t *testing.T) {
		tests := []struct {
			in   any
			want core.TTL
			ok   bool
		}{
			{"", core.TTL{}, true}, {" 300 ", core.TTLSeconds(300), true}, {"5m", core.TTLSeconds(300), true},
			{"never", core.NeverExpire, true}, {"None", core.NeverExpire, true}, {"-1", core.TTL{}, false},
			{0, core.TTLSeconds(0), true}, {int64(60), core.TTLSeconds(60), true}, {uint(60), core.TTLSeconds(60), true},
			{big, core.TTL{}, false}, {-1, core.TTL{}, false}, {60.0, core.TTLSeconds(60), true},
			{math.Inf(1), core.TTL{}, false}, {1e300, core.TTL{}, false}, {-2.0, core.TTL{}, false},
			{2 * time.Minute, core.TTLSeconds(120), true}, {-time.Second, core.TTL{}, false},
			{core.MaxTTLSeconds, core.TTLSeconds(core.MaxTTLSeconds), true}, {core.MaxTTLSeconds + 1, core.TTL{}, false},
			{false, core.TTL{}, false}, {[]any{}, core.TTL{}, false},
		}
		for _, tt := range tests {
			got, err := toTTL(tt.in)
			if got != tt.want || (err == nil) != tt.ok {
				t.Errorf("toTTL(%#v) = %v, %v; want %v, ok %v", tt.in, got, err, tt.want, tt.ok)
			}
			if err != nil && !errors.Is(err, core.ErrInvalidParameter) {
				t.Errorf("toTTL(%#v): error %v is not invalid_parameter", tt.in, err)
			}
		}
	})
	t.Run("toHosts", func(t *testing.T) {
		tests := []struct {
			in   any
			want []string
			ok   bool
		}{
			{"a:1, b ,,", []string{"a:1", "b"}, true}, {[]string{" a ", ""}, []string{"a"}, true},
			{[]any{"a", 6379}, []string{"a", "6379"}, true}, {[]any{}, nil, true}, {"", nil, true},
			{[]any{[]any{"a"}}, nil, false}, {5, nil, false},
		}
		for _, tt := range tests {
			if got, ok := toHosts(tt.in); !reflect.DeepEqual(got, tt.want) || ok != tt.ok {
				t.Errorf("toHosts(%#v) = %#v, %v; want %#v, %v", tt.in, got, ok, tt.want, tt.ok)
			}
		}
	})
	t.Run("describe", func(t *testing.T) {
		tests := []struct {
			in     any
			secret bool
			want   string
		}{
			{"abc", false, `"abc"`}, {"abc", true, "a value of type string"}, {1.5, false, "1.5"},
			{true, false, "true"}, {map[string]any{"p": "x"}, false, "a value of type map[string]interface {}"},
			{strings.Repeat("x", 70), false, `"` + strings.Repeat("x", 64) + `..."`},
		}
		for _, tt := range tests {
			if got := describe(tt.in, tt.secret); got != tt.want {
				t.Errorf("describe(%#v, %v) = %s, want %s", tt.in, tt.secret, got, tt.want)
			}
		}
	})
	t.Run("zeroValue", func(t *testing.T) {
		for kind, want := range map[fieldKind]any{kindString: "", kindTTL: "", kindBool: false, kindInt: 0, kindHosts: []string{}} {
			if got, ok := zeroValue(kind); !ok || !reflect.DeepEqual(got, want) {
				t.Errorf("zeroValue(%d) = %#v, %v; want %#v", kind, got, ok, want)
			}
		}
		for _, kind := range []fieldKind{kindOptInt, kindOptions} {
			if _, ok := zeroValue(kind); ok {
				t.Errorf("zeroValue(%d) has a value", kind)
			}
		}
	})
	t.Run("paths", func(t *testing.T) {
		if got := splitPath("a.b", ""); !reflect.DeepEqual(got, []string{"a.b"}) {
			t.Errorf("splitPath with no delimiter = %v", got)
		}
		if got := joinPath("", "a", "b"); got != "a.b" {
			t.Errorf("joinPath with no delimiter = %q", got)
		}
		if got := nest("a/b", "/", map[string]any{"k": 1}); !reflect.DeepEqual(got, map[string]any{"a": map[string]any{"b": map[string]any{"k": 1}}}) {
			t.Errorf("nest = %v", got)
		}
	})
}
