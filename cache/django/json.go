package django

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"errors"
	"io"
	"math/big"
	"strconv"
	"time"
	"unicode/utf8"
)

// ToJSON renders a value (as [Codec.Decode] returns it, or any value
// [Codec.Encode] takes) as one line of JSON. The JSON-native Python values
// render as Python's json.dumps(value, ensure_ascii=False,
// separators=(",", ":")) renders them, the keys of a str-keyed dict sorted:
//
//   - None null, bool true/false, str a string (UTF-8, only `"`, `\` and
//     control characters escaped);
//   - int its exact decimal digits, of any size;
//   - float Python's repr: 3.0 as 3.0 (not 3, which Python reads as an
//     int), 1e+16, 1e-05, and NaN, Infinity, -Infinity as json.dumps
//     writes them (not RFC 8259 JSON, but what Python reads back);
//   - list, tuple an array; a dict with str keys an object, keys sorted.
//
// The other values have a documented rendering, as Django's
// DjangoJSONEncoder where it has one:
//
//   - a Dict whose keys are all str, int, float, bool or None an object
//     with the keys as json.dumps converts them ("1", "2.5", "true",
//     "null"), in insertion order; any other Dict an array of [key, value]
//     arrays;
//   - bytes and bytearray a base64 string (standard alphabet, padded);
//   - set and frozenset an array, in the value's order;
//   - datetime, date and time a string in Python's isoformat()
//     ("2024-01-31T13:04:05.000250+01:00"; a naive datetime has no offset);
//   - timedelta Django's duration_iso_string ("P1DT02H03M04.000005S",
//     "-P0DT00H00M01S");
//   - Decimal its text as Python's str() writes it, as a string ("1.50",
//     "1E+3").
//
// Other Go values are rendered after the conversions [Codec.Encode] makes
// (named types, pointers, slices, maps with string or integer keys); a
// string that is not UTF-8, a Go value nested deeper than twice
// DefaultMaxDepth (or containing itself) and a type with no Python
// equivalent are errors.
func ToJSON(v any) ([]byte, error) {
	w := jsonWriter{lim: Limits{}.resolved()}
	if err := w.value(v, 0); err != nil {
		return nil, err
	}
	return w.b, nil
}

// ToPrintableJSON is [ToJSON] with every character of a string (a dict key
// included) that is not printable escaped as \uXXXX: the C0 and C1
// controls, DEL, the format characters (the bidirectional overrides and
// isolates, zero-width characters), line and paragraph separators, private
// use and unassigned code points (what [strconv.IsPrint] rejects, the
// ASCII space excepted). It is the same JSON value, safe to print on a
// terminal or in a log line: a stored value cannot move the cursor, change
// colours or reorder what is displayed. Everything else is as ToJSON
// writes it.
func ToPrintableJSON(v any) ([]byte, error) {
	w := jsonWriter{lim: Limits{}.resolved(), printable: true}
	if err := w.value(v, 0); err != nil {
		return nil, err
	}
	return w.b, nil
}

type jsonWriter struct {
	b   []byte
	lim Limits
	// printable escapes what strconv.IsPrint rejects (ToPrintableJSON).
	printable bool
}

