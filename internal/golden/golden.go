// Package golden is the tests' one harness for committed expected output:
// a golden file compared whole ([File]), or the generated part of a
// document between two markers ([Section]); "go test -update" rewrites
// them with the current output, for review in the diff.
package golden

import (
	"flag"
	"os"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite the golden files and generated document sections with the current output")

// Updating reports whether the test binary runs with -update.
func Updating() bool { return *update }

// File compares got with the file at path, or writes got there with
// -update. how says how to rewrite it ("go test ./cmd/cacheurl -update").
func File(t testing.TB, path, got, how string) {
	t.Helper()
	if *update {
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run %s to create it)", err, how)
	}
	if got != string(want) {
		t.Errorf("output differs from %s (%s rewrites it):\n got:\n%s\nwant:\n%s", path, how, got, want)
	}
}

// Section compares got with the part of the document at path between the
// line that starts with begin and the line end, or rewrites that part with
// -update.
func Section(t testing.TB, path, begin, end, got, how string) {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	doc := string(b)
	i, j := strings.Index(doc, begin), strings.Index(doc, end)
	if i < 0 || j < i {
		t.Fatalf("%s has no %q ... %q markers", path, begin, end)
	}
	i += strings.IndexByte(doc[i:], '\n') + 1
	if doc[i:j] == got {
		return
	}
	if *update {
		if err := os.WriteFile(path, []byte(doc[:i]+got+doc[j:]), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	t.Errorf("%s is stale: run %s and review the diff.\nwant:\n%s", path, how, got)
}
