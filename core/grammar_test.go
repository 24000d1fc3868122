package core

import (
	"bytes"
	"encoding/json"
	"errors"
	"os"
	"reflect"
	"strings"
	"testing"
)

// grammarCase is one case of testdata/grammar-decisions.json: the grammar
// decisions of docs/grammar.md written as vectors.
type grammarCase struct {
	URL     string `json:"url"`
	Verdict string `json:"verdict"`
	// accept
	Config   json.RawMessage `json:"config"`
	Format   string          `json:"format"`
	Django   json.RawMessage `json:"django"`
	DjangoAs string          `json:"django_as"`
	// reject
	Error     string `json:"error"`
	Hint      string `json:"hint"`
	Underline string `json:"underline"`
	Password  string `json:"password"`
}

func loadGrammarCases(t *testing.T) []grammarCase {
	t.Helper()
	data, err := os.ReadFile("testdata/grammar-decisions.json")
	if err != nil {
		t.Fatal(err)
	}
	var f struct {
		About string        `json:"about"`
		Cases []grammarCase `json:"cases"`
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&f); err != nil {
		t.Fatal(err)
	}
	if len(f.Cases) < 50 {
		t.Fatalf("only %d grammar cases", len(f.Cases))
	}
	return f.Cases
}

// jsonEqual compares two JSON texts as values (key order is free).
func jsonEqual(t *testing.T, a, b []byte) bool {
	t.Helper()
	var va, vb any
	if err := json.Unmarshal(a, &va); err != nil {
		t.Fatalf("bad JSON %s: %v", a, err)
	}
	if err := json.Unmarshal(b, &vb); err != nil {
		t.Fatalf("bad JSON %s: %v", b, err)
	}
	return reflect.DeepEqual(va, vb)
}

func kindByCode(code string) *Kind {
	for _, k := range Kinds() {
		if k.Code() == code {
			return k
		}
	}
	return nil
}

// TestGrammarDecisions checks every case of testdata/grammar-decisions.json.
func TestGrammarDecisions(t *testing.T) {
	for _, tc := range loadGrammarCases(t) {
		t.Run(tc.URL, func(t *testing.T) {
			c, err := Parse(tc.URL)
			switch tc.Verdict {
			case "accept":
				testGrammarAccept(t, tc, c, err)
			case "reject":
				testGrammarReject(t, tc, err)
			default:
				t.Fatalf("unknown verdict %q", tc.Verdict)
			}
		})
	}
}

func testGrammarAccept(t *testing.T, tc grammarCase, c Config, err error) {
	if err != nil {
		t.Fatalf("want accepted, got %v", err)
	}
	if tc.Config == nil || tc.Format == "" {
		t.Fatal("an accept case needs config and format")
	}
	got, _ := c.MarshalJSON()
	if !jsonEqual(t, got, tc.Config) {
		t.Errorf("config\n got  %s\n want %s", got, tc.Config)
	}
	if f := Format(c); f != tc.Format {
		t.Errorf("Format = %q, want %q", f, tc.Format)
	}
	c2, err := Parse(tc.Format)
	if err != nil {
		t.Fatalf("the canonical URL %q does not parse: %v", tc.Format, err)
	}
	if !equalConfig(c, c2) {
		t.Errorf("Parse(Format(c)) != c:\n c  = %s\n c2 = %s", dump(c), dump(c2))
	}
	if n, err := c.Normalize(); err != nil || !equalConfig(n, c) {
		t.Errorf("Normalize: %v, %s", err, dump(n))
	}
	if c.Password != "" && strings.Contains(c.Redacted(), c.Password) {
		t.Errorf("Redacted %q shows the password", c.Redacted())
	}
	if tc.Django != nil {
		view, err := c.Django()
		if err != nil {
			t.Fatalf("Django: %v", err)
		}
		got, _ := json.Marshal(view)
		if !jsonEqual(t, got, tc.Django) {
			t.Errorf("Django view\n got  %s\n want %s", got, tc.Django)
		}
	}
	if tc.DjangoAs != "" {
		// The same socket written redis:///..., with the credentials.
		same, err := Parse(tc.DjangoAs)
		if err != nil {
			t.Fatalf("django_as %q: %v", tc.DjangoAs, err)
		}
		same.Username, same.Password = c.Username, c.Password
		want, err1 := same.Django()
		got, err2 := c.Django()
		if err1 != nil || err2 != nil || !reflect.DeepEqual(got, want) {
			t.Errorf("Django view %v (%v), want that of %q with the credentials: %v (%v)", got, err2, tc.DjangoAs, want, err1)
		}
	}
}

func testGrammarReject(t *testing.T, tc grammarCase, err error) {
	if err == nil {
		t.Fatal("want rejected, got accepted")
	}
	kind := kindByCode(tc.Error)
	if kind == nil {
		t.Fatalf("unknown error kind %q", tc.Error)
	}
	if !errors.Is(err, kind) {
		t.Errorf("error %v is not %s", err, tc.Error)
	}
	var pe *Error
	if !errors.As(err, &pe) {
		t.Fatalf("%T is not *Error", err)
	}
	if tc.Hint == "" || !strings.Contains(pe.Msg, tc.Hint) {
		t.Errorf("message %q lacks %q", pe.Msg, tc.Hint)
	}
	if len(pe.Msg) > 400 {
		t.Errorf("message is %d bytes", len(pe.Msg))
	}
	if tc.Underline != "" {
		end := min(pe.Offset+max(pe.Length, 1), len(pe.Input))
		if got := pe.Input[min(pe.Offset, len(pe.Input)):end]; got != tc.Underline {
			t.Errorf("underlines %q, want %q\n%s", got, tc.Underline, pe.Caret())
		}
	}
	if tc.Password != "" {
		for _, s := range []string{err.Error(), pe.Caret()} {
			if strings.Contains(s, tc.Password) {
				t.Errorf("the error shows the password %q: %s", tc.Password, s)
			}
		}
	}
	if strings.Contains(tc.URL, "s3cret") && strings.Contains(err.Error(), "s3cret") {
		t.Errorf("the error shows the password: %v", err)
	}
}

// TestUnixSchemeRow checks the unix row of the scheme table: a redis
// standalone scheme without TLS that renders as redis in the Django view.
func TestUnixSchemeRow(t *testing.T) {
	s, ok := LookupScheme("Unix")
	if !ok {
		t.Fatal("no unix scheme")
	}
	want := Scheme{Name: "unix", Backend: BackendRedis, Topology: Standalone, DefaultPort: 6379,
		Dialect: dialectOurs, DjangoScheme: "redis", DjangoBackend: djangoRedis, Note: s.Note}
	if s != want {
		t.Errorf("unix row %+v, want %+v", s, want)
	}
}
