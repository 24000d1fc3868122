package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"path/filepath"
	"regexp"
	"runtime/debug"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/cacheurl/cacheurl/internal/golden"
	"github.com/cacheurl/cacheurl/internal/testserver"
	"github.com/cacheurl/cacheurl/internal/testserver/memcachedserver"
	"github.com/cacheurl/cacheurl/internal/testserver/redisserver"
	"github.com/cacheurl/cacheurl/internal/testserver/scripted"
)

func checkCLI(t *testing.T, env map[string]string, args ...string) (stdout, stderr string, status int) {
	t.Helper()
	var out, errb bytes.Buffer
	status = run(args, strings.NewReader(""), &out, &errb, func(k string) string { return env[k] })
	return out.String(), errb.String(), status
}

func TestCheckCommand(t *testing.T) {
	const pw = "ch3ck-pass-word"
	srv := redisserver.Start(t, redisserver.Config{Password: pw})
	mc := memcachedserver.Start(t)
	refused := testserver.RefusedAddr(t)
	silentSentinel := scripted.Silent(t)

	tests := []struct {
		name   string
		env    map[string]string
		args   []string
		status int
		out    []string // substrings of stdout
		err    []string // substrings of stderr
	}{
		{"default locmem", nil, []string{"check"}, 0, []string{"url:         locmem://", "address:     in-process", "ok\n"}, nil},
		{"from CACHE_URL", map[string]string{"CACHE_URL": fmt.Sprintf("redis://:%s@%s/1", pw, srv.Addr)}, []string{"check"}, 0,
			[]string{"url:         redis://:xxxxx@" + srv.Addr + "/1", "backend:     redis (standalone)", "server:      redis ", "round trip:"}, nil},
		{"memcached", nil, []string{"check", "memcached://" + mc.Addr}, 0, []string{"server:      memcached 1."}, nil},
		{"wrong password", nil, []string{"check", fmt.Sprintf("redis://:%sX@%s/0", pw, srv.Addr)}, 3, nil,
			[]string{"FAILED (auth)", "rejected the credentials", "redis://:xxxxx@"}},
		{"refused", nil, []string{"check", "--timeout", "2s", "redis://" + refused + "/0"}, 3, nil, []string{"FAILED (refused)", "connection refused"}},
		{"bad URL", nil, []string{"check", "redsi://h"}, 1, nil, []string{`did you mean "redis"?`, "^^^^^"}},
		{"no Go client", nil, []string{"check", "file:///tmp/x"}, 1, nil, []string{"FAILED (no_go_client)", "no Go client serves"}},
		{"unknown option", nil, []string{"check", fmt.Sprintf("redis://:%s@%s/0?pool_sise=3", pw, srv.Addr)}, 1, nil,
			[]string{"FAILED (config)", `unknown option "pool_sise"`, "--allow-unknown"}},
		{"unknown option allowed", nil, []string{"check", "--allow-unknown", fmt.Sprintf("redis://:%s@%s/0?pool_sise=3", pw, srv.Addr)}, 0, []string{"ok\n"}, nil},
		{"unknown locmem option", nil, []string{"check", "locmem://?pool_sise=3"}, 1, nil, []string{`unknown option "pool_sise"`, "--allow-unknown"}},
		{"usage", nil, []string{"check", "a", "b"}, 2, nil, []string{"too many arguments"}},
		{"bad timeout", nil, []string{"check", "--timeout", "0s"}, 2, nil, []string{"--timeout must be positive"}},
		{"bad wait", nil, []string{"check", "--wait", "-1s"}, 2, nil, []string{"--wait must not be negative"}},
		{"bad duration", nil, []string{"check", "--timeout", "soon"}, 2, nil, []string{`invalid value "soon" for --timeout: want a duration`}},
		{"unknown flag", nil, []string{"check", "--bogus"}, 2, nil, []string{"cacheurl check: unknown flag --bogus\n"}},
	}
	for _, tt := range tests {
		out, errOut, status := checkCLI(t, tt.env, tt.args...)
		if status != tt.status {
			t.Errorf("%s: status %d, want %d\nstdout: %s\nstderr: %s", tt.name, status, tt.status, out, errOut)
		}
		for _, s := range tt.out {
			if !strings.Contains(out, s) {
				t.Errorf("%s: stdout lacks %q:\n%s", tt.name, s, out)
			}
		}
		for _, s := range tt.err {
			if !strings.Contains(errOut, s) {
				t.Errorf("%s: stderr lacks %q:\n%s", tt.name, s, errOut)
			}
		}
		if strings.Contains(out+errOut, pw) || strings.Contains(errOut, "AllowUnknown") {
			t.Errorf("%s: output shows the password or the Go API's option name:\n%s%s", tt.name, out, errOut)
		}
	}

	// A silent sentinel: --timeout 500ms fails well under 1s.
	start := time.Now()
	_, errOut, status := checkCLI(t, nil, "check", "--timeout", "500ms", "redis+sentinel://:pw@"+silentSentinel+"/mymaster")
	if took := time.Since(start); status != 3 || took > 900*time.Millisecond || !strings.Contains(errOut, "FAILED (timeout)") {
		t.Errorf("silent sentinel: status %d after %v:\n%s", status, took, errOut)
	}
}

