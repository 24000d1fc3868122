package main

import (
	"bytes"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/cacheurl/cacheurl/internal/golden"
)

// result is what one in-process run produced.
type result struct {
	stdout, stderr string
	status         int
}

// runCLI runs the program in-process with the given arguments, standard
// input and environment (nil: nothing set).
func runCLI(t testing.TB, env map[string]string, stdin string, args ...string) result {
	t.Helper()
	var stdout, stderr bytes.Buffer
	getenv := func(k string) string { return env[k] }
	status := run(args, strings.NewReader(stdin), &stdout, &stderr, getenv)
	return result{stdout.String(), stderr.String(), status}
}

// updateCmd rewrites the golden files.
const updateCmd = "go test ./cmd/cacheurl -update"

// goldenTests are the commands whose whole output is kept in
// testdata/<name>.golden. Each golden file was reviewed against the grammar
// (docs/grammar.md) and the reference vectors when written; run "go test ./cmd/cacheurl -update"
// after a deliberate change and review the diff.
var goldenTests = []struct {
	name  string
	env   map[string]string
	stdin string
	args  []string
}{
	{name: "help", args: []string{"help"}},
	{name: "no_args", args: nil},
	{name: "unknown_command", args: []string{"pasre"}},
	{name: "help_parse", args: []string{"help", "parse"}},
	{name: "help_explain", args: []string{"explain", "-h"}},
	{name: "flag_before_command", args: []string{"--bogus"}},
	{name: "parse_unknown_flag", args: []string{"parse", "-bogus", "locmem://"}},
	{name: "parse_flag_needs_value", args: []string{"parse", "--format"}},

	// parse, one URL, each format.
	{name: "parse_default", args: []string{"parse"}},
	{name: "parse_env", env: map[string]string{"CACHE_URL": "redis://:hunter2@cache:6379/1?key_prefix=app&timeout=5m"}, args: []string{"parse"}},
	{name: "parse_json", args: []string{"parse", "redis://app:hunter2@Cache:6380/2?timeout=none&key_prefix=a%26b&dial_timeout=3s&password=hunter3"}},
	{name: "parse_json_secrets", args: []string{"parse", "--show-secrets", "redis://app:hunter2@Cache:6380/2?password=hunter3"}},
	{name: "parse_django", args: []string{"parse", "--format", "django", "hiredis://:hunter2@cache/3?max_entries=1000&cull_frequency=4&timeout=1h&foo=bar"}},
	{name: "parse_django_replicas", args: []string{"parse", "--format=django", "valkeys://u:hunter2@primary:6380,replica/1"}},
	{name: "parse_django_redis_cache", args: []string{"parse", "--format", "django", "--show-secrets", "redis://:pw@h/1?lib=redis-cache&parser_class=redis.connection.HiredisParser&connection_pool_class=redis.BlockingConnectionPool&max_connections=50&timeout=20"}},
	{name: "parse_django_memcached", args: []string{"parse", "--format", "django", "pymemcache://mc1:11211,mc2?key_prefix=site1"}},
	{name: "parse_django_sentinel", args: []string{"parse", "--format", "django", "redis+sentinel://:hunter2@s1,s2/mymaster/0"}},
	{name: "parse_url", args: []string{"parse", "--format", "url", "REDIS://:p%40ss@Cache:6379/00?TTL=5m&Key_Prefix=app"}},
	{name: "parse_url_secrets", args: []string{"parse", "redis://:p%40ss@Cache:6379/00?TTL=5m", "--format", "url", "--show-secrets"}},
	{name: "parse_input_json", args: []string{"parse", "--input", "json", `"locmem://x\u0001y"`}},
	{name: "parse_error", args: []string{"parse", "redsi://:hunter2@h/0"}},
	{name: "parse_error_env", env: map[string]string{"CACHE_URL": "redis://:hunter2@h:99999/0"}, args: []string{"parse"}},
	{name: "parse_error_fragment", args: []string{"parse", "redis://:hun#ter2@h/0"}},
	{name: "parse_bad_format", args: []string{"parse", "--format", "yaml", "locmem://"}},
	{name: "parse_too_many", args: []string{"parse", "locmem://", "dummy://"}},

	// parse -, batch.
	{name: "batch_json", stdin: batchInput, args: []string{"parse", "-"}},
	{name: "batch_django", stdin: batchInput, args: []string{"parse", "--format", "django", "-"}},
	{name: "batch_url_secrets", stdin: batchInput, args: []string{"parse", "--format", "url", "--show-secrets", "-"}},
	{name: "batch_input_json", stdin: `"locmem://a"` + "\n" + `"redis://h/0?key_prefix=\u00e9"` + "\n" + `"locmem://x\ty"` + "\nlocmem://not-json\n" + `  "dummy://"  ` + "\n", args: []string{"parse", "--input", "json", "-"}},

	// explain.
	{name: "explain_redis", args: []string{"explain", "redis://:hunter2@cache:6379/1?key_prefix=app&timeout=300"}},
	{name: "explain_username", args: []string{"explain", "redis://app:hunter2@Cache/0"}},
	{name: "explain_valkey_replicas", args: []string{"explain", "valkey://primary:6379,replica:6380/2?max_entries=1000&foo=bar"}},
	{name: "explain_socket", args: []string{"explain", "hiredis:///run/redis-6379.sock/1"}},
	{name: "explain_localhost", args: []string{"explain", "redis://"}},
	{name: "explain_ipv6", args: []string{"explain", "rediss://[::1]:6380/0?ttl=60"}},
	{name: "explain_redis_cache", args: []string{"explain", "redis://:hunter2@h/1?lib=redis-cache&max_connections=5&timeout=20"}},
	{name: "explain_sentinel", args: []string{"explain", "redis+sentinel://:hunter2@s1,s2/mymaster/0"}},
	{name: "explain_cluster", args: []string{"explain", "rediss+cluster://n1,n2:7000"}},
	{name: "explain_memcached", args: []string{"explain", "memcached://u:hunter2@mc1,mc2:11212?timeout=none"}},
	{name: "explain_file", args: []string{"explain", "file://relative/dir%20x?max_entries=100"}},
	{name: "explain_locmem", args: []string{"explain"}},
	{name: "explain_env", env: map[string]string{"CACHE_URL": "db://cache_table?timeout=5m&version=02"}, args: []string{"explain"}},
	{name: "explain_invalid", args: []string{"explain", "redis://h/0?timeout=abc"}},
	{name: "explain_invalid_scheme", args: []string{"explain", "redsi://:hunter2@h/0"}},
	{name: "explain_invalid_control", args: []string{"explain", "--input", "json", `"redis://h\n/0"`}},
	{name: "explain_go_redis_misread", args: []string{"explain", "redis://h1,h2/0"}},
	{name: "explain_goredis_option", args: []string{"explain", "redis://cache:6379/0?dial_timeout=5s"}},
	{name: "explain_clean", args: []string{"explain", "rediss://cache:6380/0"}},
}

