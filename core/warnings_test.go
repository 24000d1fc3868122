package core

import (
	"reflect"
	"strings"
	"testing"
)

// TestWarnings: each warning of Config.Warnings, with its code and keys,
// for the Django behaviours docs/django.md describes.
func TestWarnings(t *testing.T) {
	type w struct {
		code string
		keys []string
		text string // a substring of the message
	}
	tests := []struct {
		url  string
		want []w
	}{
		{"redis://h/0?max_entries=10", []w{{WarnDjangoIgnoresCull, []string{"max_entries"}, "Django's RedisCache does not cull, so it ignores MAX_ENTRIES"}}},
		{"pymemcache://h?cull_frequency=2&max_entries=3", []w{{WarnDjangoIgnoresCull, []string{"max_entries", "cull_frequency"}, "PyMemcacheCache does not cull, so it ignores MAX_ENTRIES and CULL_FREQUENCY"}}},
		{"locmem://?max_entries=10&cull_frequency=2", nil},
		{"file:///tmp/c?max_entries=10", nil},
		{"db://t?foo=1&client_class=x", []w{{WarnDjangoIgnoresOption, []string{"options.client_class", "options.foo"}, "Django ignores the top-level keys CLIENT_CLASS, FOO"}}},
		{"locmem://?db=3", []w{{WarnDjangoIgnoresOption, []string{"options.db"}, "the top-level key DB:"}}},
		{"redis://h/0?lib=redis-cache&parser_class=P&max_connections=3&connection_pool_class=C", nil},
		{"redis:///run/r.sock?lib=redis-cache&parser_class=P", []w{{WarnDjangoIgnoresOption, []string{"options.parser_class"}, "PARSER_CLASS"}}},
		{"hiredis://h/0", []w{{WarnDjangoHiredisParser, []string{"scheme"}, "OPTIONS parser_class (lower case)"}}},
		{"hiredis://h/0?lib=redis-cache", nil},
		{"redis://h/0?lib=redis-cache&timeout=20", []w{{WarnDjangoPoolTimeout, []string{"ttl"}, "connection pool's timeout"}}},
		{"redis://:hunter2@h/0?key_prefix=a&timeout=5m", nil},
		// No Django view: nothing to say.
		{"redis+sentinel://s1/m?max_entries=3&foo=1", nil},
	}
	for _, tt := range tests {
		c, err := Parse(tt.url)
		if err != nil {
			t.Fatalf("Parse(%q): %v", tt.url, err)
		}
		got := c.Warnings()
		if len(got) != len(tt.want) {
			t.Errorf("%s: Warnings() = %v, want %d", tt.url, got, len(tt.want))
			continue
		}
		for i, g := range got {
			want := tt.want[i]
			if g.Code != want.code || !reflect.DeepEqual(g.Keys, want.keys) || !strings.Contains(g.Message, want.text) || g.String() != g.Message {
				t.Errorf("%s: warning %d = %+v, want code %s, keys %v, a message with %q", tt.url, i, g, want.code, want.keys, want.text)
			}
		}
	}
}

// TestWarningsHandMade: a hand-made config is normalized first; one that
// Normalize rejects has no warnings.
func TestWarningsHandMade(t *testing.T) {
	n := 5
	c := Config{Scheme: "valkey", Hosts: []string{"cache"}, CullFrequency: &n}
	if got := c.Warnings(); len(got) != 1 || got[0].Code != WarnDjangoIgnoresCull {
		t.Errorf("Warnings() = %v", got)
	}
	if got := (Config{Scheme: "redis://u:hunter2@h", Backend: BackendFile}).Warnings(); got != nil {
		t.Errorf("Warnings() of an invalid config = %v", got)
	}
}
