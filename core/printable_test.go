package core_test

import (
	"encoding/json"
	"fmt"
	"testing"
	"unicode"
	"unicode/utf8"

	"github.com/cacheurl/cacheurl/core"
)

// TestPrintable: every character a terminal could act on is escaped (the
// escapes of a control sequence that sets the title and clears the screen,
// DEL, C1 CSI, a bidirectional override, a format character beyond U+FFFF,
// bytes that are not UTF-8), printable text is left as it is, the result is
// printable and Printable of it changes nothing, and the \u escapes read
// back in a JSON string as the characters they stand for.
func TestPrintable(t *testing.T) {
	for _, tt := range []struct{ in, want string }{
		{"", ""},
		{"redis 7.0.15", "redis 7.0.15"},
		{"tabs\tand\nnewlines\r", `tabs\u0009and\u000anewlines\u000d`},
		{"\x1b]0;pwned-title\x07\x1b[2J", `\u001b]0;pwned-title\u0007\u001b[2J`},
		{"del\x7f", `del\u007f`},
		{"c1 \u009b2J", `c1 \u009b2J`},
		{"bidi \u202eevil", `bidi \u202eevil`},
		{"tag \U000E0001", `tag \udb40\udc01`},
		{"bad utf-8 \x9b\xff", `bad utf-8 \x9b\xff`},
		{"héllo wörld ✓ \\x1b", "héllo wörld ✓ \\x1b"},
	} {
		got := core.Printable(tt.in)
		if got != tt.want {
			t.Errorf("Printable(%q) = %q, want %q", tt.in, got, tt.want)
		}
		for i, r := range got {
			if r == utf8.RuneError || r < ' ' || r == 0x7f || (r >= 0x80 && !unicode.IsPrint(r)) {
				t.Errorf("Printable(%q) = %q keeps %q at byte %d", tt.in, got, r, i)
			}
		}
		if core.Printable(got) != got {
			t.Errorf("Printable is not idempotent on %q", got)
		}
		if utf8.ValidString(tt.in) {
			var back string
			if err := json.Unmarshal([]byte(`"`+got+`"`), &back); err != nil && !containsBackslash(tt.in) {
				t.Errorf("Printable(%q) = %q is not a JSON string's text: %v", tt.in, got, err)
			} else if err == nil && back != tt.in {
				t.Errorf("Printable(%q) = %q reads back in JSON as %q", tt.in, got, back)
			}
		}
	}
}

func containsBackslash(s string) bool {
	for _, r := range s {
		if r == '\\' || r == '"' {
			return true
		}
	}
	return false
}

// A server's words, escaped before they reach a terminal.
func ExamplePrintable() {
	fmt.Println(core.Printable("ERR \x1b]0;pwned\x07 \u202eevil"))
	// Output:
	// ERR \u001b]0;pwned\u0007 \u202eevil
}
