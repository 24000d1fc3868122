package main

import (
	"io"
	"strings"
	"unicode/utf8"

	"github.com/cacheurl/cacheurl/core"
)

// printableWriter passes on what the program writes with every character
// a terminal could act on escaped by core.Printable (line breaks and tabs
// kept), so that nothing a URL, a file or a server gives reaches the
// terminal raw, whichever command prints it: the escapes are \uXXXX, which
// are also valid inside the JSON strings the commands print.
type printableWriter struct {
	w io.Writer
	// rest is a UTF-8 sequence cut at the end of the last Write (a
	// buffered writer flushes at any byte), kept for the next one.
	rest []byte
}

func (p *printableWriter) Write(b []byte) (int, error) {
	n := len(b)
	if len(p.rest) > 0 {
		b = append(p.rest, b...)
		p.rest = nil
	}
	if cut := incompleteTail(b); cut < len(b) {
		p.rest = append([]byte(nil), b[cut:]...)
		b = b[:cut]
	}
	if plain(b) {
		_, err := p.w.Write(b)
		return n, err
	}
	out := make([]byte, 0, len(b)+32)
	text := string(b)
	for len(text) > 0 {
		i := strings.IndexAny(text, "\n\t")
		if i < 0 {
			i = len(text)
		}
		out = core.AppendPrintable(out, text[:i])
		if i < len(text) {
			out = append(out, text[i])
			i++
		}
		text = text[i:]
	}
	_, err := p.w.Write(out)
	return n, err
}

// flush writes a cut sequence left at the end, escaped.
func (p *printableWriter) flush() {
	if len(p.rest) > 0 {
		_, _ = p.w.Write([]byte(core.Printable(string(p.rest))))
		p.rest = nil
	}
}

// plain reports whether b is printable ASCII, line breaks and tabs only:
// the common case, passed on as it is.
func plain(b []byte) bool {
	for _, c := range b {
		if (c < ' ' && c != '\n' && c != '\t') || c >= 0x7f {
			return false
		}
	}
	return true
}

// incompleteTail returns where a UTF-8 sequence cut short at the end of b
// starts, or len(b).
func incompleteTail(b []byte) int {
	for i := len(b) - 1; i >= 0 && i >= len(b)-utf8.UTFMax; i-- {
		if utf8.RuneStart(b[i]) {
			if !utf8.FullRune(b[i:]) {
				return i
			}
			break
		}
	}
	return len(b)
}