func (w *jsonWriter) value(v any, depth int) error {
	// Twice the decoding limit: a Dict rendered as [key, value] pairs adds
	// two levels to each of its own.
	if depth > 2*w.lim.MaxDepth {
		return newErr(ErrTooLarge, "the value is nested deeper than %d (or contains itself)", 2*w.lim.MaxDepth)
	}
	switch x := v.(type) {
	case nil:
		w.b = append(w.b, "null"...)
	case bool:
		w.b = strconv.AppendBool(w.b, x)
	case int64:
		w.b = strconv.AppendInt(w.b, x, 10)
	case int:
		w.b = strconv.AppendInt(w.b, int64(x), 10)
	case *big.Int:
		if x == nil {
			w.b = append(w.b, "null"...)
			return nil
		}
		w.b = x.Append(w.b, 10)
	case float64:
		w.b = appendPyFloat(w.b, x)
	case string:
		return w.str(x)
	case []byte:
		w.base64(x)
	case ByteArray:
		w.base64(x)
	case []any:
		return w.array(x, depth)
	case Tuple:
		return w.array(x, depth)
	case Set:
		return w.array(x, depth)
	case FrozenSet:
		return w.array(x, depth)
	case map[string]any:
		keys := sortedKeys(x)
		w.b = append(w.b, '{')
		for i, k := range keys {
			if i > 0 {
				w.b = append(w.b, ',')
			}
			if err := w.str(k); err != nil {
				return err
			}
			w.b = append(w.b, ':')
			if err := w.value(x[k], depth+1); err != nil {
				return err
			}
		}
		w.b = append(w.b, '}')
	case Dict:
		return w.dict(x, depth)
	case Date:
		w.quoted(x.appendISO)
	case Time:
		w.quoted(x.appendISO)
	case DateTime:
		w.quoted(x.appendISO)
	case time.Time:
		w.quoted(func(b []byte) []byte { return appendAwareISO(b, x) })
	case time.Duration:
		w.quoted(func(b []byte) []byte { return appendDurationISO(b, x) })
	case Decimal:
		text, err := parseDecimal(string(x), w.lim.MaxDigits)
		if err != nil {
			return newErr(ErrUnsupported, "a Decimal whose text is not a decimal number, Infinity or NaN")
		}
		return w.str(text)
	case json.Number:
		n, err := fromNumber(x, w.lim.MaxDigits)
		if err != nil {
			return err
		}
		return w.value(n, depth)
	default:
		p, err := plain(v)
		if err != nil {
			return err
		}
		return w.value(p, depth+1)
	}
	return nil
}

func (w *jsonWriter) array(xs []any, depth int) error {
	w.b = append(w.b, '[')
	for i, x := range xs {
		if i > 0 {
			w.b = append(w.b, ',')
		}
		if err := w.value(x, depth+1); err != nil {
			return err
		}
	}
	w.b = append(w.b, ']')
	return nil
}

func (w *jsonWriter) dict(d Dict, depth int) error {
	object := true
	for _, it := range d {
		if _, ok := jsonKey(it.Key); !ok {
			object = false
			break
		}
	}
	if !object {
		w.b = append(w.b, '[')
		for i, it := range d {
			if i > 0 {
				w.b = append(w.b, ',')
			}
			w.b = append(w.b, '[')
			if err := w.value(it.Key, depth+2); err != nil {
				return err
			}
			w.b = append(w.b, ',')
			if err := w.value(it.Value, depth+2); err != nil {
				return err
			}
			w.b = append(w.b, ']')
		}
		w.b = append(w.b, ']')
		return nil
	}
	w.b = append(w.b, '{')
	for i, it := range d {
		if i > 0 {
			w.b = append(w.b, ',')
		}
		k, _ := jsonKey(it.Key)
		if err := w.str(k); err != nil {
			return err
		}
		w.b = append(w.b, ':')
		if err := w.value(it.Value, depth+1); err != nil {
			return err
		}
	}
	w.b = append(w.b, '}')
	return nil
}

// jsonKey converts a dict key as json.dumps does: str as is, float by
// repr, True/False/None as true/false/null, int in decimal.
func jsonKey(k any) (string, bool) {
	switch x := k.(type) {
	case string:
		return x, true
	case float64:
		return string(appendPyFloat(nil, x)), true
	case bool:
		return strconv.FormatBool(x), true
	case nil:
		return "null", true
	case int64:
		return strconv.FormatInt(x, 10), true
	case int:
		return strconv.Itoa(x), true
	case *big.Int:
		if x != nil {
			return x.String(), true
		}
	}
	return "", false
}

func (w *jsonWriter) str(s string) error {
	if !utf8.ValidString(s) {
		return newErr(ErrUnsupported, "a string that is not valid UTF-8 has no JSON form")
	}
	if w.printable {
		w.b = appendPrintableJSONString(w.b, s)
		return nil
	}
	w.b = appendJSONString(w.b, s)
	return nil
}

const hexDigits = "0123456789abcdef"

