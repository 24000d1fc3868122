package django

import (
	"encoding/binary"
	"encoding/json"
	"math"
	"math/big"
	"reflect"
	"sort"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// encoder writes a pickle of protocol 4 or 5 with the opcodes that build
// plain data only: no memo (a value shared in Go is written each time it
// appears), no framing (optional for readers), and the classes Python's own
// pickler names for datetime values and Decimal.
type encoder struct {
	b     []byte
	proto int
	lim   Limits
}

func pickleValue(v any, proto int, lim Limits) ([]byte, error) {
	e := &encoder{b: make([]byte, 0, 64), proto: proto, lim: lim.resolved()}
	e.b = append(e.b, opProto, byte(proto))
	if err := e.value(v, 0); err != nil {
		return nil, err
	}
	e.b = append(e.b, opStop)
	return e.b, nil
}

func errGoType(v any) error {
	return newErr(ErrUnsupported, "a Go %T has no Python equivalent (convert it to the types of docs/django-values.md, for example through encoding/json and FromJSON)", v)
}

func (e *encoder) value(v any, depth int) error {
	if depth > e.lim.MaxDepth {
		return newErr(ErrTooLarge, "the Go value is nested deeper than %d (or contains itself)", e.lim.MaxDepth)
	}
	switch x := v.(type) {
	case nil:
		e.b = append(e.b, opNone)
	case bool:
		if x {
			e.b = append(e.b, opNewTrue)
		} else {
			e.b = append(e.b, opNewFalse)
		}
	case int64:
		e.int(x)
	case int:
		e.int(int64(x))
	case *big.Int:
		if x == nil {
			e.b = append(e.b, opNone)
			return nil
		}
		return e.bigInt(x)
	case float64:
		e.float(x)
	case string:
		if !utf8.ValidString(x) {
			return newErr(ErrUnsupported, "a Go string that is not valid UTF-8 has no Python str")
		}
		e.sized(len(x), opShortBinUnicode, opBinUnicode, opBinUnicode8)
		e.b = append(e.b, x...)
	case []byte:
		e.sized(len(x), opShortBinBytes, opBinBytes, opBinBytes8)
		e.b = append(e.b, x...)
	case ByteArray:
		if e.proto >= 5 {
			e.b = append(e.b, opByteArray8)
			e.b = binary.LittleEndian.AppendUint64(e.b, uint64(len(x)))
			e.b = append(e.b, x...)
			return nil
		}
		e.global("builtins", "bytearray")
		e.sized(len(x), opShortBinBytes, opBinBytes, opBinBytes8)
		e.b = append(e.b, x...)
		e.b = append(e.b, opTuple1, opReduce)
	case []any:
		return e.list(x, depth)
	case Tuple:
		switch len(x) {
		case 0:
			e.b = append(e.b, opEmptyTuple)
			return nil
		case 1, 2, 3:
			if err := e.items(x, depth); err != nil {
				return err
			}
			e.b = append(e.b, opTuple1+byte(len(x)-1))
			return nil
		}
		e.b = append(e.b, opMark)
		if err := e.items(x, depth); err != nil {
			return err
		}
		e.b = append(e.b, opTuple)
	case map[string]any:
		keys := sortedKeys(x)
		return e.dict(len(keys), func(i int) (any, any) { return keys[i], x[keys[i]] }, depth)
	case Dict:
		return e.dict(len(x), func(i int) (any, any) { return x[i].Key, x[i].Value }, depth)
	case Set:
		e.b = append(e.b, opEmptySet)
		if len(x) == 0 {
			return nil
		}
		e.b = append(e.b, opMark)
		if err := e.hashableItems(x, depth); err != nil {
			return err
		}
		e.b = append(e.b, opAddItems)
	case FrozenSet:
		e.b = append(e.b, opMark)
		if err := e.hashableItems(x, depth); err != nil {
			return err
		}
		e.b = append(e.b, opFrozenSet)
	case Date:
		return e.fromState(x.valid(), "date", dateState(x))
	case Time:
		return e.fromState(x.valid(), "time", timeState(x))
	case DateTime:
		return e.fromState(x.Date.valid() && x.Time.valid(), "datetime", append(dateState(x.Date), timeState(x.Time)...))
	case time.Time:
		return e.aware(x)
	case time.Duration:
		e.timedelta(x)
	case Decimal:
		text, err := parseDecimal(string(x), e.lim.MaxDigits)
		if err != nil {
			return newErr(ErrUnsupported, "a Decimal whose text is not a decimal number, Infinity or NaN")
		}
		e.global("decimal", "Decimal")
		e.sized(len(text), opShortBinUnicode, opBinUnicode, opBinUnicode8)
		e.b = append(e.b, text...)
		e.b = append(e.b, opTuple1, opReduce)
	case json.Number:
		n, err := fromNumber(x, e.lim.MaxDigits)
		if err != nil {
			return err
		}
		return e.value(n, depth)
	default:
		p, err := plain(v)
		if err != nil {
			return err
		}
		return e.value(p, depth+1)
	}
	return nil
}

// dict writes a dict of n items, item(i) giving each key and value.
func (e *encoder) dict(n int, item func(int) (any, any), depth int) error {
	e.b = append(e.b, opEmptyDict)
	if n == 0 {
		return nil
	}
	e.b = append(e.b, opMark)
	for i := 0; i < n; i++ {
		k, v := item(i)
		if err := e.hashable(k, depth); err != nil {
			return err
		}
		if err := e.value(k, depth+1); err != nil {
			return err
		}
		if err := e.value(v, depth+1); err != nil {
			return err
		}
	}
	e.b = append(e.b, opSetItems)
	return nil
}

func sortedKeys(m map[string]any) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// timedeltaParts is d truncated toward zero to the microsecond, in
// Python's normal form: days, 0 <= seconds < 86400, 0 <= microseconds <
// 10**6.
func timedeltaParts(d time.Duration) (days, seconds, micros int64) {
	us := int64(d / time.Microsecond)
	days = us / 86400e6
	rem := us % 86400e6
	if rem < 0 {
		days--
		rem += 86400e6
	}
	return days, rem / 1e6, rem % 1e6
}

func (e *encoder) int(x int64) {
	switch {
	case x >= 0 && x < 256:
		e.b = append(e.b, opBinInt1, byte(x))
	case x >= 0 && x < 65536:
		e.b = append(e.b, opBinInt2, byte(x), byte(x>>8))
	case x >= math.MinInt32 && x <= math.MaxInt32:
		e.b = append(e.b, opBinInt)
		e.b = binary.LittleEndian.AppendUint32(e.b, uint32(int32(x)))
	default:
		e.long(encodeLong(big.NewInt(x)))
	}
}

func (e *encoder) bigInt(z *big.Int) error {
	if z.IsInt64() {
		e.int(z.Int64())
		return nil
	}
	if !bigDigitsOK(z, e.lim.MaxDigits) {
		return newErr(ErrTooLarge, "an int of more than %d decimal digits", e.lim.MaxDigits)
	}
	e.long(encodeLong(z))
	return nil
}

func (e *encoder) long(b []byte) {
	if len(b) < 256 {
		e.b = append(e.b, opLong1, byte(len(b)))
	} else {
		e.b = append(e.b, opLong4)
		e.b = binary.LittleEndian.AppendUint32(e.b, uint32(len(b)))
	}
	e.b = append(e.b, b...)
}

func (e *encoder) float(f float64) {
	e.b = append(e.b, opBinFloat)
	e.b = binary.BigEndian.AppendUint64(e.b, math.Float64bits(f))
}

// sized writes a str or bytes opcode with its length.
func (e *encoder) sized(n int, short, four, eight byte) {
	switch {
	case n < 256:
		e.b = append(e.b, short, byte(n))
	case uint64(n) <= math.MaxUint32:
		e.b = append(e.b, four)
		e.b = binary.LittleEndian.AppendUint32(e.b, uint32(n))
	default:
		e.b = append(e.b, eight)
		e.b = binary.LittleEndian.AppendUint64(e.b, uint64(n))
	}
}

func (e *encoder) bytes(b []byte) {
	e.sized(len(b), opShortBinBytes, opBinBytes, opBinBytes8)
	e.b = append(e.b, b...)
}

func (e *encoder) global(module, name string) {
	e.sized(len(module), opShortBinUnicode, opBinUnicode, opBinUnicode8)
	e.b = append(e.b, module...)
	e.sized(len(name), opShortBinUnicode, opBinUnicode, opBinUnicode8)
	e.b = append(e.b, name...)
	e.b = append(e.b, opStackGlobal)
}

func (e *encoder) items(xs []any, depth int) error {
	for _, x := range xs {
		if err := e.value(x, depth+1); err != nil {
			return err
		}
	}
	return nil
}

func (e *encoder) list(xs []any, depth int) error {
	e.b = append(e.b, opEmptyList)
	switch len(xs) {
	case 0:
		return nil
	case 1:
		if err := e.value(xs[0], depth+1); err != nil {
			return err
		}
		e.b = append(e.b, opAppend)
		return nil
	}
	e.b = append(e.b, opMark)
	if err := e.items(xs, depth); err != nil {
		return err
	}
	e.b = append(e.b, opAppends)
	return nil
}

func (e *encoder) hashableItems(xs []any, depth int) error {
	for _, x := range xs {
		if err := e.hashable(x, depth); err != nil {
			return err
		}
		if err := e.value(x, depth+1); err != nil {
			return err
		}
	}
	return nil
}

// hashable refuses what Python cannot hash as a dict key or set element.
func (e *encoder) hashable(v any, depth int) error {
	if depth > e.lim.MaxDepth {
		return newErr(ErrTooLarge, "the Go value is nested deeper than %d (or contains itself)", e.lim.MaxDepth)
	}
	switch x := v.(type) {
	case Tuple:
		for _, it := range x {
			if err := e.hashable(it, depth+1); err != nil {
				return err
			}
		}
		return nil
	case FrozenSet:
		return nil // its own elements are checked when it is written
	case []any, map[string]any, Dict, Set, ByteArray:
		return newErr(ErrUnsupported, "a %T as a dict key or set element (Python cannot hash it)", v)
	}
	if isScalar(v) {
		return nil
	}
	p, err := plain(v)
	if err != nil {
		return err
	}
	return e.hashable(p, depth+1)
}

// isScalar reports the types of this package that are never containers.
func isScalar(v any) bool {
	switch v.(type) {
	case nil, bool, int64, int, *big.Int, float64, string, []byte, Date, Time, DateTime, time.Time, time.Duration, Decimal, json.Number:
		return true
	}
	return false
}

// fromState writes datetime.<class>(state), as Python pickles a naive
// date, time or datetime.
func (e *encoder) fromState(valid bool, class string, state []byte) error {
	if !valid {
		return newErr(ErrUnsupported, "an invalid %s (a real date of the years 1 to 9999, a time of day)", class)
	}
	e.global("datetime", class)
	e.bytes(state)
	e.b = append(e.b, opTuple1, opReduce)
	return nil
}

func dateState(d Date) []byte {
	return []byte{byte(d.Year >> 8), byte(d.Year), byte(d.Month), byte(d.Day)}
}

func timeState(t Time) []byte {
	us := t.Microsecond
	return []byte{byte(t.Hour), byte(t.Minute), byte(t.Second), byte(us >> 16), byte(us >> 8), byte(us)}
}

// aware writes a time.Time as an aware datetime, truncated to the
// microsecond, with the wall clock of its location and a fixed-offset
// tzinfo (timezone.utc for a zero offset): the instant and the wall clock
// are kept, a zone's name and rules are not.
func (e *encoder) aware(t time.Time) error {
	_, off := t.Zone()
	if off <= -86400 || off >= 86400 {
		return newErr(ErrUnsupported, "a time.Time whose zone offset is a day or more")
	}
	if t.Year() < 1 || t.Year() > 9999 {
		return newErr(ErrUnsupported, "a time.Time outside the years 1 to 9999 that Python's datetime holds")
	}
	dt := DateTime{
		Date: Date{Year: t.Year(), Month: t.Month(), Day: t.Day()},
		Time: Time{Hour: t.Hour(), Minute: t.Minute(), Second: t.Second(), Microsecond: t.Nanosecond() / 1000},
	}
	e.global("datetime", "datetime")
	e.bytes(append(dateState(dt.Date), timeState(dt.Time)...))
	e.global("datetime", "timezone")
	e.timedelta(time.Duration(off) * time.Second)
	e.b = append(e.b, opTuple1, opReduce, opTuple2, opReduce)
	return nil
}

// timedelta writes datetime.timedelta(days, seconds, microseconds) in
// Python's normal form (0 <= seconds < 86400, 0 <= microseconds < 10**6),
// truncated toward zero to the microsecond.
func (e *encoder) timedelta(d time.Duration) {
	days, seconds, micros := timedeltaParts(d)
	e.global("datetime", "timedelta")
	e.int(days)
	e.int(seconds)
	e.int(micros)
	e.b = append(e.b, opTuple3, opReduce)
}

// fromNumber is a JSON number as Python's json reads it: an int when the
// text has no fraction and no exponent, else a float.
func fromNumber(n json.Number, maxDigits int) (any, error) {
	s := string(n)
	if !validJSONNumber(s) {
		return nil, newErr(ErrUnsupported, "a json.Number that is not a JSON number")
	}
	for _, c := range []byte(s) {
		if c == '.' || c == 'e' || c == 'E' {
			f, err := strconv.ParseFloat(s, 64)
			if err != nil && !math.IsInf(f, 0) {
				return nil, newErr(ErrUnsupported, "a json.Number that is not a float")
			}
			return f, nil
		}
	}
	v, err := parseIntText([]byte(s), maxDigits, true)
	if err != nil {
		return nil, newErr(ErrTooLarge, "an int of more than %d decimal digits", maxDigits)
	}
	return v, nil
}

func validJSONNumber(s string) bool {
	i := 0
	if strings.HasPrefix(s, "-") {
		i++
	}
	j := skipDigits(s, i)
	if j == i || (s[i] == '0' && j > i+1) {
		return false
	}
	i = j
	if i < len(s) && s[i] == '.' {
		if j = skipDigits(s, i+1); j == i+1 {
			return false
		}
		i = j
	}
	if i < len(s) && (s[i] == 'e' || s[i] == 'E') {
		i++
		if i < len(s) && (s[i] == '+' || s[i] == '-') {
			i++
		}
		if j = skipDigits(s, i); j == i {
			return false
		}
		i = j
	}
	return i == len(s)
}

// skipDigits returns the index after the ASCII digits of s from i.
func skipDigits(s string, i int) int {
	for i < len(s) && s[i] >= '0' && s[i] <= '9' {
		i++
	}
	return i
}

// plain converts a Go value of a type this package does not name into one
// it does: other int, uint and float sizes, named basic types, pointers,
// slices and arrays (of bytes: bytes), maps with string keys (a dict) or
// integer keys (a Dict in key order). Anything else is an error.
func plain(v any) (any, error) {
	rv := reflect.ValueOf(v)
	switch rv.Kind() {
	case reflect.Bool:
		return rv.Bool(), nil
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return rv.Int(), nil
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		u := rv.Uint()
		if u <= math.MaxInt64 {
			return int64(u), nil
		}
		return new(big.Int).SetUint64(u), nil
	case reflect.Float32, reflect.Float64:
		return rv.Float(), nil
	case reflect.String:
		return rv.String(), nil
	case reflect.Pointer, reflect.Interface:
		if rv.IsNil() {
			return nil, nil
		}
		if z, ok := v.(*big.Int); ok {
			return z, nil
		}
		if bi, ok := rv.Elem().Interface().(big.Int); ok {
			return &bi, nil
		}
		return rv.Elem().Interface(), nil
	case reflect.Slice, reflect.Array:
		if rv.Type().Elem().Kind() == reflect.Uint8 {
			b := make([]byte, rv.Len())
			reflect.Copy(reflect.ValueOf(b), rv)
			return b, nil
		}
		if rv.Kind() == reflect.Slice && rv.IsNil() {
			return []any{}, nil
		}
		out := make([]any, rv.Len())
		for i := range out {
			out[i] = rv.Index(i).Interface()
		}
		return out, nil
	case reflect.Map:
		switch rv.Type().Key().Kind() {
		case reflect.String:
			m := make(map[string]any, rv.Len())
			for it := rv.MapRange(); it.Next(); {
				m[it.Key().String()] = it.Value().Interface()
			}
			return m, nil
		case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
			reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
			d := make(Dict, 0, rv.Len())
			for it := rv.MapRange(); it.Next(); {
				k, _ := plain(it.Key().Interface())
				d = append(d, Item{Key: k, Value: it.Value().Interface()})
			}
			sort.Slice(d, func(i, j int) bool { return cmpInt(d[i].Key, d[j].Key) < 0 })
			return d, nil
		}
	}
	if big, ok := v.(big.Int); ok {
		return &big, nil
	}
	return nil, errGoType(v)
}

func cmpInt(a, b any) int {
	za, zb := toBig(a), toBig(b)
	return za.Cmp(zb)
}

func toBig(v any) *big.Int {
	switch x := v.(type) {
	case int64:
		return big.NewInt(x)
	case *big.Int:
		return x
	}
	return new(big.Int)
}
