package main

import (
	"maps"
	"slices"
	"strings"
	"testing"
)

// TestExplainWarnings: explain lists, in this order, where django-cache-url
// reads the URL otherwise (internal/djangoref), what Django ignores
// (core.Config.Warnings) and where go-redis's parsers differ
// (internal/goredisurl); each source has its own tests.
func TestExplainWarnings(t *testing.T) {
	r := runCLI(t, nil, "", "explain", "valkey://u:hunter2@h/0?max_entries=10")
	if r.status != exitOK {
		t.Fatalf("status %d:\n%s%s", r.status, r.stdout, r.stderr)
	}
	warnings := r.stdout[strings.Index(r.stdout, "\nWarnings:\n"):]
	rest := warnings
	for _, s := range []string{
		"  - django-cache-url 3.4.6 rejects this URL (Exception: Unknown backend: \"valkey\")",
		"  - Django's RedisCache does not cull, so it ignores MAX_ENTRIES",
		"  - go-redis's redis.ParseURL rejects it (redis: invalid URL scheme: valkey)",
	} {
		i := strings.Index(rest, s)
		if i < 0 {
			t.Fatalf("warnings lack %q (in order):\n%s", s, warnings)
		}
		rest = rest[i+len(s):]
	}
	if strings.Contains(r.stdout, "hunter2") {
		t.Errorf("output shows the password:\n%s", r.stdout)
	}
	if r := runCLI(t, nil, "", "explain", "redis://:hunter2@127.0.0.1:6379/0"); !strings.HasSuffix(r.stdout, "\nWarnings: none\n") {
		t.Errorf("a URL every reader reads alike has warnings:\n%s", r.stdout)
	}
}

// TestExplainBreakdown checks the breakdown lines for the parts explain
// describes: backend, addresses, db, TLS, TTL, options.
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
