package main

import (
	"strconv"
	"strings"
	"testing"

	"github.com/cacheurl/cacheurl/internal/testserver/memcachedserver"
	"github.com/cacheurl/cacheurl/internal/testserver/redisserver"
	"github.com/cacheurl/cacheurl/internal/testserver/scripted"
)

// getSetCase is one run of get or set and what it must print.
type getSetCase struct {
	name   string
	env    map[string]string
	stdin  string
	args   []string
	status int
	stdout string   // exact, when want is empty
	stderr []string // substrings of standard error
}

func runGetSet(t *testing.T, cases []getSetCase, secrets ...string) {
	t.Helper()
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			r := runCLI(t, tc.env, tc.stdin, tc.args...)
			if r.status != tc.status {
				t.Errorf("exit %d, want %d\nstdout: %s\nstderr: %s", r.status, tc.status, r.stdout, r.stderr)
			}
			if r.stdout != tc.stdout {
				t.Errorf("stdout %q, want %q", r.stdout, tc.stdout)
			}
			for _, s := range tc.stderr {
				if !strings.Contains(r.stderr, s) {
					t.Errorf("stderr %q does not contain %q", r.stderr, s)
				}
			}
			if tc.stderr == nil && r.stderr != "" {
				t.Errorf("stderr %q, want nothing", r.stderr)
			}
			for _, out := range []string{r.stdout, r.stderr} {
				for _, s := range secrets {
					if strings.Contains(out, s) {
						t.Errorf("the secret %q is printed: %q", s, out)
					}
				}
				for _, c := range out {
					if c != '\n' && (c < 0x20 || c == 0x7f || c >= 0x80 && c <= 0x9f || c == 0x202e) {
						t.Errorf("a control character %U reaches the terminal: %q", c, out)
					}
				}
			}
		})
	}
}

// TestGetSetRedis: set, get, a miss (4), the value forms, redaction, on a
// real redis-server with a password.
func TestGetSetRedis(t *testing.T) {
	s := redisserver.Start(t, redisserver.Config{Password: "s3cret"})
	url := "redis://:s3cret@" + s.Addr + "/0?key_prefix=shop&version=2"
	env := map[string]string{"CACHE_URL": url}
	// A pickle whose loading would run a command, stored as Django would.
	conn := s.Dial(t)
	conn.Must(t, "AUTH", "s3cret")
	conn.Must(t, "SET", "shop:2:evil", "\x80\x04\x95#\x00\x00\x00\x00\x00\x00\x00\x8c\x05posix\x94\x8c\x06system\x94\x93\x94\x8c\x08rm -rf ~\x94\x85\x94R\x94.")
	runGetSet(t, []getSetCase{
		{name: "set", env: env, args: []string{"set", "greeting", `"Zoë"`}},
		{name: "get", env: env, args: []string{"get", "greeting"}, stdout: "\"Zoë\"\n"},
		{name: "set --url", args: []string{"set", "--url", url, "cart", `{"items": [1, 2.0], "n": 1208925819614629174706176}`}},
		{name: "get --url", args: []string{"get", "cart", "--url", url}, stdout: `{"items":[1,2.0],"n":1208925819614629174706176}` + "\n"},
		{name: "set a negative number", env: env, args: []string{"set", "n", "-17", "--ttl", "5m"}},
		{name: "get a negative number", env: env, args: []string{"get", "n"}, stdout: "-17\n"},
		{name: "set from stdin", env: env, stdin: `[true, null, "\u001b[2J\u202e"]`, args: []string{"set", "s", "-"}},
		{name: "get escapes what a terminal acts on", env: env, args: []string{"get", "s"}, stdout: `[true,null,"\u001b[2J\u202e"]` + "\n"},
		{name: "a miss is 4", env: env, args: []string{"get", "nope\x1b[2J"}, status: 4,
			stderr: []string{`cacheurl get: no value under "nope\u001b[2J" (stored key "shop:2:nope\u001b[2J")`}},
		{name: "set --ttl 0 removes", env: env, args: []string{"set", "--ttl", "0", "greeting", `"x"`}},
		{name: "removed", env: env, args: []string{"get", "greeting"}, status: 4, stderr: []string{"no value"}},
		{name: "an exploit is refused", env: env, args: []string{"get", "evil"}, status: 1,
			stderr: []string{"the pickle refers to posix.system, which is not plain data", "nothing was run", `(in "redis://:xxxxx@`}},
		{name: "wrong password", env: map[string]string{"CACHE_URL": "redis://:wr0ng@" + s.Addr + "/0"}, args: []string{"get", "k"}, status: 3,
			stderr: []string{"cacheurl get: cache: get: the server rejected the credentials", `"redis://:xxxxx@`}},
		{name: "password from CACHE_PASSWORD", env: map[string]string{"CACHE_URL": "redis://" + s.Addr + "/0?key_prefix=shop&version=2", "CACHE_PASSWORD": "s3cret"},
			args: []string{"get", "n"}, stdout: "-17\n"},
	}, "s3cret", "wr0ng")
	if ttl := conn.Must(t, "TTL", "shop:2:n"); ttl.(int64) < 290 || ttl.(int64) > 300 {
		t.Errorf("--ttl 5m: TTL %v", ttl)
	}
}

