package core

import (
	"errors"
	"path/filepath"
	"strings"
	"testing"

	"github.com/cacheurl/cacheurl/internal/vectors"
)

// vector is one case of testdata/vectors (copied from the shared vectors; see
// testdata/vectors/README.md for their provenance).
type vector = vectors.Vector

// loadVectors reads every vector file.
func loadVectors(t testing.TB) []vector {
	t.Helper()
	vs, err := vectors.Load(filepath.Join("testdata", "vectors"))
	if err != nil {
		t.Fatal(err)
	}
	if files := vectors.ByFile(vs); len(files) != 3 {
		t.Fatalf("expected 3 vector files, got %d", len(files))
	}
	return vs
}

// TestVectorVerdicts checks that every vector gets its verdict's accept or
// reject outcome, and that rejections are typed errors without the password.
func TestVectorVerdicts(t *testing.T) {
	vs := loadVectors(t)
	if len(vs) != 280 {
		t.Fatalf("expected 280 vectors (40+90+150), got %d", len(vs))
	}
	counts := map[string]int{}
	for _, v := range vs {
		counts[v.Verdict]++
		c, err := Parse(v.URL)
		switch v.Verdict {
		case "match", "fix":
			if err != nil {
				t.Errorf("%s %q (%s): want accepted, got %v", v.File, v.URL, v.Verdict, err)
				continue
			}
			if c.Scheme == "" || c.Backend == "" {
				t.Errorf("%q: empty scheme/backend in %#v", v.URL, c)
			}
		case "reject":
			if err == nil {
				t.Errorf("%s %q: want rejected, got %s", v.File, v.URL, Format(c))
				continue
			}
			var pe *Error
			if !errors.As(err, &pe) {
				t.Errorf("%q: error %T is not *core.Error", v.URL, err)
				continue
			}
			known := false
			for _, k := range Kinds() {
				known = known || errors.Is(err, k)
			}
			if !known {
				t.Errorf("%q: error %v matches no kind", v.URL, err)
			}
		default:
			t.Errorf("%q: unexpected verdict %q", v.URL, v.Verdict)
		}
	}
	t.Logf("verdicts: %v", counts)
}

// TestVectorRoundTrip checks Format on every accepted vector: it parses back
// to the same config and is a fixed point.
func TestVectorRoundTrip(t *testing.T) {
	for _, v := range loadVectors(t) {
		c, err := Parse(v.URL)
		if err != nil {
			continue
		}
		f := Format(c)
		c2, err := Parse(f)
		if err != nil {
			t.Errorf("%q: Format gave %q which does not parse: %v", v.URL, f, err)
			continue
		}
		if !equalConfig(c, c2) {
			t.Errorf("%q: Parse(Format(c)) != c\n  c  = %s\n  c2 = %s", v.URL, dump(c), dump(c2))
		}
		if f2 := Format(c2); f2 != f {
			t.Errorf("%q: Format not a fixed point: %q then %q", v.URL, f, f2)
		}
		if c.Password != "" && strings.Contains(c.Redacted(), c.Password) && !strings.Contains(strings.Replace(f, c.Password, "", 1), c.Password) {
			t.Errorf("%q: redacted form %q shows the password", v.URL, c.Redacted())
		}
	}
}
