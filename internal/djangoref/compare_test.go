package djangoref

import (
	"strings"
	"testing"
)

// TestDifferences: each deliberate fix of docs/django.md is named, with the
// reference's value (recorded in the vectors) and the reason; a URL the
// reference reads as the Django view has none.
func TestDifferences(t *testing.T) {
	tests := []struct {
		name string
		url  string
		want []string // substrings of the differences, in order
	}{
		{"fix 1 username", "redis://u:hunter2@h/2",
			[]string{`django-cache-url 3.4.6 gives LOCATION "redis://:xxxxx@h:6379/2", cacheurl "redis://u:xxxxx@h:6379/2": it drops the username`}},
		{"fix 2 IPv6", "redis://[::1]:6379/0",
			[]string{`LOCATION "redis://::1:6379/0"`, "brackets"}},
		{"fix 2 IPv6 in a memcached list", "memcached://h1,[::1]:11211",
			[]string{"rejects this URL (ValueError: Invalid IPv6 URL): urllib checks the host list as one host"}},
		{"fix 3 socket db", "redis:///run/redis-6379.sock/1",
			[]string{`LOCATION "unix:///run/redis-6379.sock?db=6379", cacheurl "unix:///run/redis-6379.sock?db=1"`}},
		{"fix 4 empty authority", "redis:///1",
			[]string{`LOCATION "unix://?db=1", cacheurl "redis://localhost:6379/1"`}},
		{"fix 5 several hosts", "redis://h1:6379,h2:6379/0",
			[]string{`django-cache-url 3.4.6 rejects this URL (ValueError: Port could not be cast to integer value as '6379,h2:6379')`, "several redis hosts"}},
		{"fix 6 db decoded", "redis://h/%31",
			[]string{`LOCATION "redis://h:6379/%31", cacheurl "redis://h:6379/1"`}},
		{"fix 6 version", "locmem://?version=02",
			[]string{`VERSION "02", cacheurl "2"`}},
		{"fix 6 file path decoded", "file:///tmp/a%20b",
			[]string{`LOCATION "/tmp/a%20b", cacheurl "/tmp/a b"`}},
		{"fix 6 relative file path", "file://relative/dir",
			[]string{`LOCATION "relative", cacheurl "relative/dir"`, "whole directory"}},
		{"fix 6 whitespace", "locmem:// ",
			[]string{`LOCATION " ", cacheurl ""`, "trims"}},
		{"fix 7 duration", "locmem://?timeout=5m",
			[]string{`TIMEOUT "5m", cacheurl "300"`, "silently uses 300 s"}},
		{"fix 7 none", "locmem://?timeout=none",
			[]string{`TIMEOUT "none", cacheurl null`}},
		{"fix 7 ttl alias", "locmem://?ttl=60",
			[]string{`does not set TIMEOUT (cacheurl: "60")`, `also sets TTL "60"`}},
		{"fix 7 db parameter", "redis://h/?db=3",
			[]string{`LOCATION "redis://h:6379/0", cacheurl "redis://h:6379/3"`, `also sets DB "3"`}},
		{"fix 8 valkey", "valkey://h/0",
			[]string{`rejects this URL (Exception: Unknown backend: "valkey")`, "renders as its redis://"}},
		{"fix 8 environ memcache", "memcache://h",
			[]string{`Unknown backend: "memcache"`, "renders as its pymemcached://"}},
		{"sentinel", "redis+sentinel://s1/m",
			[]string{`Unknown backend: "redis+sentinel"`, "no Redis Sentinel support"}},
		{"invalid, the reference rejects it too", "redis://:hunter2@h:6379/0?max_entries=x",
			[]string{"django-cache-url 3.4.6 rejects it too (ValueError: invalid literal for int() with base 10: 'x')"}},
		{"invalid, the reference accepts it", "redis://h/0?timeout=abc",
			[]string{`accepts it, and a Django service reading it gets {"BACKEND":`, `Django cannot read TIMEOUT "abc" as a number and silently uses 300 s`}},
		{"the reference agrees", "redis://:hunter2@127.0.0.1:6379/0?key_prefix=site1", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Differences(tt.url, false)
			text := strings.Join(got, "\n")
			if tt.want == nil && got != nil {
				t.Errorf("Differences = %q, want none", got)
			}
			rest := text
			for _, s := range tt.want {
				i := strings.Index(rest, s)
				if i < 0 {
					t.Fatalf("differences lack %q (in order):\n%s", s, text)
				}
				rest = rest[i+len(s):]
			}
			if strings.Contains(text, "hunter2") {
				t.Errorf("differences show the password:\n%s", text)
			}
		})
	}
	if got := strings.Join(Differences("redis://u:hunter2@h/2", true), "\n"); !strings.Contains(got, `"redis://u:hunter2@h:6379/2"`) {
		t.Errorf("Differences with reveal hides the password:\n%s", got)
	}
}

func TestKeyOrder(t *testing.T) {
	view := map[string]any{"Z": 1, "TIMEOUT": 1, "BACKEND": 1, "A": 1, "LOCATION": 1, "KEY_FUNCTION": 1}
	if got := strings.Join(KeyOrder(view), " "); got != "BACKEND LOCATION TIMEOUT KEY_FUNCTION A Z" {
		t.Errorf("KeyOrder = %s", got)
	}
}
