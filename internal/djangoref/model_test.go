package djangoref

import (
	"encoding/json"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/cacheurl/cacheurl/internal/vectors"
)

// vectorsDir holds the reference vectors: django-cache-url's own suite,
// edge cases and a sample of its behaviour, each with its recorded output.
var vectorsDir = filepath.Join("..", "..", "core", "testdata", "vectors")

func loadVectors(t testing.TB) []vectors.Vector {
	t.Helper()
	vs, err := vectors.Load(vectorsDir)
	if err != nil {
		t.Fatal(err)
	}
	return vs
}

func generic(t testing.TB, v any) any {
	t.Helper()
	data, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	var out any
	if err := json.Unmarshal(data, &out); err != nil {
		t.Fatal(err)
	}
	return out
}

// TestParseMatchesVectors checks the django-cache-url model against every output
// (or exception) of the real reference recorded in the vectors.
func TestParseMatchesVectors(t *testing.T) {
	n := 0
	for _, v := range loadVectors(t) {
		got, err := Parse(v.URL)
		switch {
		case v.ReferenceError != "":
			n++
			if err == nil || err.Error() != v.ReferenceError {
				t.Errorf("Parse(%q) = %v, %v; want error %q", v.URL, got, err, v.ReferenceError)
			}
		case v.Reference != nil:
			n++
			if err != nil {
				t.Errorf("Parse(%q): %v", v.URL, err)
				continue
			}
			var want any
			if err := json.Unmarshal(v.Reference, &want); err != nil {
				t.Fatal(err)
			}
			if g := generic(t, got); !reflect.DeepEqual(g, want) {
				t.Errorf("Parse(%q)\n got %s\nwant %s", v.URL, mustMarshal(g), v.Reference)
			}
		}
	}
	if n < 280 { // 40 suite + 90 edge cases + 150 sample outputs
		t.Errorf("only %d reference outputs checked", n)
	}
}

func mustMarshal(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}

func TestParseRedacted(t *testing.T) {
	tests := []struct {
		url  string
		want string
	}{
		{"redis://u:hunter2@h/0?password=hunter3", `{"BACKEND":"django.core.cache.backends.redis.RedisCache","LOCATION":"redis://:xxxxx@h:6379/0","PASSWORD":"xxxxx"}`},
		{"memcached://u:hunter2@h1,h2", `{"BACKEND":"django.core.cache.backends.memcached.PyLibMCCache","LOCATION":"u:xxxxx@h1;h2"}`},
		{"redis://h/0?Sentinel_Password=hunter2", `{"BACKEND":"django.core.cache.backends.redis.RedisCache","LOCATION":"redis://h:6379/0","SENTINEL_PASSWORD":"xxxxx"}`},
	}
	for _, tt := range tests {
		got, err := ParseRedacted(tt.url)
		if err != nil {
			t.Errorf("%s: %v", tt.url, err)
			continue
		}
		if s := mustMarshal(got); s != tt.want {
			t.Errorf("%s:\n got %s\nwant %s", tt.url, s, tt.want)
		}
		if strings.Contains(mustMarshal(got), "hunter") {
			t.Errorf("%s: password shown", tt.url)
		}
	}
}

// TestPythonHelpers pins the Python behaviours the model relies on.
func TestPythonHelpers(t *testing.T) {
	ints := []struct {
		in, want, err string
	}{
		{"42", "42", ""},
		{"  7 ", "7", ""},
		{"\u0663", "3", ""},     // ARABIC-INDIC DIGIT THREE
		{"\U0001D7D9", "1", ""}, // MATHEMATICAL DOUBLE-STRUCK DIGIT ONE
		{"1_000", "1000", ""},
		{"-0", "0", ""},
		{"+08", "8", ""},
		{"0x10", "", `ValueError: invalid literal for int() with base 10: '0x10'`},
		{"1__0", "", `ValueError: invalid literal for int() with base 10: '1__0'`},
		{"_1", "", `ValueError: invalid literal for int() with base 10: '_1'`},
		{"1_", "", `ValueError: invalid literal for int() with base 10: '1_'`},
		{"", "", `ValueError: invalid literal for int() with base 10: ''`},
		{"it's", "", `ValueError: invalid literal for int() with base 10: "it's"`},
	}
	for _, tt := range ints {
		n, err := pyInt(tt.in)
		if tt.err != "" {
			if err == nil || err.Error() != tt.err {
				t.Errorf("pyInt(%q) = %v, %v; want error %q", tt.in, n, err, tt.err)
			}
			continue
		}
		if err != nil || string(n) != tt.want {
			t.Errorf("pyInt(%q) = %v, %v; want %s", tt.in, n, err, tt.want)
		}
	}
	reprs := map[string]string{
		"abc":     `'abc'`,
		"a'b":     `"a'b"`,
		`a'b"c`:   `'a\'b"c'`,
		"\x01\n":  `'\x01\n'`,
		"\u00a0é": `'\xa0é'`,
	}
	for in, want := range reprs {
		if got := pyRepr(in); got != want {
			t.Errorf("pyRepr(%q) = %s, want %s", in, got, want)
		}
	}
	unq := map[string]string{
		"a+b%20c": "a b c",
		"%zz%4":   "%zz%4",
		"%E2%9C":  "\ufffd",
		"%FF%FF":  "\ufffd\ufffd",
		"%C3%9F":  "ß",
	}
	for in, want := range unq {
		if got := pyUnquotePlus(in); got != want {
			t.Errorf("pyUnquotePlus(%q) = %q, want %q", in, got, want)
		}
	}
	if got := pyUpper("straße"); got != "STRASSE" {
		t.Errorf("pyUpper(straße) = %q", got)
	}
}
