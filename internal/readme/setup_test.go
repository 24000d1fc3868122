package readme

import (
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// setupBlock returns the commands of the README's "Set up" block, one per
// line, without their comments.
func setupBlock(t *testing.T) []string {
	t.Helper()
	for _, b := range blocks(t, "README.md") {
		if b.lang != "sh" || !strings.Contains(b.text, "go work init") {
			continue
		}
		var cmds []string
		for _, l := range strings.Split(b.text, "\n") {
			if i := strings.Index(l, "#"); i >= 0 {
				l = l[:i]
			}
			if l = strings.TrimSpace(l); l != "" {
				cmds = append(cmds, l)
			}
		}
		return cmds
	}
	t.Fatal(`README.md has no sh block with "go work init"`)
	return nil
}

// TestWorkspaceRecipe follows the README's recipe for using the clone from
// another module: a new module that imports core and koanfprovider, made a
// workspace with the clone by the README's go work commands (the clone's
// path in place of /path/to/cacheurl), builds and runs against the clone.
func TestWorkspaceRecipe(t *testing.T) {
	if testing.Short() {
		t.Skip("builds a module; skipped with -short")
	}
	clone, err := filepath.Abs(root)
	if err != nil {
		t.Fatal(err)
	}
	var recipe [][]string
	for _, c := range setupBlock(t) {
		if strings.HasPrefix(c, "go work ") {
			recipe = append(recipe, strings.Fields(strings.ReplaceAll(c, "/path/to/cacheurl", clone)))
		}
	}
	if len(recipe) < 2 {
		t.Fatalf("the set-up block has %d go work commands: %q", len(recipe), recipe)
	}
	app := t.TempDir()
	files := map[string]string{
		"go.mod": "module example.com/app\n\ngo 1.24\n",
		"main.go": `package main

import (
	"fmt"

	"github.com/cacheurl/cacheurl/core"
	"github.com/cacheurl/cacheurl/koanfprovider"
)

func main() {
	c, err := core.Parse("redis://:s3cret@cache:6379/1?timeout=60")
	fmt.Println(c, err, koanfprovider.Opt{}.Named)
}
`,
	}
	for name, text := range files {
		if err := os.WriteFile(filepath.Join(app, name), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	var env []string
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "GOWORK=") {
			env = append(env, kv)
		}
	}
	run := func(args ...string) string {
		t.Helper()
		cmd := exec.Command(args[0], args[1:]...)
		cmd.Dir, cmd.Env = app, env
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("%s: %v\n%s", strings.Join(args, " "), err, out)
		}
		return string(out)
	}
	for _, args := range recipe {
		run(args...)
	}
	if got, want := run("go", "run", "."), "redis://:xxxxx@cache/1?timeout=60 <nil> false\n"; got != want {
		t.Errorf("go run . = %q, want %q", got, want)
	}
	if work := run("go", "env", "GOWORK"); strings.TrimSpace(work) != filepath.Join(app, "go.work") {
		t.Errorf("GOWORK = %q, want the module's go.work", work)
	}
}

// TestCIRunsTheReadmeCommand: .ci/run runs the README's test command as it
// is written, and sets nothing that changes how Go builds it (GOFLAGS,
// GOTOOLCHAIN, CGO_ENABLED, ...), so CI runs what a user runs.
func TestCIRunsTheReadmeCommand(t *testing.T) {
	var test string
	for _, c := range setupBlock(t) {
		if strings.HasPrefix(c, "go test") {
			test = c
		}
	}
	if test == "" {
		t.Fatal("the set-up block has no go test command")
	}
	ci, err := os.ReadFile(filepath.Join(root, ".ci", "run"))
	if err != nil {
		t.Fatal(err)
	}
	if !regexp.MustCompile(`(?m)^` + regexp.QuoteMeta(test) + `$`).Match(ci) {
		t.Errorf(".ci/run does not run the README's test command %q on a line of its own", test)
	}
	for _, l := range strings.Split(string(ci), "\n") {
		if m := regexp.MustCompile(`^\s*export\s+(GO[A-Z0-9_]*|CGO_[A-Z_]*)=`).FindStringSubmatch(l); m != nil {
			t.Errorf(".ci/run sets %s (%q): the README's command must run with the user's settings", m[1], strings.TrimSpace(l))
		}
	}
}