// batchInput mixes valid, invalid and non-Django lines, CRLF and an empty
// line, and ends without a newline.
const batchInput = "redis://:hunter2@cache/1?key_prefix=app\n" +
	"memcached://mc1:11211,mc2\r\n" +
	"redsi://h\n" +
	"\n" +
	"redis+sentinel://:hunter2@s1,s2/mymaster\n" +
	"redis://h/0?password=hunter3&timeout=none\n" +
	"  locmem://x  "

func TestGolden(t *testing.T) {
	seen := map[string]bool{}
	for _, tt := range goldenTests {
		if seen[tt.name] {
			t.Fatalf("duplicate golden test %s", tt.name)
		}
		seen[tt.name] = true
		t.Run(tt.name, func(t *testing.T) {
			r := runCLI(t, tt.env, tt.stdin, tt.args...)
			var b strings.Builder
			b.WriteString("# cacheurl")
			for _, a := range tt.args {
				b.WriteString(" " + strconv.Quote(a))
			}
			b.WriteString("\n")
			for _, k := range sortedKeys(tt.env) {
				b.WriteString("# env " + k + "=" + strconv.Quote(tt.env[k]) + "\n")
			}
			if tt.stdin != "" {
				b.WriteString("# stdin " + strconv.Quote(tt.stdin) + "\n")
			}
			b.WriteString("[stdout]\n" + r.stdout)
			b.WriteString("[stderr]\n" + r.stderr)
			b.WriteString("[exit " + strconv.Itoa(r.status) + "]\n")
			got := b.String()

			golden.File(t, filepath.Join("testdata", tt.name+".golden"), got, updateCmd)
		})
	}
}

// TestNoSecretsShown: without --show-secrets no output of any golden run
// contains a password used in the tests.
func TestNoSecretsShown(t *testing.T) {
	for _, tt := range goldenTests {
		if strings.Contains(strings.Join(tt.args, " "), "--show-secrets") {
			continue
		}
		r := runCLI(t, tt.env, tt.stdin, tt.args...)
		for _, secret := range []string{"hunter2", "hunter3", "ter2"} {
			if strings.Contains(r.stdout+r.stderr, secret) {
				t.Errorf("%s: output shows %q:\n%s%s", tt.name, secret, r.stdout, r.stderr)
			}
		}
	}
}
