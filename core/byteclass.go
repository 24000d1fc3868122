package core

import "strings"

func isHostByte(b byte) bool { return byteClass[b]&clsHost != 0 }

// isParamName reports whether name is a query parameter name as the grammar
// writes it: one or more ASCII letters, digits, '_', '.' and '-'.
func isParamName(name string) bool {
	if name == "" {
		return false
	}
	for i := 0; i < len(name); i++ {
		if byteClass[name[i]]&(clsName|clsUpper) == 0 {
			return false
		}
	}
	return true
}

// Byte classes, looked up in one table.
const (
	clsHygiene = 1 << iota // needs a look in hygiene: control, space, '#', non-ASCII, '%', '+'
	clsHost                // host name byte: ALPHA DIGIT - _ .
	clsName                // parameter name byte, lower-case: a-z 0-9 _ . -
	clsUpper               // A-Z
)

var byteClass = func() (t [256]uint8) {
	for i := range t {
		b := byte(i)
		if b < 0x20 || b >= 0x7f || strings.IndexByte(" #%+@,?:/", b) >= 0 {
			t[i] |= clsHygiene
		}
		alnum := 'a' <= b && b <= 'z' || 'A' <= b && b <= 'Z' || '0' <= b && b <= '9'
		if alnum || b == '-' || b == '_' || b == '.' {
			t[i] |= clsHost
		}
		if 'a' <= b && b <= 'z' || '0' <= b && b <= '9' || b == '_' || b == '.' || b == '-' {
			t[i] |= clsName
		}
		if 'A' <= b && b <= 'Z' {
			t[i] |= clsUpper
		}
	}
	return t
}()
