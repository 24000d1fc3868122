package readme

import (
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// TestEveryKindDocumented: docs/errors.md's table lists every error kind of
// the module once, by its code, and no code that is not a kind. The kinds
// are found in the source: every core.NewKind call with a literal code, and
// core's own &Kind{code: ...} sentinels. It also holds the module to one
// kind type: no other package declares a type named Kind (clients.Kind is
// an alias of core's).
func TestEveryKindDocumented(t *testing.T) {
	codes := map[string]string{} // code → where it is declared
	fset := token.NewFileSet()
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			if name := d.Name(); path != root && (name == "testdata" || strings.HasPrefix(name, ".")) {
				return filepath.SkipDir
			}
			if _, err := os.Stat(filepath.Join(path, "go.mod")); err == nil && path != root {
				return filepath.SkipDir // another module (compat)
			}
			return nil
		}
		if !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return nil
		}
		f, err := parser.ParseFile(fset, path, nil, 0)
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(root, path)
		ast.Inspect(f, func(n ast.Node) bool {
			switch n := n.(type) {
			case *ast.CallExpr:
				if sel, ok := n.Fun.(*ast.SelectorExpr); ok && sel.Sel.Name == "NewKind" && len(n.Args) == 3 {
					if lit, ok := n.Args[0].(*ast.BasicLit); ok && lit.Kind == token.STRING {
						code, _ := strconv.Unquote(lit.Value)
						if prev, dup := codes[code]; dup {
							t.Errorf("kind code %q declared twice: %s and %s", code, prev, rel)
						}
						codes[code] = rel
					}
				}
			case *ast.CompositeLit:
				if id, ok := n.Type.(*ast.Ident); ok && id.Name == "Kind" && rel == filepath.Join("core", "errors.go") {
					for _, e := range n.Elts {
						if kv, ok := e.(*ast.KeyValueExpr); ok && isIdent(kv.Key, "code") {
							if lit, ok := kv.Value.(*ast.BasicLit); ok && lit.Kind == token.STRING {
								code, _ := strconv.Unquote(lit.Value)
								codes[code] = rel
							}
						}
					}
				}
			case *ast.TypeSpec:
				if n.Name.Name == "Kind" && n.Assign == 0 && rel != filepath.Join("core", "errors.go") {
					t.Errorf("%s declares a type Kind: the module has one kind type, core.Kind", rel)
				}
			}
			return true
		})
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(codes) < 40 {
		t.Fatalf("found only %d kinds: the search is not looking at the module", len(codes))
	}
	doc, err := os.ReadFile(filepath.Join(root, "docs", "errors.md"))
	if err != nil {
		t.Fatal(err)
	}
	_, table, ok := strings.Cut(string(doc), "## Every kind")
	if !ok {
		t.Fatal(`docs/errors.md has no "## Every kind" section`)
	}
	row := regexp.MustCompile("(?m)^\\| `[^`]+` \\| `([a-z_]+)` \\|")
	listed := map[string]int{}
	for _, m := range row.FindAllStringSubmatch(table, -1) {
		listed[m[1]]++
	}
	for code, where := range codes {
		if listed[code] != 1 {
			t.Errorf("docs/errors.md lists kind %q (%s) %d times, want once", code, where, listed[code])
		}
	}
	for code := range listed {
		if _, ok := codes[code]; !ok {
			t.Errorf("docs/errors.md lists %q, which is no kind of the module", code)
		}
	}
}

func isIdent(e ast.Expr, name string) bool {
	id, ok := e.(*ast.Ident)
	return ok && id.Name == name
}