// TestCheckJSON: --json prints one object with every key, for success and
// each kind of failure, and the exit status in it matches the process's.
func TestCheckJSON(t *testing.T) {
	srv := redisserver.Start(t, redisserver.Config{})
	keys := []string{"ok", "status", "target", "source", "backend", "topology", "address", "kind", "message",
		"server", "note", "latency_ms", "connect_ms", "round_trip_ms", "attempts", "elapsed_ms"}
	for _, tt := range []struct {
		args   []string
		status int
		kind   string
	}{
		{[]string{"check", "--json", "redis://" + srv.Addr + "/0"}, 0, "ok"},
		{[]string{"check", "--json", "redis://" + srv.Addr + "/0?pool_sise=1"}, 1, "config"},
		{[]string{"check", "--json", "redis://:s3cret-pw@h:99999/0"}, 1, "invalid_port"},
		{[]string{"check", "--json", "redis://" + testserver.RefusedAddr(t) + "/0"}, 3, "refused"},
	} {
		out, errOut, status := checkCLI(t, nil, tt.args...)
		var m map[string]any
		if err := json.Unmarshal([]byte(out), &m); err != nil || strings.Count(out, "\n") != 1 {
			t.Fatalf("%v: not one JSON object: %v\n%s", tt.args, err, out)
		}
		if status != tt.status || m["status"] != float64(tt.status) || m["kind"] != tt.kind || errOut != "" {
			t.Errorf("%v: status %d, object %v, stderr %q; want status %d kind %s", tt.args, status, m, errOut, tt.status, tt.kind)
		}
		for _, k := range keys {
			if _, ok := m[k]; !ok {
				t.Errorf("%v: no key %q in %s", tt.args, k, out)
			}
		}
		if len(m) != len(keys) || strings.Contains(out, "s3cret-pw") {
			t.Errorf("%v: keys %v, want exactly %v, and no password", tt.args, m, keys)
		}
		if ok := tt.status == 0; m["ok"] != ok || (m["server"] != nil) != ok || (m["latency_ms"] != nil) != ok {
			t.Errorf("%v: ok/server/latency_ms inconsistent: %s", tt.args, out)
		}
	}
}

// TestCheckWait: --wait retries with backoff until the deadline, printing
// one line per retry, and gives up with the last error.
func TestCheckWait(t *testing.T) {
	refused := "redis://" + testserver.RefusedAddr(t) + "/0"
	start := time.Now()
	_, errOut, status := checkCLI(t, nil, "check", "--wait", "700ms", "--timeout", "200ms", refused)
	took := time.Since(start)
	if status != 3 || took > 2*time.Second {
		t.Errorf("status %d after %v", status, took)
	}
	for _, s := range []string{"attempt 1 failed (refused), retrying in 100ms: ", "attempt 2 failed (refused), retrying in 200ms: ", "FAILED (refused)", "gave up after "} {
		if !strings.Contains(errOut, s) {
			t.Errorf("stderr lacks %q:\n%s", s, errOut)
		}
	}
	// A server that comes up while waiting.
	srv := redisserver.Start(t, redisserver.Config{})
	out, errOut, status := checkCLI(t, nil, "check", "--wait", "5s", "--json", "redis://"+srv.Addr+"/0")
	if status != 0 || !strings.Contains(out, `"attempts":1,`) || errOut != "" {
		t.Errorf("ready server: status %d\n%s%s", status, out, errOut)
	}
}

