package readme

import (
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite README.md from docs/readme")

const root = "../.."

func generated(t *testing.T) string {
	t.Helper()
	var b strings.Builder
	b.WriteString(Begin + "\n\n")
	for _, name := range Sections {
		data, err := os.ReadFile(filepath.Join(root, "docs", "readme", name))
		if err != nil {
			t.Fatalf("section %s: %v", name, err)
		}
		b.WriteString(strings.TrimSpace(string(data)))
		b.WriteString("\n\n")
	}
	b.WriteString(End)
	return b.String()
}

// TestREADMESections: README.md holds every section of docs/readme,
// verbatim and in order, and every file there is a listed section.
func TestREADMESections(t *testing.T) {
	path := filepath.Join(root, "README.md")
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	readme := string(data)
	i, j := strings.Index(readme, Begin), strings.Index(readme, End)
	if i < 0 || j < i {
		t.Fatalf("README.md lacks the markers %q and %q", Begin, End)
	}
	want := generated(t)
	if got := readme[i : j+len(End)]; got != want {
		if *update {
			if err := os.WriteFile(path, []byte(readme[:i]+want+readme[j+len(End):]), 0o644); err != nil {
				t.Fatal(err)
			}
			return
		}
		t.Errorf("README.md is out of date with docs/readme; run go test ./internal/readme -update")
	}
	files, _ := filepath.Glob(filepath.Join(root, "docs", "readme", "*.md"))
	listed := map[string]bool{}
	for _, s := range Sections {
		listed[s] = true
	}
	for _, f := range files {
		if !listed[filepath.Base(f)] {
			t.Errorf("docs/readme/%s is not in Sections", filepath.Base(f))
		}
	}
}
