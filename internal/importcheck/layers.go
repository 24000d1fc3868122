package importcheck

import (
	"go/parser"
	"go/token"
	"io/fs"
	"path"
	"sort"
	"strconv"
	"strings"
)

// Layers are the layers of the module's server-facing packages, lowest
// first: a package of a layer may import packages of its own layer and of
// the layers before it, never of a layer after it. A layer is a directory
// and everything below it ("clients" holds clients, clients/goredis and
// clients/gomemcache).
var Layers = []string{"core", "clients", "cache", "check", "cmd"}

// Violations reads every Go file of the module in fsys (its root holds
// go.mod; directories with a go.mod of their own, testdata and hidden ones
// are other modules or not code) and returns, sorted, each import of a
// package of module by a file in layers[i] of a package in layers[j], j > i:
// an import against the arrows. The module's internal/... packages (test
// machinery, shared data) are outside the layers and may be imported by
// any file; a non-test file of a layer may import no other module package
// outside the layers (koanfprovider, viperhook).
func Violations(fsys fs.FS, module string, layers []string) ([]string, error) {
	layerOf := func(dir string) int {
		for i, l := range layers {
			if dir == l || strings.HasPrefix(dir, l+"/") {
				return i
			}
		}
		return -1
	}
	var out []string
	fset := token.NewFileSet()
	err := fs.WalkDir(fsys, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			if p == "." {
				return nil
			}
			name := d.Name()
			if name == "testdata" || strings.HasPrefix(name, ".") || strings.HasPrefix(name, "_") {
				return fs.SkipDir
			}
			if _, err := fs.Stat(fsys, path.Join(p, "go.mod")); err == nil {
				return fs.SkipDir
			}
			return nil
		}
		if !strings.HasSuffix(p, ".go") {
			return nil
		}
		dir := path.Dir(p)
		from := layerOf(dir)
		if from < 0 {
			return nil
		}
		src, err := fs.ReadFile(fsys, p)
		if err != nil {
			return err
		}
		f, err := parser.ParseFile(fset, p, src, parser.ImportsOnly)
		if err != nil {
			return err
		}
		test := strings.HasSuffix(p, "_test.go")
		for _, imp := range f.Imports {
			ip, _ := strconv.Unquote(imp.Path.Value)
			rel, ok := strings.CutPrefix(ip, module+"/")
			if !ok {
				continue
			}
			to := layerOf(rel)
			switch {
			case to > from:
				out = append(out, p+" imports "+rel+": "+layers[from]+" is below "+layers[to])
			case to < 0 && !test && rel != "internal" && !strings.HasPrefix(rel, "internal/"):
				out = append(out, p+" imports "+rel+", which is in no layer")
			}
		}
		return nil
	})
	sort.Strings(out)
	return out, err
}