func TestVersionLine(t *testing.T) {
	info := &debug.BuildInfo{GoVersion: "go1.26.8", Main: debug.Module{Path: "github.com/cacheurl/cacheurl", Version: "v0.0.0-20261202140750-d4b3795a1b2c+dirty"},
		Settings: []debug.BuildSetting{{Key: "vcs.revision", Value: "d4b3795a1b2c3d4e5f60718293a4b5c6d7e8f901"}, {Key: "vcs.time", Value: "2026-12-02T14:07:50Z"}, {Key: "vcs.modified", Value: "true"}}}
	got := versionLine(info)
	if !regexp.MustCompile(`^cacheurl v0\.0\.0-20261202140750-d4b3795a1b2c\+dirty \(commit d4b3795a1b2c, 2026-12-02T14:07:50Z, modified\) go1\.26\.8 \w+/\w+$`).MatchString(got) {
		t.Errorf("versionLine = %q", got)
	}
	if got := versionLine(&debug.BuildInfo{GoVersion: "go1.24.0", Main: debug.Module{Version: "(devel)"}}); !strings.HasPrefix(got, "cacheurl (devel) go1.24.0 ") {
		t.Errorf("devel: %q", got)
	}
	if got := versionLine(nil); !strings.HasPrefix(got, "cacheurl (unknown) go") {
		t.Errorf("no build info: %q", got)
	}
	out, errOut, status := checkCLI(t, nil, "--version")
	if status != 0 || !strings.HasPrefix(out, "cacheurl ") || errOut != "" {
		t.Errorf("--version: %d %q %q", status, out, errOut)
	}
	if _, _, status := checkCLI(t, nil, "--version", "x"); status != 2 {
		t.Errorf("--version x: status %d", status)
	}
}

// checkGolden are check runs against real and scripted servers whose
// output is kept in testdata/<name>.golden, normalised (see normalizeCheck):
// the servers' random ports are written as the standard ones, durations and
// server versions as placeholders.
func TestCheckGolden(t *testing.T) {
	addrs := checkServers(t)
	for _, tt := range checkGoldenTests {
		t.Run(tt.name, func(t *testing.T) {
			args := make([]string, len(tt.args))
			for i, a := range tt.args {
				args[i] = addrs.toReal(a)
			}
			env := map[string]string{}
			for k, v := range tt.env {
				env[k] = addrs.toReal(v)
			}
			out, errOut, status := checkCLI(t, env, args...)
			var b strings.Builder
			b.WriteString("# cacheurl")
			for _, a := range tt.args {
				b.WriteString(" " + strconv.Quote(a))
			}
			b.WriteString("\n")
			for _, k := range sortedKeys(tt.env) {
				b.WriteString("# env " + k + "=" + strconv.Quote(tt.env[k]) + "\n")
			}
			b.WriteString("[stdout]\n" + addrs.normalize(out))
			b.WriteString("[stderr]\n" + addrs.normalize(errOut))
			b.WriteString("[exit " + strconv.Itoa(status) + "]\n")
			got := b.String()
			golden.File(t, filepath.Join("testdata", tt.name+".golden"), got, updateCmd)
		})
	}
}

var checkGoldenTests = []struct {
	name string
	env  map[string]string
	args []string
}{
	{"check_redis", nil, []string{"check", "redis://:s3cret@127.0.0.1:6379/0"}},
	{"check_redis_json", nil, []string{"check", "--json", "redis://:s3cret@127.0.0.1:6379/0"}},
	{"check_memcached", nil, []string{"check", "memcached://127.0.0.1:11211"}},
	{"check_locmem_env", map[string]string{"CACHE_URL": "locmem://sessions?max_entries=1000"}, []string{"check", "--json"}},
	{"check_refused", nil, []string{"check", "redis://127.0.0.1:6390/0"}},
	{"check_refused_json", nil, []string{"check", "--json", "redis://127.0.0.1:6390/0"}},
	{"check_wait", nil, []string{"check", "--wait", "1s", "--timeout", "300ms", "redis://127.0.0.1:6390/0"}},
	{"check_wrong_password", nil, []string{"check", "redis://:wrong@127.0.0.1:6379/0"}},
	{"check_protected_mode", nil, []string{"check", "redis://10.0.0.5:6379/0"}},
	{"check_sentinel_silent", nil, []string{"check", "--timeout", "500ms", "redis+sentinel://10.0.0.7:26379/mymaster"}},
	{"check_db_range", nil, []string{"check", "redis://:s3cret@127.0.0.1:6379/42"}},
	{"check_redis_at_memcached", nil, []string{"check", "redis://127.0.0.1:11211/0"}},
	{"check_unknown_option", nil, []string{"check", "redis://:s3cret@127.0.0.1:6379/0?pool_sise=20"}},
	{"check_invalid_json", nil, []string{"check", "--json", "redis://:s3cret@cache:99999/0"}},
	{"check_bogus_flag", nil, []string{"check", "--bogus", "redis://h/0"}},
	{"check_help", nil, []string{"help", "check"}},
}

