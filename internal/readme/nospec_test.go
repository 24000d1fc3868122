package readme

import (
	"bytes"
	"io/fs"
	"os"
	"path/filepath"
	"testing"
)

// TestNoFileCitesTheDevelopersSpec walks the whole repository: users do not
// have the developers' specification, so no file may cite it; the
// project's own docs (docs/grammar.md, docs/django.md, ...) state the rules.
func TestNoFileCitesTheDevelopersSpec(t *testing.T) {
	needle := []byte("SPEC" + ".md")
	files := 0
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			if d.Name() == ".git" {
				return filepath.SkipDir
			}
			return nil
		}
		files++
		data, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		if bytes.Contains(data, needle) {
			t.Errorf("%s cites the developers' spec; state the rule or link to docs/", path)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if files < 100 {
		t.Fatalf("walked only %d files; the check is not looking at the repository", files)
	}
}
