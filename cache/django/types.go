package django

import (
	"strconv"
	"time"
)

// The Go types of the Python values that have no obvious Go type. The
// others decode as: None nil, bool bool, int int64 (a *big.Int when it does
// not fit), float float64, str string, bytes []byte, list []any, a dict
// whose keys are all str map[string]any, an aware datetime time.Time, and a
// timedelta time.Duration.

// Tuple is a Python tuple.
type Tuple []any

// Set is a Python set: its elements in the order the pickle lists them, no
// two equal in Python's sense (1, 1.0 and True are one element).
type Set []any

// FrozenSet is a Python frozenset, in the same form as [Set].
type FrozenSet []any

// ByteArray is a Python bytearray.
type ByteArray []byte

// Dict is a Python dict with at least one key that is not a str (a dict
// whose keys are all str decodes as map[string]any): its items in insertion
// order, no two keys equal in Python's sense. A key is never a list, dict,
// set or bytearray (Python cannot hash them).
type Dict []Item

// Item is one key and value of a [Dict].
type Item struct {
	Key, Value any
}

// MarshalJSON renders d as [ToJSON] does.
func (d Dict) MarshalJSON() ([]byte, error) { return ToJSON(d) }

// Date is a Python datetime.date.
type Date struct {
	Year  int // 1 to 9999
	Month time.Month
	Day   int
}

// String returns the date as Python's isoformat(): "2024-01-31".
func (d Date) String() string { return string(d.appendISO(nil)) }

// MarshalText returns [Date.String]'s text.
func (d Date) MarshalText() ([]byte, error) { return d.appendISO(nil), nil }

func (d Date) appendISO(b []byte) []byte {
	b = appendPad(b, d.Year, 4)
	b = append(b, '-')
	b = appendPad(b, int(d.Month), 2)
	b = append(b, '-')
	return appendPad(b, d.Day, 2)
}

func (d Date) valid() bool {
	return d.Year >= 1 && d.Year <= 9999 && d.Month >= 1 && d.Month <= 12 &&
		d.Day >= 1 && d.Day <= daysIn(d.Year, d.Month)
}

// Time is a naive Python datetime.time (a time with a tzinfo is not read).
type Time struct {
	Hour        int // 0 to 23
	Minute      int // 0 to 59
	Second      int // 0 to 59
	Microsecond int // 0 to 999999
}

// String returns the time as Python's isoformat(): "13:04:05", or
// "13:04:05.000250" when there are microseconds.
func (t Time) String() string { return string(t.appendISO(nil)) }

// MarshalText returns [Time.String]'s text.
func (t Time) MarshalText() ([]byte, error) { return t.appendISO(nil), nil }

func (t Time) appendISO(b []byte) []byte {
	b = appendPad(b, t.Hour, 2)
	b = append(b, ':')
	b = appendPad(b, t.Minute, 2)
	b = append(b, ':')
	b = appendPad(b, t.Second, 2)
	if t.Microsecond != 0 {
		b = append(b, '.')
		b = appendPad(b, t.Microsecond, 6)
	}
	return b
}

func (t Time) valid() bool {
	return t.Hour >= 0 && t.Hour < 24 && t.Minute >= 0 && t.Minute < 60 &&
		t.Second >= 0 && t.Second < 60 && t.Microsecond >= 0 && t.Microsecond < 1e6
}

// DateTime is a naive Python datetime.datetime: a date and a wall-clock
// time without a time zone. An aware datetime decodes as a time.Time.
type DateTime struct {
	Date
	Time
}

// String returns the datetime as Python's isoformat():
// "2024-01-31T13:04:05.000250".
func (dt DateTime) String() string { return string(dt.appendISO(nil)) }

// MarshalText returns [DateTime.String]'s text.
func (dt DateTime) MarshalText() ([]byte, error) { return dt.appendISO(nil), nil }

func (dt DateTime) appendISO(b []byte) []byte {
	b = dt.Date.appendISO(b)
	b = append(b, 'T')
	return dt.Time.appendISO(b)
}

// Decimal is a Python decimal.Decimal, as the text Python's str() gives
// ("1.50", "-0.001", "1E+3", "NaN", "-Infinity"): exact, and a JSON string.
type Decimal string

// String returns the decimal's text.
func (d Decimal) String() string { return string(d) }

func daysIn(year int, m time.Month) int {
	switch m {
	case time.February:
		if year%4 == 0 && (year%100 != 0 || year%400 == 0) {
			return 29
		}
		return 28
	case time.April, time.June, time.September, time.November:
		return 30
	}
	return 31
}

// appendPad appends n (>= 0) in decimal, zero-padded to width.
func appendPad(b []byte, n, width int) []byte {
	var buf [20]byte
	s := strconv.AppendInt(buf[:0], int64(n), 10)
	for i := len(s); i < width; i++ {
		b = append(b, '0')
	}
	return append(b, s...)
}