// appendJSONString quotes s as json.dumps(s, ensure_ascii=False) does: only
// '"', '\\' and control characters are escaped (core's encoder for configs
// follows encoding/json instead, which also escapes U+2028 and U+2029).
func appendJSONString(b []byte, s string) []byte { return appendQuoted(b, s, false) }

// appendPrintableJSONString quotes s as appendJSONString does, and also
// escapes DEL and every non-ASCII character that strconv.IsPrint rejects,
// as \uXXXX (a surrogate pair above U+FFFF).
func appendPrintableJSONString(b []byte, s string) []byte { return appendQuoted(b, s, true) }

func appendQuoted(b []byte, s string, printable bool) []byte {
	b = append(b, '"')
	start := 0
	for i := 0; i < len(s); {
		c := s[i]
		if c >= utf8.RuneSelf {
			if !printable {
				i++
				continue
			}
			r, size := utf8.DecodeRuneInString(s[i:])
			if strconv.IsPrint(r) || r == utf8.RuneError && size == 1 {
				i += size
				continue
			}
			b = append(b, s[start:i]...)
			if r > 0xffff {
				r -= 0x10000
				b = appendU(appendU(b, 0xd800+r>>10), 0xdc00+r&0x3ff)
			} else {
				b = appendU(b, r)
			}
			i += size
			start = i
			continue
		}
		if c >= 0x20 && c != '"' && c != '\\' && (c != 0x7f || !printable) {
			i++
			continue
		}
		b = append(b, s[start:i]...)
		switch c {
		case '"', '\\':
			b = append(b, '\\', c)
		case '\n':
			b = append(b, '\\', 'n')
		case '\r':
			b = append(b, '\\', 'r')
		case '\t':
			b = append(b, '\\', 't')
		case '\b':
			b = append(b, '\\', 'b')
		case '\f':
			b = append(b, '\\', 'f')
		default:
			b = appendU(b, rune(c))
		}
		i++
		start = i
	}
	b = append(b, s[start:]...)
	return append(b, '"')
}

// appendU appends the escape \uXXXX of r (at most 0xffff).
func appendU(b []byte, r rune) []byte {
	return append(b, '\\', 'u', hexDigits[r>>12&0xf], hexDigits[r>>8&0xf], hexDigits[r>>4&0xf], hexDigits[r&0xf])
}

func (w *jsonWriter) base64(p []byte) {
	w.b = append(w.b, '"')
	w.b = base64.StdEncoding.AppendEncode(w.b, p)
	w.b = append(w.b, '"')
}

func (w *jsonWriter) quoted(f func([]byte) []byte) {
	w.b = append(w.b, '"')
	w.b = f(w.b)
	w.b = append(w.b, '"')
}

// appendAwareISO is Python's isoformat() of the aware datetime that
// Codec.Encode writes for t: microseconds, and the offset as +HH:MM[:SS].
func appendAwareISO(b []byte, t time.Time) []byte {
	dt := DateTime{
		Date: Date{Year: t.Year(), Month: t.Month(), Day: t.Day()},
		Time: Time{Hour: t.Hour(), Minute: t.Minute(), Second: t.Second(), Microsecond: t.Nanosecond() / 1000},
	}
	b = dt.appendISO(b)
	_, off := t.Zone()
	return appendOffset(b, off)
}

// appendOffset appends a UTC offset in seconds as Python writes it:
// +HH:MM, or +HH:MM:SS when there are seconds.
func appendOffset(b []byte, off int) []byte {
	if off < 0 {
		b = append(b, '-')
		off = -off
	} else {
		b = append(b, '+')
	}
	b = appendPad(b, off/3600, 2)
	b = append(b, ':')
	b = appendPad(b, off/60%60, 2)
	if off%60 != 0 {
		b = append(b, ':')
		b = appendPad(b, off%60, 2)
	}
	return b
}

