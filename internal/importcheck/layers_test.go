package importcheck

import (
	"os"
	"reflect"
	"testing"
	"testing/fstest"
)

// TestLayers: in this module, core ← clients ← cache ← check ← cmd: no
// package imports one of a layer after its own.
func TestLayers(t *testing.T) {
	got, err := Violations(os.DirFS("../.."), "github.com/cacheurl/cacheurl", Layers)
	if err != nil {
		t.Fatal(err)
	}
	for _, v := range got {
		t.Error(v)
	}
}

// TestViolations: the check finds an import against the arrows, in a test
// file too, and a non-test import of a package outside the layers; it
// allows imports down the layers, within a layer, of internal packages, and
// skips other modules and testdata.
func TestViolations(t *testing.T) {
	src := func(imports ...string) *fstest.MapFile {
		s := "package p\n\nimport (\n"
		for _, i := range imports {
			s += "\t_ \"" + i + "\"\n"
		}
		return &fstest.MapFile{Data: []byte(s + ")\n")}
	}
	const m = "example.com/m"
	fsys := fstest.MapFS{
		"go.mod":                     {Data: []byte("module " + m + "\n")},
		"core/core.go":               src("strings"),
		"clients/clients.go":         src(m + "/core"),
		"clients/x/x.go":             src(m+"/clients", m+"/core", "github.com/redis/go-redis/v9"),
		"clients/up/up.go":           src(m + "/cache"),
		"clients/up/up_test.go":      src(m+"/check", m+"/internal/testserver"),
		"cache/cache.go":             src(m+"/clients/x", m+"/cache/locmem", m+"/internal/shared"),
		"cache/locmem/locmem.go":     src(),
		"check/check.go":             src(m+"/cache", m+"/koanfprovider"),
		"check/check_test.go":        src(m + "/koanfprovider"),
		"cmd/tool/main.go":           src(m+"/check", m+"/core"),
		"koanfprovider/k.go":         src(m + "/cmd/tool"),
		"compat/go.mod":              {Data: []byte("module " + m + "/compat\n")},
		"compat/c.go":                src(m + "/cmd/tool"),
		"core/testdata/bad.go":       src(m + "/cmd/tool"),
		"clients/x/testdata/data.go": src(m + "/check"),
	}
	got, err := Violations(fsys, m, Layers)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{
		"check/check.go imports koanfprovider, which is in no layer",
		"clients/up/up.go imports cache: clients is below cache",
		"clients/up/up_test.go imports check: clients is below check",
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got\n%q\nwant\n%q", got, want)
	}
}
