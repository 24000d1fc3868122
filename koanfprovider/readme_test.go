package koanfprovider_test

import (
	"bufio"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/knadh/koanf/v2"

	"github.com/cacheurl/cacheurl/koanfprovider"
)

const readmePath = "../docs/readme/koanf.md"

// readmeBlocks returns the fenced blocks of the README section: the block
// after each "`name`:" line by that name, and the others by their language.
func readmeBlocks(t *testing.T) map[string][]string {
	t.Helper()
	b, err := os.ReadFile(readmePath)
	if err != nil {
		t.Fatal(err)
	}
	blocks := map[string][]string{}
	var (
		label, name string
		body        strings.Builder
		in          bool
	)
	sc := bufio.NewScanner(strings.NewReader(string(b)))
	for sc.Scan() {
		line := sc.Text()
		switch {
		case !in && strings.HasPrefix(line, "```"):
			in, name = true, strings.TrimPrefix(line, "```")
			if label != "" {
				name, label = label, ""
			}
			body.Reset()
		case in && line == "```":
			in = false
			blocks[name] = append(blocks[name], body.String())
		case in:
			body.WriteString(line + "\n")
		case strings.HasPrefix(line, "`") && strings.HasSuffix(line, "`:"):
			label = strings.TrimSuffix(strings.TrimPrefix(line, "`"), "`:")
		case strings.TrimSpace(line) != "":
			label = ""
		}
	}
	return blocks
}

// TestReadme checks the README section: its main.go and config.yaml are
// the files in testdata/readme, the console session is what the program
// prints, and the errors shown are the errors the providers return.
func TestReadme(t *testing.T) {
	blocks := readmeBlocks(t)
	for name, file := range map[string]string{"main.go": "main.go", "config.yaml": "config.yaml"} {
		want, err := os.ReadFile(filepath.Join("testdata", "readme", file))
		if err != nil {
			t.Fatal(err)
		}
		if got := blocks[name]; len(got) != 1 || got[0] != string(want) {
			t.Errorf("the README's %s block differs from testdata/readme/%s", name, file)
		}
	}

	t.Run("errors", func(t *testing.T) {
		if len(blocks["text"]) != 1 {
			t.Fatalf("want one text block of errors, have %d", len(blocks["text"]))
		}
		expand := func(kv ...any) error {
			k := koanf.New(".")
			for i := 0; i < len(kv); i += 2 {
				if err := k.Set(kv[i].(string), kv[i+1]); err != nil {
					t.Fatal(err)
				}
			}
			_, err := koanfprovider.Expand(k, koanfprovider.Opt{}).Read()
			return err
		}
		_, envErr := koanfprovider.Env(".", koanfprovider.Opt{Strict: true, EnvironFunc: environ()}).Read()
		errs := []error{
			expand("cache.url", "redis://:s3cr3t@cache:0/1"),
			expand("cache.url", "redis://h", "cache.ttl", "1500ms"),
			expand("cache.url", "redis://:s3cr3t@cache/0", "cache.backend", "memcached"),
			envErr,
		}
		lines := strings.Split(strings.TrimSuffix(blocks["text"][0], "\n"), "\n")
		if len(lines) != len(errs) {
			t.Fatalf("%d error lines, want %d", len(lines), len(errs))
		}
		for i, err := range errs {
			if err == nil || err.Error() != lines[i] {
				t.Errorf("error %d:\n got %v\nwant %s", i, err, lines[i])
			}
		}
	})

	t.Run("console", func(t *testing.T) {
		if testing.Short() {
			t.Skip("builds and runs the README's program")
		}
		gobin, err := exec.LookPath("go")
		if err != nil {
			t.Skipf("go not in PATH: %v", err)
		}
		app := filepath.Join(t.TempDir(), "app")
		build := exec.Command(gobin, "build", "-o", app, "./testdata/readme")
		build.Env = append(os.Environ(), "GOTOOLCHAIN=local")
		if out, err := build.CombinedOutput(); err != nil {
			t.Fatalf("go build: %v\n%s", err, out)
		}
		if len(blocks["console"]) != 1 {
			t.Fatalf("want one console block, have %d", len(blocks["console"]))
		}
		runs := parseSession(t, blocks["console"][0])
		if len(runs) != 4 {
			t.Errorf("%d runs in the console block, want 4", len(runs))
		}
		for _, r := range runs {
			cmd := exec.Command(app, r.args...)
			cmd.Dir = filepath.Join("testdata", "readme")
			cmd.Env = r.env
			out, err := cmd.CombinedOutput()
			got := string(out)
			var ee *exec.ExitError
			if errors.As(err, &ee) {
				got += "exit status " + strings.TrimPrefix(ee.ProcessState.String(), "exit status ") + "\n"
			} else if err != nil {
				t.Fatal(err)
			}
			if got != r.want {
				t.Errorf("$ %s\n got:\n%s\nwant:\n%s", r.line, got, r.want)
			}
		}
	})
}

type run struct {
	line      string
	env, args []string
	want      string
}

// parseSession splits a console block into "$ VAR=v ... go run . args"
// commands and their output.
func parseSession(t *testing.T, block string) []run {
	t.Helper()
	var runs []run
	for _, line := range strings.SplitAfter(block, "\n") {
		if line == "" {
			continue
		}
		cmdline, ok := strings.CutPrefix(line, "$ ")
		if !ok {
			if len(runs) == 0 {
				t.Fatalf("output before a command: %q", line)
			}
			runs[len(runs)-1].want += line
			continue
		}
		words := shellWords(t, strings.TrimSuffix(cmdline, "\n"))
		r := run{line: strings.TrimSpace(cmdline), env: []string{}}
		for len(words) > 0 && strings.Contains(words[0], "=") {
			r.env, words = append(r.env, words[0]), words[1:]
		}
		if len(words) < 3 || words[0] != "go" || words[1] != "run" || words[2] != "." {
			t.Fatalf("not a go run . command: %q", cmdline)
		}
		r.args = words[3:]
		runs = append(runs, r)
	}
	return runs
}

// shellWords splits s at spaces, honouring single quotes.
func shellWords(t *testing.T, s string) []string {
	t.Helper()
	var (
		words []string
		cur   strings.Builder
		quote bool
		have  bool
	)
	for _, r := range s {
		switch {
		case r == '\'':
			quote, have = !quote, true
		case r == ' ' && !quote:
			if have {
				words, have = append(words, cur.String()), false
				cur.Reset()
			}
		default:
			cur.WriteRune(r)
			have = true
		}
	}
	if quote {
		t.Fatalf("unbalanced quote in %q", s)
	}
	if have {
		words = append(words, cur.String())
	}
	return words
}
