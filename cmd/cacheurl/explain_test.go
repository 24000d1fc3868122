package main

import (
	"maps"
	"slices"
	"strings"
	"testing"
)

// TestExplainWarnings checks that explain names each way the other dialects
// read a URL differently. The expected django-cache-url values are the
// reference's outputs recorded in the vectors and docs/django.md (fixes 1–8);
// the go-redis ones are go-redis v9's documented ParseURL rules.
func TestExplainWarnings(t *testing.T) {
	tests := []struct {
		name   string
		url    string
		want   []string // substrings of the output
		absent []string
	}{
		// docs/django.md deliberate fixes: what django-cache-url 3.4.6 gives instead.
		{"fix 1 username", "redis://u:hunter2@h/2",
			[]string{`django-cache-url 3.4.6 gives LOCATION "redis://:xxxxx@h:6379/2", cacheurl "redis://u:xxxxx@h:6379/2": it drops the username`}, nil},
		{"fix 2 IPv6", "redis://[::1]:6379/0",
			[]string{`LOCATION "redis://::1:6379/0"`, "brackets"}, nil},
		{"fix 3 socket db", "redis:///run/redis-6379.sock/1",
			[]string{`LOCATION "unix:///run/redis-6379.sock?db=6379", cacheurl "unix:///run/redis-6379.sock?db=1"`}, nil},
		{"fix 4 empty authority", "redis:///1",
			[]string{`LOCATION "unix://?db=1", cacheurl "redis://localhost:6379/1"`}, nil},
		{"fix 5 several hosts", "redis://h1:6379,h2:6379/0",
			[]string{`django-cache-url 3.4.6 rejects this URL (ValueError: Port could not be cast to integer value as '6379,h2:6379')`, "several redis hosts"}, nil},
		{"fix 6 db decoded", "redis://h/%31",
			[]string{`LOCATION "redis://h:6379/%31", cacheurl "redis://h:6379/1"`}, nil},
		{"fix 6 version", "locmem://?version=02",
			[]string{`VERSION "02", cacheurl "2"`}, nil},
		{"fix 6 file path decoded", "file:///tmp/a%20b",
			[]string{`LOCATION "/tmp/a%20b", cacheurl "/tmp/a b"`}, nil},
		{"fix 6 whitespace", "locmem:// ",
			[]string{`LOCATION " ", cacheurl ""`, "trims"}, nil},
		{"fix 7 duration", "locmem://?timeout=5m",
			[]string{`TIMEOUT "5m", cacheurl "300"`, "silently uses 300 s"}, nil},
		{"fix 7 none", "locmem://?timeout=none",
			[]string{`TIMEOUT "none", cacheurl null`}, nil},
		{"fix 7 ttl alias", "locmem://?ttl=60",
			[]string{`also sets TTL "60"`, `does not set TIMEOUT (cacheurl: "60")`}, nil},
		{"fix 8 valkey", "valkey://h/0",
			[]string{`rejects this URL (Exception: Unknown backend: "valkey")`, "renders as its redis://"}, nil},
		{"fix 8 environ memcache", "memcache://h",
			[]string{`Unknown backend: "memcache"`, "renders as its pymemcached://"}, nil},
		{"reference agrees", "redis://:hunter2@127.0.0.1:6379/0?key_prefix=site1", nil,
			[]string{"django-cache-url"}},

		// Values Django ignores.
		{"max_entries on redis", "redis://h/0?max_entries=10",
			[]string{"Django's RedisCache does not cull, so it ignores MAX_ENTRIES"}, nil},
		{"cull_frequency on memcached", "pymemcache://h?cull_frequency=2",
			[]string{"Django's PyMemcacheCache does not cull, so it ignores CULL_FREQUENCY"}, nil},
		{"max_entries on locmem is used", "locmem://?max_entries=10&cull_frequency=2", nil,
			[]string{"cull"}},
		{"unknown options at the top level", "db://t?foo=1&client_class=x",
			[]string{"Django ignores the top-level keys CLIENT_CLASS, FOO"}, nil},
		{"lib=redis-cache consumes its parameters", "redis://h/0?lib=redis-cache&parser_class=P&max_connections=3", nil,
			[]string{"top-level"}},
		{"hiredis parser class", "hiredis://h/0",
			[]string{"OPTIONS parser_class (lower case)"}, nil},

		// go-redis.
		{"go-redis unknown parameters", "redis://h/0?key_prefix=a&timeout=1",
			[]string{"go-redis's redis.ParseURL rejects it (redis: unexpected option: key_prefix, timeout)"}, nil},
		{"go-redis scheme", "valkeys://h/0",
			[]string{"(redis: invalid URL scheme: valkeys)", "Written as rediss://"}, nil},
		{"go-redis several hosts", "redis://h1:6380,h2:6379/0",
			[]string{`go-redis's redis.ParseURL rejects it (parse "redis://h1:6380,h2/0": invalid port ":6380,h2" after host): it takes one address`}, nil},
		{"go-redis misreads hosts", "redis://h1,h2/0",
			[]string{`go-redis's redis.ParseURL accepts it but reads address tcp "h1,h2:6379"`}, nil},
		{"go-redis socket", "redis:///run/r.sock",
			[]string{"unix:///run/r.sock?db=0"}, nil},
		{"go-redis agrees", "rediss://u:hunter2@h:6380/3?dial_timeout=5s", nil,
			[]string{"go-redis"}},
		{"go-redis sentinel", "redis+sentinel://s1/m",
			[]string{"redis.ParseFailoverURL rejects it"}, nil},
		{"go-redis cluster", "redis+cluster://n1",
			[]string{"redis.ParseClusterURL rejects it"}, nil},
		{"no go-redis for memcached", "memcached://h?foo=1", nil,
			[]string{"go-redis"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := runCLI(t, nil, "", "explain", tt.url)
			if r.status != exitOK {
				t.Fatalf("status %d:\n%s%s", r.status, r.stdout, r.stderr)
			}
			warnings := r.stdout[strings.Index(r.stdout, "\nWarnings"):]
			for _, s := range tt.want {
				if !strings.Contains(warnings, s) {
					t.Errorf("warnings lack %q:\n%s", s, warnings)
				}
			}
			for _, s := range tt.absent {
				if strings.Contains(warnings, s) {
					t.Errorf("warnings mention %q:\n%s", s, warnings)
				}
			}
			if strings.Contains(r.stdout, "hunter2") {
				t.Errorf("output shows the password:\n%s", r.stdout)
			}
		})
	}
}