// TestGetSetMemcached: the flags Django's memcached clients use.
func TestGetSetMemcached(t *testing.T) {
	s := memcachedserver.Start(t)
	for _, scheme := range []string{"pymemcache", "memcached"} {
		env := map[string]string{"CACHE_URL": scheme + "://" + s.Address() + "?key_prefix=" + scheme}
		runGetSet(t, []getSetCase{
			{name: scheme + " set", env: env, args: []string{"set", "k", `{"a": [1, "Zoë", null]}`}},
			{name: scheme + " get", env: env, args: []string{"get", "k"}, stdout: `{"a":[1,"Zoë",null]}` + "\n"},
			{name: scheme + " str", env: env, args: []string{"set", "s", `"Zoë"`}},
			{name: scheme + " get str", env: env, args: []string{"get", "s"}, stdout: "\"Zoë\"\n"},
			{name: scheme + " a key memcached cannot store", env: env, args: []string{"get", "a b"}, status: 2,
				stderr: []string{"memcached keys have no spaces or control characters"}},
		})
	}
}

// TestGetSetErrors: usage, URLs that cannot serve, servers that fail or
// say hostile things.
func TestGetSetErrors(t *testing.T) {
	hostile := scripted.RESP(t, func(args []string) string {
		switch strings.ToLower(args[0]) {
		case "get":
			return "-ERR \x1b]0;owned\x07\x1b[2J s3cret \u009b31m\r\n"
		case "hello":
			return "-ERR unknown command 'HELLO'\r\n"
		}
		return "+OK\r\n"
	})
	value := scripted.RESP(t, func(args []string) string {
		switch strings.ToLower(args[0]) {
		case "get":
			v := "\x80\x04\x8c\x07\x1b[2J\u202e\x94." // a str pickle
			return "$" + strconv.Itoa(len(v)) + "\r\n" + v + "\r\n"
		case "hello":
			return "-ERR unknown command 'HELLO'\r\n"
		}
		return "+OK\r\n"
	})
	refused := "127.0.0.1:1"
	runGetSet(t, []getSetCase{
		{name: "no URL", args: []string{"get", "k"}, status: 2, stderr: []string{"cacheurl get: no cache: set CACHE_URL (or CACHE_URL_FILE), or give --url"}},
		{name: "locmem", env: map[string]string{"CACHE_URL": "locmem://"}, args: []string{"get", "k"}, status: 1,
			stderr: []string{"locmem:// is a cache inside one process"}},
		{name: "dummy", args: []string{"set", "--url", "dummy://", "k", "1"}, status: 1, stderr: []string{"dummy:// is a cache inside one process"}},
		{name: "file", args: []string{"get", "--url", "file:///tmp/c", "k"}, status: 1, stderr: []string{"no Go client serves"}},
		{name: "invalid URL", env: map[string]string{"CACHE_URL": "redis://:s3cret@h:99999/0"}, args: []string{"get", "k"}, status: 1,
			stderr: []string{"cacheurl: CACHE_URL: port \"99999\"", "redis://:xxxxx@h:99999/0"}},
		{name: "unknown option", args: []string{"get", "--url", "redis://:s3cret@" + refused + "/0?pool_sise=3", "k"}, status: 1,
			stderr: []string{`unknown option "pool_sise"`, "--allow-unknown"}},
		{name: "refused", args: []string{"get", "--url", "redis://:s3cret@" + refused + "/0", "k"}, status: 3,
			stderr: []string{"connection refused", "redis://:xxxxx@127.0.0.1:1/0"}},
		{name: "no key", args: []string{"get", "--url", "redis://" + refused}, status: 2, stderr: []string{"want one KEY, got 0 arguments"}},
		{name: "two keys", args: []string{"get", "a", "b"}, status: 2, stderr: []string{"want one KEY, got 2 arguments"}},
		{name: "set without JSON", args: []string{"set", "k"}, status: 2, stderr: []string{"want KEY and JSON"}},
		{name: "invalid JSON", args: []string{"set", "--url", "redis://" + refused, "k", "{s3cret"}, status: 2,
			stderr: []string{"cacheurl set: the value is not JSON Django's values can hold: django: not JSON: syntax error at byte 2"}},
		{name: "invalid --ttl", args: []string{"set", "--ttl", "1500ms", "k", "1"}, status: 2, stderr: []string{`invalid --ttl "1500ms"`}},
		{name: "bad --timeout", args: []string{"get", "--timeout", "0s", "k"}, status: 2, stderr: []string{"--timeout must be positive"}},
		{name: "a server's words are escaped and redacted", args: []string{"get", "--url", "redis://:s3cret@" + hostile + "/0", "k"}, status: 3,
			stderr: []string{`\u001b]0;owned\u0007\u001b[2J xxxxx \u009b31m`}},
		{name: "a stored value is escaped", args: []string{"get", "--url", "redis://" + value + "/0", "k"}, stdout: `"\u001b[2J\u202e"` + "\n"},
	}, "s3cret")
}
