package fuzz

import (
	"bytes"
	"crypto/sha256"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

var flagGenCorpus = flag.Bool("gen-corpus", false, "rewrite the vector-* seed files of testdata/fuzz/FuzzParse from the reference vectors")

// corpusDir is FuzzParse's committed seed corpus (go test reads it as
// testdata/fuzz/<FuzzTarget>).
const corpusDir = "testdata/fuzz/FuzzParse"

// vectorPrefix starts the names of the seed files made from the vectors;
// other files in corpusDir (regression inputs found by fuzzing) are kept.
const vectorPrefix = "vector-"

// corpusFile returns the name and the "go test fuzz v1" encoding of the
// seed file for the URL u. The name is the hash of the content, as go test
// names the files it writes, so it is stable whatever the vectors' order.
func corpusFile(u string) (name string, data []byte) {
	data = []byte("go test fuzz v1\nstring(" + strconv.Quote(u) + ")\n")
	sum := sha256.Sum256(data)
	return fmt.Sprintf("%s%x", vectorPrefix, sum[:8]), data
}

// TestSeedCorpus checks that the committed seed corpus of FuzzParse has one
// file per reference vector URL and nothing stale. With -gen-corpus it
// rewrites those files instead:
//
//	go test -run='^TestSeedCorpus$' ./fuzz -gen-corpus
func TestSeedCorpus(t *testing.T) {
	want := map[string][]byte{}
	for _, u := range vectorURLs(t) {
		name, data := corpusFile(u)
		want[name] = data
	}
	if *flagGenCorpus {
		if err := writeCorpus(want); err != nil {
			t.Fatal(err)
		}
		t.Logf("wrote %d seed files to %s", len(want), corpusDir)
	}
	entries, err := os.ReadDir(corpusDir)
	if err != nil {
		t.Fatalf("%v (create the corpus with -gen-corpus)", err)
	}
	have := map[string]bool{}
	for _, e := range entries {
		name := e.Name()
		if !strings.HasPrefix(name, vectorPrefix) {
			continue
		}
		have[name] = true
		if _, ok := want[name]; !ok {
			t.Errorf("%s/%s matches no vector URL any more; regenerate with -gen-corpus", corpusDir, name)
		}
	}
	for name, data := range want {
		if !have[name] {
			t.Errorf("%s/%s is missing (for %q); regenerate with -gen-corpus", corpusDir, name, data)
			continue
		}
		got, err := os.ReadFile(filepath.Join(corpusDir, name))
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got, data) {
			t.Errorf("%s/%s = %q, want %q", corpusDir, name, got, data)
		}
	}
}

// writeCorpus replaces the vector-* files of corpusDir with files.
func writeCorpus(files map[string][]byte) error {
	if err := os.MkdirAll(corpusDir, 0o755); err != nil {
		return err
	}
	old, err := filepath.Glob(filepath.Join(corpusDir, vectorPrefix+"*"))
	if err != nil {
		return err
	}
	for _, f := range old {
		if err := os.Remove(f); err != nil {
			return err
		}
	}
	for name, data := range files {
		if err := os.WriteFile(filepath.Join(corpusDir, name), data, 0o644); err != nil {
			return err
		}
	}
	return nil
}

func TestCorpusFile(t *testing.T) {
	// The encoding of go test's corpus files: a version line, then one
	// Go-syntax value per line.
	tests := []struct{ url, want string }{
		{"locmem://", "go test fuzz v1\nstring(\"locmem://\")\n"},
		{"redis://h\n/0", "go test fuzz v1\nstring(\"redis://h\\n/0\")\n"},
		{"\x01locmem://x", "go test fuzz v1\nstring(\"\\x01locmem://x\")\n"},
		{"redis://Ｈost/0", "go test fuzz v1\nstring(\"redis://Ｈost/0\")\n"},
	}
	for _, tt := range tests {
		name, data := corpusFile(tt.url)
		if string(data) != tt.want {
			t.Errorf("corpusFile(%q) data = %q, want %q", tt.url, data, tt.want)
		}
		if !strings.HasPrefix(name, vectorPrefix) || len(name) != len(vectorPrefix)+16 {
			t.Errorf("corpusFile(%q) name = %q, want %s + 16 hex digits", tt.url, name, vectorPrefix)
		}
	}
}
