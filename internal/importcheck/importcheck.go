// Package importcheck is the tests' check of imports: what a package's
// non-test files import, so a thin adapter stays thin (koanfprovider does
// not import koanf, viperhook does not import viper), and that the layers
// of the server-facing packages import one way ([Layers], [Violations]).
package importcheck

import (
	"go/parser"
	"go/token"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// Only fails t for every import of the non-test Go files in the current
// directory that is neither in the standard library (no dot in its path)
// nor one of allowed.
func Only(t *testing.T, allowed ...string) {
	t.Helper()
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	ok := map[string]bool{}
	for _, a := range allowed {
		ok[a] = true
	}
	fset := token.NewFileSet()
	for _, name := range files {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, name, nil, parser.ImportsOnly)
		if err != nil {
			t.Fatal(err)
		}
		for _, imp := range f.Imports {
			path, _ := strconv.Unquote(imp.Path.Value)
			if strings.Contains(path, ".") && !ok[path] {
				t.Errorf("%s imports %s: only the standard library and %s are allowed", name, path, strings.Join(allowed, ", "))
			}
		}
	}
}
