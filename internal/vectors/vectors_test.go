package vectors_test

import (
	"path/filepath"
	"testing"

	"github.com/cacheurl/cacheurl/internal/vectors"
)

var dir = filepath.Join("..", "..", "core", "testdata", "vectors")

func TestLoad(t *testing.T) {
	vs, err := vectors.Load(dir)
	if err != nil {
		t.Fatal(err)
	}
	// The three files: the reference's suite (40), edge cases (90) and a
	// sample of its behaviour (150).
	want := map[string]int{"reference-suite.json": 40, "reference-edge-cases.json": 90, "reference-sample.json": 150}
	got := map[string]int{}
	for f, fvs := range vectors.ByFile(vs) {
		got[f] = len(fvs)
	}
	if len(got) != len(want) {
		t.Fatalf("files: %v, want %v", got, want)
	}
	for f, n := range want {
		if got[f] != n {
			t.Errorf("%s: %d cases, want %d", f, got[f], n)
		}
	}
	for _, v := range vs {
		if v.URL == "" && v.Verdict != "reject" {
			t.Errorf("%s: accepted case without url", v.File)
		}
		switch v.Verdict {
		case "match", "fix", "reject":
		default:
			t.Errorf("%s %q: verdict %q", v.File, v.URL, v.Verdict)
		}
	}
	urls := vectors.URLs(vs)
	for i := 1; i < len(urls); i++ {
		if urls[i-1] >= urls[i] {
			t.Fatalf("URLs not sorted and distinct at %d: %q %q", i, urls[i-1], urls[i])
		}
	}
}

func TestLoadMissing(t *testing.T) {
	if _, err := vectors.Load(t.TempDir()); err == nil {
		t.Error("Load of an empty directory: no error")
	}
}