// checkAddrs maps the documented addresses to the test servers' real ones.
type checkAddrs struct {
	pairs [][2]string // documented, real
}

// checkServers starts the servers the check examples talk to: redis with
// password s3cret at "127.0.0.1:6379", memcached at "127.0.0.1:11211",
// nothing at "127.0.0.1:6390", a redis in protected mode at
// "10.0.0.5:6379" and a sentinel that never answers at "10.0.0.7:26379"
// (scripted, on loopback).
func checkServers(t *testing.T) *checkAddrs {
	rs := redisserver.Start(t, redisserver.Config{Password: "s3cret"})
	mc := memcachedserver.Start(t)
	return &checkAddrs{pairs: [][2]string{
		{"127.0.0.1:6379", rs.Addr},
		{"127.0.0.1:11211", mc.Addr},
		{"127.0.0.1:6390", testserver.RefusedAddr(t)},
		{"10.0.0.5:6379", scripted.SayAndClose(t, scripted.DeniedReply)},
		{"10.0.0.7:26379", scripted.Silent(t)},
	}}
}

func (a *checkAddrs) toReal(s string) string {
	for _, p := range a.pairs {
		s = strings.ReplaceAll(s, p[0], p[1])
	}
	return s
}

var (
	reDuration = regexp.MustCompile(`\b\d+(\.\d+)?(ns|µs|ms|s|m)\b`)
	reMillis   = regexp.MustCompile(`("(?:latency|connect|round_trip|elapsed)_ms":)[0-9.]+`)
	reVersion  = regexp.MustCompile(`\b(redis|valkey|memcached) \d+\.\d+\.\d+\b`)
)

// normalize writes the real addresses as the documented ones, and
// durations, millisecond figures and server versions as placeholders, so
// that a run's output can be compared with a golden file or with a
// transcript in docs/.
func (a *checkAddrs) normalize(s string) string {
	for _, p := range a.pairs {
		s = strings.ReplaceAll(s, p[1], p[0])
	}
	return normalizeTimes(s)
}

func normalizeTimes(s string) string {
	s = reMillis.ReplaceAllString(s, "${1}<ms>")
	s = reVersion.ReplaceAllString(s, "$1 <version>")
	// Durations on the check's own lines; the retry delays are fixed.
	var b strings.Builder
	for _, line := range strings.SplitAfter(s, "\n") {
		if strings.HasPrefix(line, "connect:") || strings.HasPrefix(line, "round trip:") || strings.Contains(line, "gave up after") {
			line = reDuration.ReplaceAllString(line, "<duration>")
		}
		b.WriteString(line)
	}
	return b.String()
}

// TestCheckWritesNoControlCharacter: a port answering memcached's version
// command with an escape sequence (set the terminal's title, clear the
// screen) gets it escaped in the text output and in --json, and so does a
// URL's control character.
func TestCheckWritesNoControlCharacter(t *testing.T) {
	const evil = "\x1b]0;pwned-title\x07\x1b[2J"
	addr := scripted.Listen(t, func(c net.Conn) { io.WriteString(c, evil+"\r\n") })
	for _, args := range [][]string{
		{"check", "--timeout", "2s", "memcached://" + addr},
		{"check", "--timeout", "2s", "--json", "memcached://" + addr},
		{"check", "--timeout", "2s", "--wait", "1s", "memcached://" + addr},
		{"check", "--json", "redis://h\x1b[2J\x7f/0"},
		{"check", "redis://h\x1b[2J\x7f/0"},
	} {
		out, errOut, status := checkCLI(t, nil, args...)
		if status == 0 {
			t.Errorf("%q: status 0", args)
		}
		for i, r := range out + errOut {
			if r < ' ' && r != '\n' || r == 0x7f || r >= 0x80 && r < 0xa0 {
				t.Errorf("%q writes %q at byte %d:\n%s%s", args, r, i, out, errOut)
				break
			}
		}
		if strings.Contains(args[len(args)-1], addr) && !strings.Contains(out+errOut, `pwned-title`) {
			t.Errorf("%q: the server's words are not shown:\n%s%s", args, out, errOut)
		}
	}
}
