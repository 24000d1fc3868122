package django

import (
	"fmt"
	"strconv"

	"github.com/cacheurl/cacheurl/clients"
	"github.com/cacheurl/cacheurl/core"
)

// Error is the error of this package: the shared error shape of the client
// packages, with Package "django". Its Kind is one of [ErrMalformed],
// [ErrUnsupported], [ErrTooLarge] and [ErrType] (or a client kind from
// [New]), matched with errors.Is. Messages name positions, opcodes, Python
// classes and limits, never the stored data. A [Cache]'s errors also name
// the operation and the cache (its redacted URL); its server errors are
// package cache's.
type Error = clients.Error

// The kinds of this package's errors.
var (
	// ErrMalformed: the bytes are not what the backend's client writes: not
	// a pickle, a truncated or inconsistent one, int text that is not an
	// int, text that is not UTF-8, unknown memcached flags.
	ErrMalformed = core.NewKind("malformed_value", "malformed value", nil)
	// ErrUnsupported: a valid value outside the plain data this package
	// reads and writes: a pickle that refers to any other Python class (the
	// message names it; nothing is ever run), a value that contains itself,
	// a compression other than zlib and gzip; on encoding, a Go value with
	// no Python equivalent.
	ErrUnsupported = core.NewKind("unsupported_value", "value outside Django's plain data", nil)
	// ErrTooLarge: a value over one of the [Limits].
	ErrTooLarge = core.NewKind("value_too_large", "value over a limit", nil)
	// ErrType: a value that does not fit the Go value [Into] fills (a str
	// where an int field is), or a stored session that is not a dict with
	// str keys.
	ErrType = core.NewKind("value_type", "value of another type", nil)
)

// Limits bound what decoding accepts, so that hostile input costs time and
// memory in proportion to its length. A zero field means its default.
type Limits struct {
	// MaxBytes bounds the stored value, its decompressed form, and the
	// total length of the strings and bytes of the decoded value, each
	// reference counted (default 64 MiB).
	MaxBytes int
	// MaxDepth bounds nesting: a container inside a container inside ...
	// (default 10,000; Python's pickler stops near 1,000).
	MaxDepth int
	// MaxNodes bounds the number of values in the decoded value, each
	// reference counted, so a value shared through the pickle memo cannot
	// expand into more than this when printed (default 2,097,152).
	MaxNodes int
	// MaxDigits bounds the decimal digits of an int and of a Decimal's
	// coefficient (default 4,300, Python's limit for int(str)).
	MaxDigits int
}

// The defaults of [Limits].
const (
	DefaultMaxBytes  = 64 << 20
	DefaultMaxDepth  = 10_000
	DefaultMaxNodes  = 1 << 21
	DefaultMaxDigits = 4300
)

// resolved returns l with every zero field set to its default.
func (l Limits) resolved() Limits {
	if l.MaxBytes <= 0 {
		l.MaxBytes = DefaultMaxBytes
	}
	if l.MaxDepth <= 0 {
		l.MaxDepth = DefaultMaxDepth
	}
	if l.MaxNodes <= 0 {
		l.MaxNodes = DefaultMaxNodes
	}
	if l.MaxDigits <= 0 {
		l.MaxDigits = DefaultMaxDigits
	}
	return l
}

const pkgName = "django"

func newErr(kind *clients.Kind, format string, args ...any) error {
	return &Error{Package: pkgName, Kind: kind, Msg: fmt.Sprintf(format, args...)}
}

// short quotes a name from the input for a message (a Python module or
// class, a zone key), cut to 80 bytes: names are code, not data, but input
// is hostile.
func short(s string) string {
	if len(s) > 80 {
		return strconv.QuoteToASCII(s[:80]) + "..."
	}
	return strconv.QuoteToASCII(s)
}

// dotted renders a Python global as module.name for a message.
func dotted(module, name string) string {
	s := module + "." + name
	if len(s) > 120 || strconv.QuoteToASCII(s) != `"`+s+`"` {
		return short(s)
	}
	return s
}
