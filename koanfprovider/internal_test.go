package koanfprovider

import (
	"reflect"
	"sort"
	"testing"

	"github.com/cacheurl/cacheurl/core"
	"github.com/cacheurl/cacheurl/internal/importcheck"
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

// TestKeysOfEveryField: derivedKeys emits every key of core.Config's koanf
// tags for a config with every field set, each of the documented kind (a
// string, int or bool kind, hosts a list of strings) and typed as derived.
func TestKeysOfEveryField(t *testing.T) {
	c := core.Config{
		Scheme: "redis+sentinel", Backend: core.BackendRedis, TLS: true, Topology: core.Sentinel,
		Master: "m", Hosts: []string{"h:26379"}, Socket: "/s", Path: "p", Username: "u", Password: "pw",
		DB: 2, TTL: core.TTLSeconds(300), KeyPrefix: "k", Version: new(int), KeyFunction: "f",
		MaxEntries: new(int), CullFrequency: new(int), Lib: "redis-cache", Options: map[string]string{"a": "b"},
	}
	m := derivedKeys(c)
	var names []string
	for name, v := range m {
		names = append(names, name)
		var ok bool
		switch name {
		case "tls":
			_, ok = v.(derivedBool)
		case "db", "version", "max_entries", "cull_frequency":
			_, ok = v.(derivedInt)
		case "hosts":
			h, isList := v.([]any)
			ok = isList && len(h) == 1 && h[0] == derivedString("h:26379")
		case "options":
			o, isMap := v.(map[string]any)
			ok = isMap && o["a"] == derivedString("b")
		default:
			_, ok = v.(derivedString)
		}
		if !ok {
			t.Errorf("%s = %#v (%T): not the documented kind", name, v, v)
		}
		if name != "options" && originOf(v) != fromDerived {
			t.Errorf("%s = %#v: origin %d, want derived", name, v, originOf(v))
		}
	}
	sort.Strings(names)
	if want := configTags(t); !reflect.DeepEqual(names, want) {
		t.Errorf("keys = %v\nwant %v", names, want)
	}
	if m["ttl"] != derivedString("300s") {
		t.Errorf("ttl = %v, want 300s", m["ttl"])
	}
}

// TestNoKoanfImport: like koanf's own providers, this package satisfies
// koanf.Provider by shape; only its tests import koanf.
func TestNoKoanfImport(t *testing.T) {
	importcheck.Only(t, "github.com/cacheurl/cacheurl/core")
}
