package main

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"
)

// unprintable returns the first character of s a terminal could act on
// (line breaks and tabs aside), or "".
func unprintable(s string) string {
	for i := 0; i < len(s); {
		r, n := utf8.DecodeRuneInString(s[i:])
		if r != '\n' && r != '\t' && (r == utf8.RuneError && n == 1 || r < ' ' || r == 0x7f || (r >= 0x80 && !unicode.IsPrint(r))) {
			return s[i : i+n]
		}
		i += n
	}
	return ""
}

// TestOutputPrintable: a URL carrying a C1 CSI and a bidirectional
// override (a CACHE_URL_FILE can hold them: they are valid UTF-8 in a
// query) reaches no terminal raw, from any command or output format, on
// standard output or in an error's caret; the JSON outputs still decode
// to the value the URL holds.
func TestOutputPrintable(t *testing.T) {
	const prefix = "a\u009b2J\u202eb"
	url := "redis://h/0?key_prefix=" + prefix
	for _, args := range [][]string{
		{"parse", url},
		{"parse", "--format", "django", url},
		{"parse", "--format", "url", url},
		{"parse", "--show-secrets", url},
		{"explain", url},
		{"parse", "redis://h:0/0?key_prefix=" + prefix},
		{"explain", "redis://h:0/0?key_prefix=" + prefix},
	} {
		var stdout, stderr bytes.Buffer
		run(args, strings.NewReader(""), &stdout, &stderr, func(string) string { return "" })
		for name, out := range map[string]string{"stdout": stdout.String(), "stderr": stderr.String()} {
			if c := unprintable(out); c != "" {
				t.Errorf("%v: %s writes %q raw:\n%s", args, name, c, out)
			}
		}
		if args[0] == "parse" && len(args) == 2 && stderr.Len() == 0 {
			var got struct {
				KeyPrefix string `json:"key_prefix"`
			}
			if err := json.Unmarshal(stdout.Bytes(), &got); err != nil || got.KeyPrefix != prefix {
				t.Errorf("%v: JSON key_prefix %q, %v; want %q", args, got.KeyPrefix, err, prefix)
			}
		}
	}
}

// TestPrintableWriterCutRune: a character cut between two writes (a
// buffered writer flushes at any byte) is passed on whole, and a cut one
// left at the end is escaped.
func TestPrintableWriterCutRune(t *testing.T) {
	var out bytes.Buffer
	w := &printableWriter{w: &out}
	s := "é\u009b✓\n"
	for i := 0; i < len(s); i++ {
		if n, err := w.Write([]byte(s[i : i+1])); n != 1 || err != nil {
			t.Fatalf("Write = %d, %v", n, err)
		}
	}
	_, _ = w.Write([]byte("\xe2\x9c"))
	w.flush()
	if got, want := out.String(), "é\\u009b✓\n\\xe2\\x9c"; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
}
