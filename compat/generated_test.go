package compat

import (
	"flag"
	"os"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite the generated parts of the docs")

// checkGenerated compares the part of the file path between the markers
// <!-- BEGIN generated: name --> and <!-- END generated: name --> with
// content, or rewrites it with -update.
func checkGenerated(t *testing.T, path, name, content string) {
	t.Helper()
	begin := "<!-- BEGIN generated: " + name + " (go test ./... -update in compat/) -->\n"
	end := "<!-- END generated: " + name + " -->"
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	doc := string(b)
	i := strings.Index(doc, begin)
	j := strings.Index(doc, end)
	if i < 0 || j < i {
		t.Fatalf("%s has no %q ... %q markers", path, begin, end)
	}
	got := doc[i+len(begin) : j]
	if got == content {
		return
	}
	if *update {
		if err := os.WriteFile(path, []byte(doc[:i+len(begin)]+content+doc[j:]), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	t.Errorf("%s is stale: run go test ./... -update in compat/ and review the diff.\nwant:\n%s", path, content)
}
