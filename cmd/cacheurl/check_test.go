package main

import (
	"bytes"
	"fmt"
	"strings"
	"testing"

	"github.com/cacheurl/cacheurl/internal/testserver"
	"github.com/cacheurl/cacheurl/internal/testserver/memcachedserver"
	"github.com/cacheurl/cacheurl/internal/testserver/redisserver"
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
	refused := testserver.FreePort(t)

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
		{"wrong password", nil, []string{"check", fmt.Sprintf("redis://:%sX@%s/0", pw, srv.Addr)}, 1, nil,
			[]string{"FAILED", "rejected the credentials", "redis://:xxxxx@"}},
		{"refused", nil, []string{"check", "--timeout", "2s", fmt.Sprintf("redis://127.0.0.1:%d/0", refused)}, 1, nil, []string{"connection refused"}},
		{"bad URL", nil, []string{"check", "redsi://h"}, 1, nil, []string{`did you mean "redis"?`, "^^^^^"}},
		{"no Go client", nil, []string{"check", "file:///tmp/x"}, 1, nil, []string{"no Go client"}},
		{"usage", nil, []string{"check", "a", "b"}, 2, nil, []string{"too many arguments"}},
		{"bad timeout", nil, []string{"check", "--timeout", "0s"}, 2, nil, []string{"--timeout must be positive"}},
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
		if strings.Contains(out+errOut, pw) {
			t.Errorf("%s: output shows the password", tt.name)
		}
	}
}
