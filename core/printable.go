package core

import (
	"unicode"
	"unicode/utf16"
	"unicode/utf8"
)

// Printable returns s with every character a terminal could act on written
// as a \uXXXX escape (a surrogate pair beyond U+FFFF, so that the text is
// also valid inside a JSON string): the control characters (C0, DEL, C1:
// \u001b, \u0007, \u009b), the format characters (bidirectional
// overrides such as \u202e) and every other character [unicode.IsPrint]
// rejects; each byte that is not UTF-8 as \xNN. Text without such characters is returned
// as it is (no copy). It is the one rule for text that leaves the process
// for a terminal: a server's words, a file's content, a URL echoed in a
// message. (ESC ] 0 ; ... BEL sets a terminal's title, ESC [ 2 J or the C1
// CSI \u009b 2 J clears it, \u202e reverses what follows.)
func Printable(s string) string {
	for i := 0; i < len(s); {
		if c := s[i]; c >= ' ' && c < 0x7f {
			i++
			continue
		}
		r, n := utf8.DecodeRuneInString(s[i:])
		if !printableRune(r, n) {
			return string(AppendPrintable(make([]byte, 0, len(s)+16), s))
		}
		i += n
	}
	return s
}

// AppendPrintable appends s to b as [Printable] writes it (for a writer
// that escapes what passes through it without a string per piece).
func AppendPrintable(b []byte, s string) []byte {
	const hex = "0123456789abcdef"
	start := 0
	for i := 0; i < len(s); {
		if c := s[i]; c >= ' ' && c < 0x7f {
			i++
			continue
		}
		r, n := utf8.DecodeRuneInString(s[i:])
		if printableRune(r, n) {
			i += n
			continue
		}
		b = append(b, s[start:i]...)
		switch {
		case r == utf8.RuneError && n == 1:
			b = append(b, '\\', 'x', hex[s[i]>>4], hex[s[i]&15])
		case r > 0xffff:
			r1, r2 := utf16.EncodeRune(r)
			b = appendU(appendU(b, r1), r2)
		default:
			b = appendU(b, r)
		}
		i += n
		start = i
	}
	return append(b, s[start:]...)
}

// appendU appends the escape \uXXXX of r (r ≤ 0xFFFF).
func appendU(b []byte, r rune) []byte {
	const hex = "0123456789abcdef"
	return append(b, '\\', 'u', hex[r>>12&15], hex[r>>8&15], hex[r>>4&15], hex[r&15])
}

func printableRune(r rune, size int) bool {
	if r < utf8.RuneSelf {
		return r >= ' ' && r != 0x7f
	}
	return !(r == utf8.RuneError && size == 1) && unicode.IsPrint(r)
}
