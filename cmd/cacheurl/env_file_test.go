package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestEnvFiles runs parse, explain and check with the URL and the password
// in real files (CACHE_URL_FILE, CACHE_PASSWORD_FILE), as Docker and
// Kubernetes mount secrets, and with the environment's errors.
func TestEnvFiles(t *testing.T) {
	const secret = "s3cr3t-from-file"
	dir := t.TempDir()
	write := func(name, content string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(content), 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	urlFile := write("cache_url", "redis://:"+secret+"@cache:6380/2\n")
	noPW := write("cache_url_nopw", "  redis://cache:6380/2  \n")
	pwFile := write("cache_password", secret+"\n")
	missing := filepath.Join(dir, "missing")

	tests := []struct {
		name   string
		env    map[string]string
		args   []string
		status int
		out    []string // in stdout
		errOut []string // in stderr
	}{
		{"parse CACHE_URL_FILE", map[string]string{"CACHE_URL_FILE": urlFile}, []string{"parse", "--format", "url"}, exitOK,
			[]string{"redis://:xxxxx@cache:6380/2"}, nil},
		{"parse --show-secrets", map[string]string{"CACHE_URL_FILE": urlFile}, []string{"parse", "--format", "url", "--show-secrets"}, exitOK,
			[]string{"redis://:" + secret + "@cache:6380/2"}, nil},
		{"parse CACHE_PASSWORD_FILE", map[string]string{"CACHE_URL_FILE": noPW, "CACHE_PASSWORD_FILE": pwFile}, []string{"parse"}, exitOK,
			[]string{`"password": "xxxxx"`, `"db": 2`}, nil},
		{"explain names the file variable", map[string]string{"CACHE_URL_FILE": urlFile}, []string{"explain"}, exitOK,
			[]string{"$CACHE_URL_FILE"}, nil},
		{"missing file", map[string]string{"CACHE_URL_FILE": missing}, []string{"parse"}, exitFail,
			nil, []string{"cacheurl: CACHE_URL_FILE: the file " + `"` + missing + `"` + " cannot be read: no such file or directory"}},
		{"explain, a directory", map[string]string{"CACHE_URL_FILE": dir}, []string{"explain"}, exitFail,
			nil, []string{"CACHE_URL_FILE", "is a directory"}},
		{"check, both set", map[string]string{"CACHE_URL": "redis://h", "CACHE_URL_FILE": urlFile}, []string{"check"}, exitFail,
			nil, []string{"CACHE_URL and CACHE_URL_FILE are both set"}},
		{"password twice", map[string]string{"CACHE_URL_FILE": urlFile, "CACHE_PASSWORD_FILE": pwFile}, []string{"parse"}, exitFail,
			nil, []string{"cacheurl: CACHE_PASSWORD_FILE: the URL of CACHE_URL_FILE has a password and CACHE_PASSWORD_FILE is set"}},
		{"a bad URL in the file", map[string]string{"CACHE_URL_FILE": write("bad", "redis://:"+secret+"@cache:0")}, []string{"parse"}, exitFail,
			nil, []string{"cacheurl: CACHE_URL_FILE: ", "redis://:xxxxx@cache:0"}},
		{"an argument wins over the environment", map[string]string{"CACHE_URL_FILE": missing}, []string{"parse", "--format", "url", "dummy://"}, exitOK,
			[]string{"dummy://"}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := runCLI(t, tt.env, "", tt.args...)
			if r.status != tt.status {
				t.Errorf("status %d, want %d\nstdout: %s\nstderr: %s", r.status, tt.status, r.stdout, r.stderr)
			}
			for _, s := range tt.out {
				if !strings.Contains(r.stdout, s) {
					t.Errorf("stdout %q does not contain %q", r.stdout, s)
				}
			}
			for _, s := range tt.errOut {
				if !strings.Contains(r.stderr, s) {
					t.Errorf("stderr %q does not contain %q", r.stderr, s)
				}
			}
			if strings.Contains(tt.args[len(tt.args)-1], "show-secrets") {
				return
			}
			if strings.Contains(r.stdout+r.stderr, secret) {
				t.Errorf("output shows the secret:\n%s%s", r.stdout, r.stderr)
			}
			if strings.Contains(r.stderr, "Usage:") {
				t.Errorf("an environment error is not a usage error:\n%s", r.stderr)
			}
		})
	}
}
