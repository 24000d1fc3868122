package goredisurl

import (
	"strings"
	"testing"

	"github.com/cacheurl/cacheurl/core"
)

// TestDifferences: where go-redis v9's own parsers read a URL otherwise
// than core, by go-redis's documented ParseURL rules.
func TestDifferences(t *testing.T) {
	tests := []struct {
		name string
		url  string
		want []string // substrings; nil: no difference
	}{
		{"unknown parameters", "redis://h/0?key_prefix=a&timeout=1",
			[]string{"go-redis's redis.ParseURL rejects it (redis: unexpected option: key_prefix, timeout): it rejects every query parameter it does not know"}},
		{"scheme it does not know", "valkeys://h/0",
			[]string{"(redis: invalid URL scheme: valkeys)", "Written as rediss://, go-redis's redis.ParseURL reads it as cacheurl does"}},
		{"several hosts", "redis://h1:6380,h2:6379/0",
			[]string{`go-redis's redis.ParseURL rejects it (parse "redis://h1:6380,h2/0": invalid port ":6380,h2" after host): it takes one address`}},
		{"hosts misread", "redis://h1,h2/0",
			[]string{`go-redis's redis.ParseURL accepts it but reads address tcp "h1,h2:6379" (cacheurl: h1:6379, h2:6379)`}},
		{"socket", "redis:///run/r.sock",
			[]string{"for a unix socket it wants unix:///run/r.sock?db=0"}},
		{"go-redis's socket spelling", "unix://:hunter2@/run/r.sock?db=2", nil},
		{"agrees", "rediss://u:hunter2@h:6380/3?dial_timeout=5s", nil},
		{"sentinel", "redis+sentinel://s1/m", []string{"redis.ParseFailoverURL rejects it"}},
		{"cluster", "redis+cluster://n1", []string{"redis.ParseClusterURL rejects it"}},
		{"not redis", "memcached://h?foo=1", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := core.Parse(tt.url)
			if err != nil {
				t.Fatal(err)
			}
			got := Differences(c)
			text := strings.Join(got, "\n")
			if tt.want == nil && got != nil {
				t.Errorf("Differences = %q, want none", got)
			}
			for _, s := range tt.want {
				if !strings.Contains(text, s) {
					t.Errorf("differences lack %q:\n%s", s, text)
				}
			}
			if strings.Contains(text, "hunter2") {
				t.Errorf("differences show the password:\n%s", text)
			}
		})
	}
}
