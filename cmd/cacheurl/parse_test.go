package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"io"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"testing/iotest"

	"github.com/cacheurl/cacheurl/core"
	"github.com/cacheurl/cacheurl/internal/vectors"
)

// batchOut is one output line of parse -.
type batchOut struct {
	URL    *string         `json:"url"`
	Result json.RawMessage `json:"result"`
	Error  *struct {
		Kind    string `json:"kind"`
		Message string `json:"message"`
	} `json:"error"`
}

func decodeLines(t testing.TB, out string) []batchOut {
	t.Helper()
	var lines []batchOut
	for i, l := range strings.Split(strings.TrimSuffix(out, "\n"), "\n") {
		var o batchOut
		dec := json.NewDecoder(strings.NewReader(l))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&o); err != nil {
			t.Fatalf("output line %d %q: %v", i+1, l, err)
		}
		if (o.Result == nil) == (o.Error == nil) {
			t.Fatalf("output line %d has neither or both of result and error: %s", i+1, l)
		}
		lines = append(lines, o)
	}
	return lines
}

// loadVectors returns the reference vectors of core/testdata/vectors.
func loadVectors(t testing.TB) []vectors.Vector {
	t.Helper()
	vs, err := vectors.Load(filepath.Join("..", "..", "core", "testdata", "vectors"))
	if err != nil {
		t.Fatal(err)
	}
	return vs
}

// vectorBatchInput is every vector's URL as a JSON string, one per line.
func vectorBatchInput(t testing.TB, vs []vectors.Vector) string {
	t.Helper()
	var in strings.Builder
	for _, v := range vs {
		b, err := json.Marshal(v.URL)
		if err != nil {
			t.Fatal(err)
		}
		in.Write(b)
		in.WriteByte('\n')
	}
	return in.String()
}

// checkVectorBatch checks parse --format django --show-secrets --input json -
// output against the vectors: match → the reference, fix → the documented
// Django value, reject → an error line.
func checkVectorBatch(t *testing.T, vs []vectors.Vector, stdout string) {
	t.Helper()
	lines := decodeLines(t, stdout)
	if len(lines) != len(vs) {
		t.Fatalf("%d output lines for %d vectors", len(lines), len(vs))
	}
	counts := map[string]int{}
	for i, v := range vs {
		o := lines[i]
		if o.URL == nil || *o.URL != v.URL {
			t.Errorf("line %d echoes url %v, want %q", i+1, o.URL, v.URL)
		}
		counts[v.Verdict]++
		switch v.Verdict {
		case "reject":
			if o.Error == nil {
				t.Errorf("reject vector %q gave %s", v.URL, o.Result)
			} else if o.Error.Kind == "" || o.Error.Message == "" {
				t.Errorf("reject vector %q: empty kind or message: %+v", v.URL, o.Error)
			}
		case "match", "fix":
			if o.Error != nil {
				t.Errorf("%s vector %q: %s: %s", v.Verdict, v.URL, o.Error.Kind, o.Error.Message)
				continue
			}
			want := v.Reference
			if v.Verdict == "fix" {
				want = v.Django
			}
			var got, w any
			if err := json.Unmarshal(o.Result, &got); err != nil {
				t.Fatal(err)
			}
			if err := json.Unmarshal(want, &w); err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, w) {
				t.Errorf("%s vector %q:\n got %s\nwant %s", v.Verdict, v.URL, o.Result, want)
			}
		default:
			t.Errorf("vector %q has verdict %q, which the CLI test does not know", v.URL, v.Verdict)
		}
	}
	if counts["match"] == 0 || counts["fix"] == 0 || counts["reject"] == 0 {
		t.Errorf("vector counts %v: expected every verdict", counts)
	}
}

// TestBatchVectors feeds every vector through parse --format django
// --show-secrets --input json - in-process (TestProcessVectors does it
// through the built binary).
func TestBatchVectors(t *testing.T) {
	vs := loadVectors(t)
	r := runCLI(t, nil, vectorBatchInput(t, vs), "parse", "--format", "django", "--show-secrets", "--input", "json", "-")
	if r.status != exitFail {
		t.Errorf("status %d, want 1 (some vectors are rejects)", r.status)
	}
	if r.stderr != "" {
		t.Errorf("stderr: %s", r.stderr)
	}
	checkVectorBatch(t, vs, r.stdout)
}

