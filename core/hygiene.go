package core

import (
	"strconv"
	"unicode/utf8"
)

// trimSpace trims ASCII space, \t, \r and \n.
func trimSpace(s string) string {
	i, j := 0, len(s)
	for i < j && isSpace(s[i]) {
		i++
	}
	for j > i && isSpace(s[j-1]) {
		j--
	}
	return s[i:j]
}

func isSpace(b byte) bool { return b == ' ' || b == '\t' || b == '\r' || b == '\n' }

// hygiene rejects control characters, raw spaces, fragments and invalid
// UTF-8 in one pass.
func (p *parser) hygiene(s string) bool {
	ascii := true
	p.question, p.colon, p.lastAt = -1, -1, -1
	for i := 0; i < len(s); i++ {
		b := s[i]
		if byteClass[b]&clsHygiene == 0 {
			continue
		}
		switch {
		case b == '%':
			p.escapes = true
		case b == '+':
			p.plus = true
		case b == '@':
			p.lastAt = i
		case b == ',':
			p.comma = true
		case b == '?':
			if p.question < 0 {
				p.question = i
			}
		case b == ':':
			if p.colon < 0 {
				p.colon = i
			}
		case b == '/':
			if p.slashes < 3 {
				p.slashes++
				p.slash3 = i
			}
		case b < 0x20 || b == 0x7f:
			return p.fail(ErrControlCharacter, i, 1, "control character "+quoteByte(b)+" at offset "+strconv.Itoa(i)+"; a CACHE_URL is one line of printable text (percent-encode it if it is data)")
		case b == ' ':
			return p.fail(ErrMalformed, i, 1, "space at offset "+strconv.Itoa(i)+"; write a space as %20 (or + in the query)")
		case b == '#':
			return p.fail(ErrFragment, i, len(s)-i, "'#' starts a fragment, which a CACHE_URL cannot have; write a literal '#' as %23")
		case b >= 0x80:
			ascii = false
		}
	}
	if !ascii && !utf8.ValidString(s) {
		for i := 0; i < len(s); {
			r, size := utf8.DecodeRuneInString(s[i:])
			if r == utf8.RuneError && size == 1 {
				return p.fail(ErrMalformed, i, 1, "invalid UTF-8 at offset "+strconv.Itoa(i))
			}
			i += size
		}
	}
	return true
}

func quoteByte(b byte) string { return strconv.QuoteRune(rune(b)) }
