package core_test

import (
	"errors"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/cacheurl/cacheurl/core"
)

// TestDecode checks the structured-value rules case by case; each want is the
// canonical URL the rules give (reasoned from docs/structured.md) or an
// error kind and key path.
func TestDecode(t *testing.T) {
	type m = map[string]any
	tests := []struct {
		name string
		in   any
		want string     // canonical URL
		kind *core.Kind // or an error of this kind
		key  string     // at this key path
	}{
		// rule 6 / cause 3, 4: missing values are the default
		{"nil", nil, "locmem://", nil, ""},
		{"empty string", "", "locmem://", nil, ""},
		{"empty map", m{}, "locmem://", nil, ""},
		{"url empty", m{"url": ""}, "locmem://", nil, ""},
		{"url null", m{"url": nil}, "locmem://", nil, ""},
		// rule 1 / cause 6
		{"number", 5, "", core.ErrInvalidParameter, "cache"},
		{"list", []any{"redis://h"}, "", core.ErrInvalidParameter, "cache"},
		{"bool", true, "", core.ErrInvalidParameter, "cache"},
		{"url number", m{"url": 5}, "", core.ErrInvalidParameter, "cache.url"},
		{"url bad", m{"url": "redis//h"}, "", core.ErrMalformed, "cache.url"},
		// rule 3 / cause 1: empty is not set, typed zero is set
		{"hosts empty", m{"url": "redis://cache", "hosts": ""}, "redis://cache", nil, ""},
		{"hosts empty list", m{"url": "redis://cache", "hosts": []any{}}, "redis://cache", nil, ""},
		{"password empty", m{"url": "redis://:pw@cache", "password": ""}, "redis://:pw@cache", nil, ""},
		{"ttl empty", m{"url": "redis://cache?timeout=5", "ttl": ""}, "redis://cache?timeout=5", nil, ""},
		{"key_prefix empty", m{"url": "redis://cache?key_prefix=a", "key_prefix": ""}, "redis://cache?key_prefix=a", nil, ""},
		{"db zero", m{"url": "redis://cache/3", "db": 0}, "redis://cache", nil, ""},
		{"version zero", m{"url": "redis://cache?version=3", "version": 0}, "redis://cache?version=0", nil, ""},
		{"ttl zero", m{"url": "redis://cache?timeout=5", "ttl": 0}, "redis://cache?timeout=0", nil, ""},
		// rule 2 / cause 2, 7, 8
		{"unknown timeout", m{"url": "redis://h", "timeout": 60}, "", core.ErrInvalidParameter, "cache.timeout"},
		{"unknown key_prefx", m{"key_prefx": "app"}, "", core.ErrInvalidParameter, "cache.key_prefx"},
		{"unknown passwrd", m{"passwrd": "x"}, "", core.ErrInvalidParameter, "cache.passwrd"},
		{"unknown host", m{"host": "h"}, "", core.ErrInvalidParameter, "cache.host"},
		{"unknown location", m{"location": "h"}, "", core.ErrInvalidParameter, "cache.location"},
		{"case TTL", m{"url": "redis://h", "TTL": 30}, "redis://h?timeout=30", nil, ""},
		{"dup ttl", m{"url": "redis://h", "ttl": 60, "TTL": 30}, "", core.ErrDuplicateParameter, "cache.ttl"},
		{"option case", m{"url": "redis://h", "options": m{"Pool_Size": 20}}, "redis://h?pool_size=20", nil, ""},
		{"option timeout", m{"url": "redis://h", "options": m{"timeout": 5}}, "", core.ErrInvalidParameter, "cache.options.timeout"},
		{"option null", m{"url": "redis://h?a=1", "options": m{"a": nil, "b": true}}, "redis://h?a=1&b=true", nil, ""},
		// rule 4
		{"ttl beside url", m{"url": "redis://a/1?timeout=300", "ttl": "60s"}, "redis://a/1?timeout=60", nil, ""},
		{"hosts replace", m{"url": "redis://:pw@a/2", "hosts": "b:1, c"}, "redis://:pw@b:1,c/2", nil, ""},
		{"scheme rederives", m{"url": "redis://a", "scheme": "rediss"}, "rediss://a", nil, ""},
		{"backend disagrees", m{"url": "redis://a", "backend": "memcached"}, "", core.ErrInvalidParameter, "cache.backend"},
		{"tls agrees", m{"url": "rediss://a", "tls": "true"}, "rediss://a", nil, ""},
		// rule 5 / cause 5
		{"password bool", m{"url": "redis://h", "password": true}, "", core.ErrInvalidParameter, "cache.password"},
		{"key_prefix bool", m{"url": "redis://h", "key_prefix": true}, "", core.ErrInvalidParameter, "cache.key_prefix"},
		{"hosts number", m{"url": "redis://h", "hosts": []any{6379}}, "", core.ErrInvalidParameter, "cache.hosts[0]"},
		{"hosts empty item", m{"url": "redis://h", "hosts": []any{"a", ""}}, "", core.ErrInvalidHost, "cache.hosts[1]"},
		{"ttl spaces", m{"url": "redis://h", "ttl": " 60 "}, "", core.ErrInvalidParameter, "cache.ttl"},
		{"ttl duration", m{"url": "redis://h", "ttl": 5 * time.Minute}, "redis://h?timeout=300", nil, ""},
		{"ttl float", m{"url": "redis://h", "ttl": 60.0}, "redis://h?timeout=60", nil, ""},
		{"ttl fraction", m{"url": "redis://h", "ttl": 1.5}, "", core.ErrInvalidParameter, "cache.ttl"},
		{"ttl never", m{"url": "redis://h", "ttl": "never"}, "redis://h?timeout=none", nil, ""},
		{"ttl TTL", m{"url": "redis://h", "ttl": core.TTLSeconds(7)}, "redis://h?timeout=7", nil, ""},
		{"db string", m{"url": "redis://h", "db": "4"}, "redis://h/4", nil, ""},
		{"db uint8", m{"url": "redis://h", "db": uint8(4)}, "redis://h/4", nil, ""},
		// rule 7
		{"db negative", m{"url": "redis://h", "db": -1}, "", core.ErrInvalidParameter, "cache.db"},
		{"map without url", m{"ttl": 60}, "locmem://?timeout=60", nil, ""},
		{"map scheme and hosts", m{"scheme": "memcached", "hosts": []string{"mc:11211"}}, "memcached://mc:11211", nil, ""},
		{"map[any]any", map[any]any{"url": "redis://h", "db": 2}, "redis://h/2", nil, ""},
		{"map[string]string", map[string]string{"url": "redis://h", "db": "2"}, "redis://h/2", nil, ""},
		{"non-string key", map[any]any{1: "x"}, "", core.ErrInvalidParameter, "cache"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := core.Decode("cache", tt.in)
			if tt.kind != nil {
				var e *core.Error
				if !errors.Is(err, tt.kind) || !errors.As(err, &e) || e.Key != tt.key {
					t.Fatalf("Decode = %v, %v; want a %v error at %q", c, err, tt.kind, tt.key)
				}
				if len(e.Error()) > 400 {
					t.Errorf("message is %d bytes", len(e.Error()))
				}
				return
			}
			if err != nil {
				t.Fatalf("Decode: %v", err)
			}
			// want is written as a URL; compare canonical forms.
			w, err := core.Parse(tt.want)
			if err != nil {
				t.Fatal(err)
			}
			if got := core.Format(c); got != core.Format(w) {
				t.Errorf("Decode = %s, want %s", got, tt.want)
			}
		})
	}
}