func TestBatchStatus(t *testing.T) {
	tests := []struct {
		name, stdin string
		args        []string
		want        int
		lines       int
	}{
		{"empty input", "", []string{"parse", "-"}, exitOK, 0},
		{"all valid", "locmem://\nredis://h/0\n", []string{"parse", "-"}, exitOK, 2},
		{"no final newline", "locmem://\nredis://h/0", []string{"parse", "-"}, exitOK, 2},
		{"one invalid", "locmem://\nnope\n", []string{"parse", "-"}, exitFail, 2},
		{"empty line is an empty URL", "\n", []string{"parse", "-"}, exitFail, 1},
		{"django view error fails", "redis+cluster://n1\n", []string{"parse", "--format", "django", "-"}, exitFail, 1},
		{"json lines", "\"locmem://\"\n", []string{"parse", "--input", "json", "-"}, exitOK, 1},
		{"not json", "locmem://\n", []string{"parse", "--input", "json", "-"}, exitFail, 1},
		{"json null and number", "null\n1\n\"locmem://\" x\n", []string{"parse", "--input", "json", "-"}, exitFail, 3},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := runCLI(t, nil, tt.stdin, tt.args...)
			if r.status != tt.want {
				t.Errorf("status %d, want %d; stderr %q", r.status, tt.want, r.stderr)
			}
			n := strings.Count(r.stdout, "\n")
			if n != tt.lines {
				t.Errorf("%d output lines, want %d:\n%s", n, tt.lines, r.stdout)
			}
		})
	}
}

// TestBatchLongLines: a line longer than the reader's buffer is one
// too_long error line, read without being kept, and the next lines are
// still parsed; a line just over core.MaxLength gets core's own error.
func TestBatchLongLines(t *testing.T) {
	huge := "redis://h/0?key_prefix=" + strings.Repeat("a", 1<<20)
	over := "locmem://" + strings.Repeat("b", core.MaxLength)
	in := huge + "\n" + over + "\nlocmem://after\n" + huge
	r := runCLI(t, nil, in, "parse", "-")
	lines := decodeLines(t, r.stdout)
	if len(lines) != 4 {
		t.Fatalf("%d lines, want 4", len(lines))
	}
	for _, i := range []int{0, 1, 3} {
		if lines[i].Error == nil || lines[i].Error.Kind != "too_long" {
			t.Errorf("line %d: %+v, want a too_long error", i+1, lines[i])
		}
	}
	if lines[0].URL != nil {
		t.Errorf("an over-long line is echoed as %q, want null", *lines[0].URL)
	}
	if !strings.Contains(lines[0].Error.Message, "1048599 bytes") {
		t.Errorf("message %q does not give the line's length", lines[0].Error.Message)
	}
	if lines[2].Error != nil {
		t.Errorf("line after a long line: %+v", lines[2].Error)
	}
	if r.status != exitFail {
		t.Errorf("status %d, want 1", r.status)
	}
}

// TestBatchRedaction: passwords and credential options never appear in
// batch output without --show-secrets, in the echo or the result, in every
// format; with --show-secrets the input is echoed as given.
func TestBatchRedaction(t *testing.T) {
	in := strings.Join([]string{
		"redis://app:hunter2@h/0?sentinel_password=hunter3&PassWord=hunter4",
		"memcached://u:hunter2@mc1,mc2",
		"rediss+sentinel://:hunter2@s1/m?password=hunter3",
		"redis://:hunter2@h:0/0",     // invalid port
		"redis://:hun#ter2@h/0",      // fragment in the password
		"redis://:hunter2@h/0?db=x",  // bad db
		"redsi://:hunter2@h/0",       // unknown scheme
		"redis://:hunter2@h/0?ttl=x", // bad ttl
	}, "\n")
	for _, format := range []string{"json", "django", "url"} {
		r := runCLI(t, nil, in, "parse", "--format", format, "-")
		for _, secret := range []string{"hunter", "ter2"} {
			if strings.Contains(r.stdout, secret) {
				t.Errorf("--format %s shows %q:\n%s", format, secret, r.stdout)
			}
		}
		lines := decodeLines(t, r.stdout)
		if got := *lines[0].URL; got != "redis://app:xxxxx@h/0?sentinel_password=xxxxx&PassWord=xxxxx" {
			t.Errorf("--format %s echoes %q", format, got)
		}
		if got := *lines[1].URL; got != "memcached://u:xxxxx@mc1,mc2" {
			t.Errorf("--format %s echoes %q", format, got)
		}
	}
	r := runCLI(t, nil, in, "parse", "--show-secrets", "-")
	lines := decodeLines(t, r.stdout)
	for i, want := range strings.Split(in, "\n") {
		if lines[i].URL == nil || *lines[i].URL != want {
			t.Errorf("--show-secrets line %d echoes %v, want %q", i+1, lines[i].URL, want)
		}
	}
}