// TestExplainBreakdown checks the breakdown lines for the parts the issue
// lists: backend, addresses, db, TLS, TTL, options.
func TestExplainBreakdown(t *testing.T) {
	r := runCLI(t, nil, "", "explain", "rediss://u:hunter2@primary:6380,replica/4?timeout=90&dial_timeout=3s&password=hunter3")
	for _, line := range []string{
		"URL        rediss://u:xxxxx@primary:6380,replica/4?timeout=90&dial_timeout=3s&password=xxxxx\n",
		"backend    redis, standalone\n",
		"addresses  primary:6380 (primary)\n",
		"           replica:6379 (replica)\n",
		"db         4\n",
		"TLS        yes\n",
		"username   u\n",
		"password   xxxxx\n",
		"TTL        90 s (1m30s)\n",
		"options    dial_timeout = 3s\n",
		"           password = xxxxx\n",
		`["rediss://u:xxxxx@primary:6380/4","rediss://u:xxxxx@replica:6379/4"]` + "\n",
	} {
		if !strings.Contains(r.stdout, line) {
			t.Errorf("explain output lacks %q:\n%s", line, r.stdout)
		}
	}
	if strings.Contains(r.stdout, "hunter") {
		t.Errorf("output shows a secret:\n%s", r.stdout)
	}

	shown := runCLI(t, nil, "", "explain", "--show-secrets", "redis://u:hunter2@h/0")
	for _, s := range []string{"password  hunter2\n", `"redis://:hunter2@h:6379/0"`} {
		if !strings.Contains(shown.stdout, s) {
			t.Errorf("--show-secrets output lacks %q:\n%s", s, shown.stdout)
		}
	}
}

// TestExplainInvalid: an invalid URL gives the error, a caret under the
// offending part, and what django-cache-url would have done with it.
func TestExplainInvalid(t *testing.T) {
	r := runCLI(t, nil, "", "explain", "redis://:hunter2@h:6379/0?max_entries=x")
	want := "invalid URL (invalid_parameter): "
	if r.status != exitFail || !strings.HasPrefix(r.stdout, want) {
		t.Fatalf("status %d, output:\n%s", r.status, r.stdout)
	}
	lines := strings.Split(r.stdout, "\n")
	input, caret := lines[1], lines[2]
	if input != "    redis://:xxxxx@h:6379/0?max_entries=x" {
		t.Errorf("input line %q", input)
	}
	if i := strings.Index(caret, "^"); i < 0 || input[i:strings.LastIndex(caret, "^")+1] != "x" {
		t.Errorf("caret line %q does not underline the value x of %q", caret, input)
	}
	if !strings.Contains(r.stdout, "django-cache-url 3.4.6 rejects it too (ValueError: invalid literal for int() with base 10: 'x')") {
		t.Errorf("no reference verdict:\n%s", r.stdout)
	}
	if strings.Contains(r.stdout, "hunter2") {
		t.Errorf("output shows the password:\n%s", r.stdout)
	}
}

func sortedKeys[V any](m map[string]V) []string { return slices.Sorted(maps.Keys(m)) }
