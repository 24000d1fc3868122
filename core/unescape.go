package core

import (
	"strings"
	"unicode/utf8"
)

// unescape is the package unescape, skipped when the input has nothing to
// decode.
func (p *parser) unescape(s string, form bool) (string, int, string) {
	if !p.escapes && !(form && p.plus) {
		return s, -1, ""
	}
	return unescape(s, form)
}

// unescape percent-decodes s (and '+' as space when form is true). It
// returns s itself when there is nothing to decode. On error bad is the
// offset in s of the problem and why says what it is; otherwise bad is -1.
// The result must be valid UTF-8 without control characters.
func unescape(s string, form bool) (out string, bad int, why string) {
	n := 0
	plus := false
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case '%':
			if i+2 >= len(s) || unhex(s[i+1]) < 0 || unhex(s[i+2]) < 0 {
				return "", i, "invalid percent-escape " + quoteShort(s[i:min(i+3, len(s))]) + " (write '%' itself as %25)"
			}
			n++
			i += 2
		case '+':
			plus = plus || form
		}
	}
	if n == 0 && !plus {
		return s, -1, ""
	}
	var buf strings.Builder
	buf.Grow(len(s) - 2*n)
	var hi, ctl bool
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c == '%':
			d := byte(unhex(s[i+1])<<4 | unhex(s[i+2]))
			hi = hi || d >= 0x80
			ctl = ctl || d < 0x20 || d == 0x7f
			buf.WriteByte(d)
			i += 2
		case c == '+' && form:
			buf.WriteByte(' ')
		default:
			hi = hi || c >= 0x80
			buf.WriteByte(c)
		}
	}
	out = buf.String()
	if hi && !utf8.ValidString(out) {
		return "", strings.IndexByte(s, '%'), "percent-escapes do not decode to valid UTF-8"
	}
	if ctl {
		for i := 0; i < len(out); i++ {
			if c := out[i]; c < 0x20 || c == 0x7f {
				return "", strings.IndexByte(s, '%'), "decodes to the control character " + quoteByte(c)
			}
		}
	}
	return out, -1, ""
}

func unhex(c byte) int {
	switch {
	case '0' <= c && c <= '9':
		return int(c - '0')
	case 'a' <= c && c <= 'f':
		return int(c - 'a' + 10)
	case 'A' <= c && c <= 'F':
		return int(c - 'A' + 10)
	}
	return -1
}
