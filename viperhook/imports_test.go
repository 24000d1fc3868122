package viperhook_test

import (
	"go/parser"
	"go/token"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// TestNoViperImport: the hook is a plain mapstructure hook; only the tests
// import viper, so koanf and mapstructure users do not pull it in.
func TestNoViperImport(t *testing.T) {
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
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
			switch {
			case path == "github.com/cacheurl/cacheurl/core", path == "github.com/go-viper/mapstructure/v2":
			case strings.Contains(path, "."):
				t.Errorf("%s imports %s: only the standard library, core and mapstructure are allowed", name, path)
			}
		}
	}
}