// TestAppendJSONValue: the Django view encoder writes what encoding/json
// writes (keys sorted, no HTML escaping), for a view's types and others.
func TestAppendJSONValue(t *testing.T) {
	view := map[string]any{
		"LOCATION": []string{"redis://a:6379/0", "redis://b&c:6379/0"},
		"TIMEOUT":  nil,
		"OPTIONS": map[string]any{
			"MAX_ENTRIES": 5, "PASSWORD": "p\"w\\",
			"CONNECTION_POOL_CLASS_KWARGS": map[string]any{"timeout": int64(1) << 40, "max_connections": -1},
		},
		"BACKEND": "x<y>", "A": "\u2028\t\x7f", "B": "a\xffé", "": "",
	}
	for _, v := range []any{view, 1.5, true, []int{1}, map[string]any{"k": 1.5}} {
		var want bytes.Buffer
		enc := json.NewEncoder(&want)
		enc.SetEscapeHTML(false)
		if err := enc.Encode(v); err != nil {
			t.Fatal(err)
		}
		if got := appendJSONValue(nil, v); string(got) != strings.TrimSuffix(want.String(), "\n") {
			t.Errorf("got  %s\nwant %s", got, want.String())
		}
	}
}

// TestParseArgs: flags may come before or after the URL; "--" ends them.
func TestParseArgs(t *testing.T) {
	tests := []struct {
		args   []string
		format string
		pos    []string
	}{
		{[]string{"--format", "url", "locmem://"}, "url", []string{"locmem://"}},
		{[]string{"locmem://", "--format", "url"}, "url", []string{"locmem://"}},
		{[]string{"-format=django", "-"}, "django", []string{"-"}},
		{[]string{"-", "--format=django"}, "django", []string{"-"}},
		{[]string{"--", "--format"}, "json", []string{"--format"}},
		{[]string{"a", "--", "-b"}, "json", []string{"a", "-b"}},
		{nil, "json", nil},
	}
	for _, tt := range tests {
		fs := flag.NewFlagSet("t", flag.ContinueOnError)
		fs.SetOutput(io.Discard)
		format := fs.String("format", "json", "")
		pos, err := parseArgs(fs, tt.args)
		if err != nil {
			t.Errorf("parseArgs(%q): %v", tt.args, err)
			continue
		}
		if *format != tt.format || !reflect.DeepEqual(pos, tt.pos) {
			t.Errorf("parseArgs(%q) = format %q, %q; want %q, %q", tt.args, *format, pos, tt.format, tt.pos)
		}
	}
}

// TestEnvironment: without a URL parse reads $CACHE_URL, falling back to
// locmem:// when it is unset, empty or blank (docs/environment.md).
func TestEnvironment(t *testing.T) {
	tests := []struct {
		env  map[string]string
		want string
	}{
		{nil, "locmem://"},
		{map[string]string{"CACHE_URL": ""}, "locmem://"},
		{map[string]string{"CACHE_URL": " \t"}, "locmem://"},
		{map[string]string{"CACHE_URL": "redis://cache/1"}, "redis://cache/1"},
		{map[string]string{"OTHER_CACHE_URL": "redis://cache/1"}, "locmem://"},
	}
	for _, tt := range tests {
		r := runCLI(t, tt.env, "", "parse", "--format", "url")
		if r.status != exitOK || strings.TrimSpace(r.stdout) != tt.want {
			t.Errorf("env %v: status %d, output %q; want %q", tt.env, r.status, r.stdout, tt.want)
		}
	}
	r := runCLI(t, map[string]string{"CACHE_URL": "redis://:hunter2@h/x"}, "", "explain")
	if r.status != exitFail || !strings.Contains(r.stdout, "in $CACHE_URL") || strings.Contains(r.stdout, "hunter2") {
		t.Errorf("explain of a bad $CACHE_URL: status %d\n%s", r.status, r.stdout)
	}
}

func TestExitStatus(t *testing.T) {
	tests := []struct {
		args []string
		want int
	}{
		{[]string{"parse", "locmem://"}, exitOK},
		{[]string{"parse", "nope"}, exitFail},
		{[]string{"parse", "--format", "django", "redis+sentinel://s/m"}, exitFail},
		{[]string{"parse", "--format", "toml"}, exitUsage},
		{[]string{"parse", "--input", "yaml"}, exitUsage},
		{[]string{"parse", "--bogus"}, exitUsage},
		{[]string{"parse", "a", "b"}, exitUsage},
		{[]string{"parse", "--input", "json", "locmem://"}, exitUsage},
		{[]string{"parse", "-h"}, exitOK},
		{[]string{"explain", "locmem://"}, exitOK},
		{[]string{"explain", "redis+sentinel://s/m"}, exitOK},
		{[]string{"explain", "nope"}, exitFail},
		{[]string{"explain", "a", "b"}, exitUsage},
		{[]string{"explain", "--format", "json"}, exitUsage},
		{[]string{"help"}, exitOK},
		{[]string{"help", "explain"}, exitOK},
		{[]string{"help", "nope"}, exitUsage},
		{[]string{"nope"}, exitUsage},
		{nil, exitUsage},
	}
	for _, tt := range tests {
		if r := runCLI(t, nil, "", tt.args...); r.status != tt.want {
			t.Errorf("cacheurl %q: status %d, want %d\nstdout %s\nstderr %s", tt.args, r.status, tt.want, r.stdout, r.stderr)
		}
	}
}

