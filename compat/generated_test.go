package compat

import (
	"testing"

	"github.com/cacheurl/cacheurl/internal/golden"
)

// checkGenerated compares the part of the file path between the markers
// <!-- BEGIN generated: name ... --> and <!-- END generated: name --> with
// content, or rewrites it with -update.
func checkGenerated(t *testing.T, path, name, content string) {
	t.Helper()
	golden.Section(t, path, "<!-- BEGIN generated: "+name+" ", "<!-- END generated: "+name+" -->", content, "go test ./... -update in compat/")
}
