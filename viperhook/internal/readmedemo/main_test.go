package main

import (
	"bytes"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// The viper guide is docs/viper.md; the README links to it
// it into README.md; the test reads whichever holds it.
var readmes = []string{"../../../docs/viper.md", "../../../README.md"}

// TestMain runs main itself when re-executed by runMain.
func TestMain(m *testing.M) {
	if os.Getenv("READMEDEMO_RUN_MAIN") == "1" {
		main()
		os.Exit(0)
	}
	os.Exit(m.Run())
}

// runMain runs main in a child process with the given environment variable
// (none when name is ""), and returns its output and whether it failed.
func runMain(t *testing.T, name, value string) (string, bool) {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), "READMEDEMO_RUN_MAIN=1", "CACHE_URL=")
	if name != "" {
		cmd.Env = append(cmd.Env, name+"="+value)
	}
	out, err := cmd.CombinedOutput()
	var exit *exec.ExitError
	if err != nil && !errors.As(err, &exit) {
		t.Fatal(err)
	}
	return string(out), err != nil
}

// fences returns the fenced code blocks of a Markdown text by info string.
func fences(md string) map[string][]string {
	blocks := map[string][]string{}
	lines := strings.Split(md, "\n")
	for i := 0; i < len(lines); i++ {
		if !strings.HasPrefix(lines[i], "```") || len(lines[i]) == 3 {
			continue
		}
		lang := strings.TrimPrefix(lines[i], "```")
		var b strings.Builder
		for i++; i < len(lines) && lines[i] != "```"; i++ {
			b.WriteString(lines[i])
			b.WriteString("\n")
		}
		blocks[lang] = append(blocks[lang], b.String())
	}
	return blocks
}

// readme returns the fenced blocks of the README text holding the section.
func readme(t *testing.T) map[string][]string {
	t.Helper()
	for _, path := range readmes {
		b, err := os.ReadFile(path)
		if err == nil && bytes.Contains(b, []byte("viperhook.DecoderOption()")) {
			return fences(string(b))
		}
	}
	t.Fatalf("no README holds the viper section (looked in %v)", readmes)
	return nil
}

func find(t *testing.T, blocks []string, marker string) string {
	t.Helper()
	for _, b := range blocks {
		if strings.Contains(b, marker) {
			return b
		}
	}
	t.Fatalf("no README block contains %q", marker)
	return ""
}

// TestReadmeFiles: the README shows exactly this main.go (without its first
// comment) and this config.yaml.
func TestReadmeFiles(t *testing.T) {
	blocks := readme(t)
	src, err := os.ReadFile("main.go")
	if err != nil {
		t.Fatal(err)
	}
	code := string(src)
	for strings.HasPrefix(code, "//") {
		code = code[strings.IndexByte(code, '\n')+1:]
	}
	if got := find(t, blocks["go"], "package main"); got != code {
		t.Errorf("README main.go differs from %s:\n%s", filepath.Join("viperhook/internal/readmedemo", "main.go"), got)
	}
	yml, err := os.ReadFile("config.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if got := find(t, blocks["yaml"], "caches:"); got != string(yml) {
		t.Errorf("README config.yaml differs from config.yaml:\n%s", got)
	}
}

var command = regexp.MustCompile(`^\$ (?:([A-Z_]+)='([^']*)' )?go run \.$`)

// TestReadmeTranscript: every "$ go run ." in the README's console block
// prints what the README says it prints.
func TestReadmeTranscript(t *testing.T) {
	transcript := find(t, readme(t)["console"], "$ go run .")
	type run struct{ name, value, want string }
	var runs []run
	for _, line := range strings.Split(strings.TrimSuffix(transcript, "\n"), "\n") {
		if m := command.FindStringSubmatch(line); m != nil {
			runs = append(runs, run{name: m[1], value: m[2]})
			continue
		}
		if strings.HasPrefix(line, "$") || len(runs) == 0 {
			t.Fatalf("unexpected transcript line %q", line)
		}
		runs[len(runs)-1].want += line + "\n"
	}
	if len(runs) < 3 {
		t.Fatalf("got %d runs in the transcript, want at least 3", len(runs))
	}
	for _, r := range runs {
		got, failed := runMain(t, r.name, r.value)
		want := r.want
		// "go run" reports a failing program's exit status.
		if failed {
			got += "exit status 1\n"
		}
		if got != want {
			t.Errorf("%s=%q go run .\ngot:\n%s\nwant:\n%s", r.name, r.value, got, want)
		}
	}
}