// TestBatchReadError: an I/O error on standard input is reported, after
// the lines read before it, with status 1.
func TestBatchReadError(t *testing.T) {
	var stdout, stderr bytes.Buffer
	in := io.MultiReader(strings.NewReader("locmem://\n"), iotest.ErrReader(errors.New("disk on fire")))
	status := run([]string{"parse", "-"}, in, &stdout, &stderr, func(string) string { return "" })
	if status != exitFail || !strings.Contains(stderr.String(), "disk on fire") || strings.Count(stdout.String(), "\n") != 1 {
		t.Errorf("status %d, stdout %q, stderr %q", status, stdout.String(), stderr.String())
	}
}

// TestBatchWriteError: a failing standard output ends the run with status 1.
func TestBatchWriteError(t *testing.T) {
	var stderr bytes.Buffer
	in := strings.NewReader(strings.Repeat("locmem://\n", 10000))
	status := run([]string{"parse", "-"}, in, failWriter{}, &stderr, func(string) string { return "" })
	if status != exitFail || !strings.Contains(stderr.String(), "writing standard output") {
		t.Errorf("status %d, stderr %q", status, stderr.String())
	}
}

type failWriter struct{}

func (failWriter) Write([]byte) (int, error) { return 0, errors.New("broken pipe") }

// BenchmarkBatch measures parse - on a mix of typical URLs, per line.
func BenchmarkBatch(b *testing.B) {
	urls := []string{
		"redis://:pw@cache:6379/1?key_prefix=app&timeout=300",
		"memcached://mc1:11211,mc2:11211?key_prefix=site1",
		"locmem://",
		"file:///var/tmp/django_cache?max_entries=1000",
		"rediss://u:pw@redis.internal:6380/2?timeout=5m&dial_timeout=3s",
		"hiredis:///run/redis.sock/3",
		"redsi://h",
	}
	var in strings.Builder
	for i := 0; i < 10000; i++ {
		in.WriteString(urls[i%len(urls)])
		in.WriteByte('\n')
	}
	input := in.String()
	for _, format := range []string{"json", "django", "url"} {
		b.Run(format, func(b *testing.B) {
			for i := 0; i < b.N; i++ {
				run([]string{"parse", "--format", format, "-"}, strings.NewReader(input), io.Discard, io.Discard, func(string) string { return "" })
			}
			b.ReportMetric(float64(b.N*10000)/b.Elapsed().Seconds(), "lines/s")
		})
	}
}

// TestRenderUsesReveal: parse's json and url forms are core's default
// (redacted) forms, and with --show-secrets exactly those of core.Reveal.
func TestRenderUsesReveal(t *testing.T) {
	for _, u := range []string{
		"redis://app:TopSecret1@cache:6380/2?sentinel_password=TopSecret2&pool_size=3",
		"memcached://u:TopSecret3@a,b:1?timeout=5m",
		"rediss+sentinel://s1,s2/m?PASSWORD=TopSecret4",
		"locmem://x",
	} {
		c, err := core.Parse(u)
		if err != nil {
			t.Fatal(err)
		}
		revealedJSON, _ := core.Reveal(c).MarshalJSON()
		revealedURL := appendJSONString(nil, core.Reveal(c).String())
		defaultJSON, _ := c.MarshalJSON()
		defaultURL := appendJSONString(nil, c.Redacted())
		for _, tt := range []struct {
			format string
			show   bool
			want   []byte
		}{
			{formatJSON, true, revealedJSON}, {formatURL, true, revealedURL},
			{formatJSON, false, defaultJSON}, {formatURL, false, defaultURL},
		} {
			got, err := renderer{tt.format, tt.show}.appendTo(nil, c)
			if err != nil || string(got) != string(tt.want) {
				t.Errorf("render(%q, %s, show %v) = %s, %v; want %s", u, tt.format, tt.show, got, err, tt.want)
			}
			if !tt.show && strings.Contains(string(got), "TopSecret") {
				t.Errorf("render(%q, %s) shows a secret: %s", u, tt.format, got)
			}
		}
	}
}
