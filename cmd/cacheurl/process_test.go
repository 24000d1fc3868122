package main

import (
	"bytes"
	"errors"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

// buildBinary builds the cacheurl command into a temporary directory.
func buildBinary(t *testing.T) string {
	t.Helper()
	if testing.Short() {
		t.Skip("builds the binary; skipped with -short")
	}
	bin := filepath.Join(t.TempDir(), "cacheurl")
	if runtime.GOOS == "windows" {
		bin += ".exe"
	}
	// With the environment as it is: the build a user makes (VCS stamping
	// and toolchain selection included).
	cmd := exec.Command("go", "build", "-o", bin, ".")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}

// TestProcess runs the built binary as a process: the batch run of every
// reference vector, the exit statuses, and parse with no
// environment at all.
func TestProcess(t *testing.T) {
	bin := buildBinary(t)
	execute := func(t *testing.T, env []string, stdin string, args ...string) (string, string, int) {
		t.Helper()
		cmd := exec.Command(bin, args...)
		cmd.Env = append([]string{}, env...) // never the test's own environment
		cmd.Stdin = strings.NewReader(stdin)
		var stdout, stderr bytes.Buffer
		cmd.Stdout, cmd.Stderr = &stdout, &stderr
		err := cmd.Run()
		var exit *exec.ExitError
		switch {
		case err == nil:
			return stdout.String(), stderr.String(), 0
		case errors.As(err, &exit):
			return stdout.String(), stderr.String(), exit.ExitCode()
		}
		t.Fatalf("running %v: %v", args, err)
		return "", "", -1
	}

	t.Run("vectors", func(t *testing.T) {
		vs := loadVectors(t)
		stdout, stderr, status := execute(t, nil, vectorBatchInput(t, vs),
			"parse", "--format", "django", "--show-secrets", "--input", "json", "-")
		if status != 1 || stderr != "" {
			t.Errorf("status %d (want 1: some vectors are rejects), stderr %q", status, stderr)
		}
		checkVectorBatch(t, vs, stdout)
	})

	t.Run("fresh environment", func(t *testing.T) {
		stdout, stderr, status := execute(t, []string{}, "", "parse")
		want := "{\n  \"scheme\": \"locmem\",\n  \"backend\": \"locmem\"\n}\n"
		if status != 0 || stdout != want || stderr != "" {
			t.Errorf("parse with no environment: status %d, stdout %q, stderr %q", status, stdout, stderr)
		}
	})

	t.Run("version", func(t *testing.T) {
		stdout, stderr, status := execute(t, nil, "", "--version")
		if status != 0 || stderr != "" || !strings.HasPrefix(stdout, "cacheurl ") || !strings.Contains(stdout, " "+runtime.Version()+" ") {
			t.Errorf("--version: status %d, stdout %q, stderr %q", status, stdout, stderr)
		}
		t.Logf("%s", stdout)
	})

	statuses := []struct {
		name  string
		env   []string
		stdin string
		args  []string
		want  int
	}{
		{"valid", nil, "", []string{"parse", "redis://h/0"}, 0},
		{"invalid", nil, "", []string{"parse", "redsi://h"}, 1},
		{"invalid CACHE_URL", []string{"CACHE_URL=nope"}, "", []string{"parse"}, 1},
		{"not expressible", nil, "", []string{"parse", "--format", "django", "redis+cluster://n1"}, 1},
		{"usage", nil, "", []string{"parse", "--format", "xml"}, 2},
		{"no command", nil, "", nil, 2},
		{"batch all valid", nil, "locmem://\nredis://h/0\n", []string{"parse", "-"}, 0},
		{"batch one invalid", nil, "locmem://\nredsi://h\n", []string{"parse", "-"}, 1},
		{"explain valid", nil, "", []string{"explain", "redis://h/0"}, 0},
		{"explain invalid", nil, "", []string{"explain", "redis://h:0/0"}, 1},
		{"check ok", nil, "", []string{"check", "locmem://"}, 0},
		{"check invalid URL", nil, "", []string{"check", "redsi://h"}, 1},
		{"check unusable URL", nil, "", []string{"check", "file:///tmp/x"}, 1},
		{"check usage", nil, "", []string{"check", "--bogus"}, 2},
		{"check unreachable", nil, "", []string{"check", "--timeout", "1s", "redis://127.0.0.1:1/0"}, 3},
		{"version", nil, "", []string{"--version"}, 0},
	}
	for _, tt := range statuses {
		t.Run("status/"+tt.name, func(t *testing.T) {
			if _, stderr, status := execute(t, tt.env, tt.stdin, tt.args...); status != tt.want {
				t.Errorf("cacheurl %q: exit status %d, want %d; stderr %q", tt.args, status, tt.want, stderr)
			}
		})
	}
}