func TestDecodeStrict(t *testing.T) {
	for _, in := range []any{nil, "", map[string]any{}} {
		if _, err := core.DecodeStrict("cache", in); !errors.Is(err, core.ErrNotSet) {
			t.Errorf("DecodeStrict(%#v) = %v, want ErrNotSet", in, err)
		}
	}
}

func TestDecodeNamed(t *testing.T) {
	got, err := core.DecodeNamed("caches", map[string]any{"Sessions": "redis://h", "x": nil})
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 || core.Format(got["sessions"]) != "redis://h/0" || core.Format(got["x"]) != "locmem://" {
		t.Errorf("DecodeNamed = %v", got)
	}
	_, err = core.DecodeNamed("caches", map[string]any{"a": "redis://h", "A": "redis://i"})
	if !errors.Is(err, core.ErrDuplicateParameter) {
		t.Errorf("duplicate names: %v", err)
	}
	_, err = core.DecodeNamed("caches", map[string]any{"s": map[string]any{"hosts": []any{"a", 5}, "scheme": "redis"}})
	var e *core.Error
	if !errors.As(err, &e) || e.Key != "caches.s.hosts[1]" {
		t.Errorf("key path: %v", err)
	}
}

func TestDecodeSuggestion(t *testing.T) {
	_, err := core.Decode("cache", map[string]any{"timeout": 60})
	if err == nil || !strings.Contains(err.Error(), `did you mean "ttl"?`) {
		t.Errorf("got %v", err)
	}
	_, err = core.Decode("cache", map[string]any{"key_prefx": 60})
	if err == nil || !strings.Contains(err.Error(), `did you mean "key_prefix"?`) {
		t.Errorf("got %v", err)
	}
}

// TestKeysMatchTags checks the key table against Config's struct tags.
func TestKeysMatchTags(t *testing.T) {
	ty := reflect.TypeOf(core.Config{})
	ks := core.Keys()
	if len(ks) != ty.NumField() {
		t.Fatalf("%d keys, %d fields", len(ks), ty.NumField())
	}
	for i, k := range ks {
		f := ty.Field(i)
		if f.Name != k.Field {
			t.Errorf("key %d: field %s, table says %s", i, f.Name, k.Field)
		}
		for _, tag := range []string{"json", "koanf", "mapstructure"} {
			name, _, _ := strings.Cut(f.Tag.Get(tag), ",")
			if name != k.Name {
				t.Errorf("%s: %s tag %q, table says %q", f.Name, tag, name, k.Name)
			}
		}
	}
}

// TestDecodeNamedKinds: values of a configuration library's own named
// string and bool types (koanfprovider writes such values) mean what the
// plain values mean, keys, hosts and options alike.
func TestDecodeNamedKinds(t *testing.T) {
	type str string
	type flag bool
	type num int
	c, err := core.Decode("cache", map[string]any{
		"url":     str("redis://a/1"),
		"scheme":  str("rediss"),
		"tls":     flag(true),
		"db":      num(2),
		"ttl":     str("60s"),
		"hosts":   []any{str("b:6380"), str("c")},
		"options": map[string]any{"pool_size": str("5"), "x": flag(false)},
	})
	if err != nil {
		t.Fatal(err)
	}
	if got, want := core.Format(c), "rediss://b:6380,c/2?timeout=60&pool_size=5&x=false"; got != want {
		t.Errorf("got %s, want %s", got, want)
	}
	if c, err := core.Decode("cache", str("memcached://m")); err != nil || c.Backend != core.BackendMemcached {
		t.Errorf("a named string URL: %v, %v", c, err)
	}
	for _, v := range []any{str(""), []any{}, (*int)(nil)} {
		if !core.NotSet(v) {
			t.Errorf("NotSet(%#v) = false", v)
		}
	}
	if core.NotSet(num(0)) || core.NotSet(flag(false)) {
		t.Error("a typed zero of a named type is not set")
	}
}
