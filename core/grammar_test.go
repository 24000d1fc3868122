package core

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"reflect"
	"strconv"
	"strings"
	"testing"

	"github.com/cacheurl/cacheurl/internal/golden"
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
	got, _ := Reveal(c).MarshalJSON()
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

const grammarDocPath = "../docs/grammar.md"

// grammarSchemeTable renders docs/grammar.md's scheme table from the scheme
// table.
func grammarSchemeTable() string {
	var b strings.Builder
	b.WriteString("| scheme | family | TLS | topology | default port | from | Django view | notes |\n")
	b.WriteString("|---|---|---|---|---|---|---|---|\n")
	for _, s := range schemes {
		tls, topo, port, dj := "", string(s.Topology), "", "– (not expressible)"
		if s.TLS {
			tls = "yes"
		}
		if s.DefaultPort != 0 {
			port = strconv.Itoa(s.DefaultPort)
		}
		if s.DjangoScheme != "" {
			dj = "`" + s.DjangoScheme + "` → `" + s.DjangoBackend + "`"
		}
		fmt.Fprintf(&b, "| `%s` | %s | %s | %s | %s | %s | %s | %s |\n", s.Name, s.Backend, tls, topo, port, s.Dialect, dj, strings.ReplaceAll(s.Note, "|", `\|`))
	}
	return b.String()
}

// TestGrammarDoc keeps docs/grammar.md true: its scheme table is generated
// from the scheme table, and every row of its checked example tables is
// what Parse, Format and Django do.
func TestGrammarDoc(t *testing.T) {
	golden.Section(t, grammarDocPath, "<!-- BEGIN scheme table", "<!-- END scheme table -->", grammarSchemeTable(),
		"go test ./core -run TestGrammarDoc -update")
	data, err := os.ReadFile(grammarDocPath)
	if err != nil {
		t.Fatal(err)
	}
	doc := string(data)
	if strings.Contains(doc, "SPEC"+".md") {
		t.Error("docs/grammar.md cites the developers' spec; it must stand alone")
	}
	for _, k := range Kinds() {
		if !strings.Contains(doc, "| `"+k.Code()+"` |") {
			t.Errorf("docs/grammar.md's error table lacks %s", k.Code())
		}
	}

	rows := map[string]int{}
	lines := strings.Split(doc, "\n")
	for n := 0; n < len(lines); n++ {
		kind, ok := strings.CutPrefix(lines[n], "<!-- check: ")
		if !ok {
			continue
		}
		kind = strings.TrimSuffix(kind, " -->")
		for n += 3; n < len(lines) && strings.HasPrefix(lines[n], "|"); n++ {
			cells := strings.Split(strings.Trim(lines[n], "|"), "|")
			for k := range cells {
				cells[k] = strings.Trim(strings.TrimSpace(cells[k]), "`")
			}
			rows[kind]++
			checkGrammarDocRow(t, kind, cells, n+1)
		}
	}
	if rows["canonical"] < 30 || rows["errors"] < 40 || rows["location"] < 10 {
		t.Errorf("too few checked rows: %v", rows)
	}
}

func checkGrammarDocRow(t *testing.T, kind string, cells []string, line int) {
	t.Helper()
	in := cells[0]
	c, err := Parse(in)
	switch kind {
	case "canonical":
		if err != nil {
			t.Errorf("docs/grammar.md:%d: %q: %v", line, in, err)
		} else if got := c.Redacted(); got != cells[1] {
			t.Errorf("docs/grammar.md:%d: %q is %q, the doc says %q", line, in, got, cells[1])
		}
	case "errors":
		var pe *Error
		switch {
		case !errors.As(err, &pe):
			t.Errorf("docs/grammar.md:%d: %q: want an error, got %v", line, in, err)
		case pe.Kind.Code() != cells[1]:
			t.Errorf("docs/grammar.md:%d: %q: kind %s, the doc says %s (%v)", line, in, pe.Kind.Code(), cells[1], err)
		case !strings.Contains(pe.Msg, cells[2]):
			t.Errorf("docs/grammar.md:%d: %q: message %q lacks %q", line, in, pe.Msg, cells[2])
		}
	case "location":
		if err != nil {
			t.Errorf("docs/grammar.md:%d: %q: %v", line, in, err)
			return
		}
		view, err := c.Django()
		if err != nil {
			t.Errorf("docs/grammar.md:%d: %q: Django: %v", line, in, err)
			return
		}
		got, _ := json.Marshal(view["LOCATION"])
		if !jsonEqual(t, got, []byte(cells[1])) {
			t.Errorf("docs/grammar.md:%d: %q: LOCATION %s, the doc says %s", line, in, got, cells[1])
		}
	default:
		t.Errorf("docs/grammar.md:%d: unknown check %q", line, kind)
	}
}