// appendDurationISO is Django's duration_iso_string of the timedelta that
// Codec.Encode writes for d (truncated to the microsecond).
func appendDurationISO(b []byte, d time.Duration) []byte {
	us := int64(d / time.Microsecond)
	if us < 0 {
		b = append(b, '-')
		us = -us
	}
	days := us / 86400e6
	rem := us % 86400e6
	secs, micro := rem/1e6, rem%1e6
	b = append(b, 'P')
	b = strconv.AppendInt(b, days, 10)
	b = append(b, 'D', 'T')
	b = appendPad(b, int(secs/3600), 2)
	b = append(b, 'H')
	b = appendPad(b, int(secs/60%60), 2)
	b = append(b, 'M')
	b = appendPad(b, int(secs%60), 2)
	if micro != 0 {
		b = append(b, '.')
		b = appendPad(b, int(micro), 6)
	}
	return append(b, 'S')
}

// FromJSON reads one JSON value (RFC 8259; surrounding whitespace allowed)
// as Python's json.loads reads it, into the Go values [Codec.Encode] takes:
// an object a map[string]any (the last of repeated keys wins), an array a
// []any (a Python list), a string a string, true/false a bool, null nil,
// and a number an int when its text has no fraction and no exponent (an
// int64, or a *big.Int of any size up to DefaultMaxDigits digits), else a
// float64 ("3.0" stays a float; "1e400" is +Inf, as in Python). The input
// must be UTF-8, and a \u escape of half a surrogate pair is refused
// (Python would make a str no Go string holds). NaN and Infinity, which
// json.loads also reads, are not JSON and are refused.
func FromJSON(data []byte) (any, error) {
	lim := Limits{}.resolved()
	if len(data) > lim.MaxBytes {
		return nil, newErr(ErrTooLarge, "the JSON is %d bytes, over the limit of %d", len(data), lim.MaxBytes)
	}
	if !utf8.Valid(data) {
		return nil, newErr(ErrMalformed, "the JSON is not valid UTF-8")
	}
	if err := checkSurrogates(data); err != nil {
		return nil, err
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return nil, newErr(ErrMalformed, "not JSON: %s", jsonErrText(err))
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, newErr(ErrMalformed, "not JSON: data after the value")
	}
	return numbers(v, lim.MaxDigits)
}

// jsonErrText keeps encoding/json's syntax position but not its echo of
// the input (which could be a stored secret).
func jsonErrText(err error) string {
	var se *json.SyntaxError
	if errors.As(err, &se) {
		return "syntax error at byte " + strconv.FormatInt(se.Offset, 10)
	}
	if err == io.EOF || err == io.ErrUnexpectedEOF {
		return "unexpected end of input"
	}
	return "invalid value"
}

// numbers replaces the json.Numbers of a decoded value by ints and floats.
func numbers(v any, maxDigits int) (any, error) {
	switch x := v.(type) {
	case json.Number:
		return fromNumber(x, maxDigits)
	case []any:
		for i, it := range x {
			n, err := numbers(it, maxDigits)
			if err != nil {
				return nil, err
			}
			x[i] = n
		}
	case map[string]any:
		for k, it := range x {
			n, err := numbers(it, maxDigits)
			if err != nil {
				return nil, err
			}
			x[k] = n
		}
	}
	return v, nil
}

// checkSurrogates refuses a \uD800-\uDFFF escape that is not half of a
// high-low pair (encoding/json would turn it into U+FFFD silently).
func checkSurrogates(data []byte) error {
	inStr := false
	for i := 0; i < len(data); i++ {
		c := data[i]
		if !inStr {
			inStr = c == '"'
			continue
		}
		switch c {
		case '"':
			inStr = false
		case '\\':
			if i+1 < len(data) && data[i+1] == 'u' && i+5 < len(data) {
				r, ok := unhex(data[i+2 : i+6])
				if ok && r >= 0xd800 && r < 0xdc00 {
					if i+11 < len(data) && data[i+6] == '\\' && data[i+7] == 'u' {
						if lo, ok := unhex(data[i+8 : i+12]); ok && lo >= 0xdc00 && lo < 0xe000 {
							i += 11
							continue
						}
					}
					return newErr(ErrMalformed, "a \\u escape of half a surrogate pair at byte %d", i)
				}
				if ok && r >= 0xdc00 && r < 0xe000 {
					return newErr(ErrMalformed, "a \\u escape of half a surrogate pair at byte %d", i)
				}
				i += 5
				continue
			}
			i++
		}
	}
	return nil
}
