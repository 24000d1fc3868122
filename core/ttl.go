package core

import (
	"strconv"
	"time"
)

// parseTimeout parses a timeout value; msg is non-empty on error and reads
// after the parameter name ("timeout " + msg).
func parseTimeout(s string) (TTL, string) {
	if s == "none" || s == "None" {
		return NeverExpire, ""
	}
	if allDigits(s) {
		v, ok := parseUint64(s, MaxTTLSeconds)
		if !ok {
			return TTL{}, quoteShort(s) + " is too large (the limit is " + strconv.FormatInt(MaxTTLSeconds, 10) + " seconds)"
		}
		return TTL{secs: v, state: ttlSeconds}, ""
	}
	if s == "" || !(s[0] >= '0' && s[0] <= '9' || s[0] == '.') {
		return TTL{}, badTimeout(s)
	}
	d, err := time.ParseDuration(s)
	if err != nil || d < 0 {
		return TTL{}, badTimeout(s)
	}
	if d%time.Second != 0 {
		return TTL{}, quoteShort(s) + " is not a whole number of seconds"
	}
	return TTL{secs: int64(d / time.Second), state: ttlSeconds}, ""
}

func badTimeout(s string) string {
	return quoteShort(s) + " must be whole seconds (300), a Go duration of whole seconds (5m, 1h30m) or none"
}

// TTL is the default expiry of cache entries: unset (the zero value), a
// whole number of seconds (0 means "expire at once"), or never.
//
// Its text form is "300s" or "never"; UnmarshalText also accepts plain
// seconds ("300"), Go durations of whole seconds ("5m", "1.5m") and
// "none"/"None". The largest TTL is [MaxTTLSeconds].
type TTL struct {
	secs  int64
	state ttlState
}

type ttlState uint8

const (
	ttlUnset ttlState = iota
	ttlSeconds
	ttlNever
)

// MaxTTLSeconds is the largest TTL in seconds: the largest whole number of
// seconds a [time.Duration] holds.
const MaxTTLSeconds = int64(1<<63-1) / int64(time.Second)

// TTLSeconds returns a TTL of n seconds. It panics if n is negative or more
// than [MaxTTLSeconds]: use [ParseTTL] for untrusted input.
func TTLSeconds(n int64) TTL {
	if n < 0 || n > MaxTTLSeconds {
		panic("core: TTLSeconds out of range")
	}
	return TTL{secs: n, state: ttlSeconds}
}

// NeverExpire is the TTL of entries that never expire (Django TIMEOUT None).
var NeverExpire = TTL{state: ttlNever}

// IsSet reports whether the TTL was given.
func (t TTL) IsSet() bool { return t.state != ttlUnset }

// IsZero reports whether the TTL is unset (for json's omitzero).
func (t TTL) IsZero() bool { return t.state == ttlUnset }

// Never reports whether entries never expire.
func (t TTL) Never() bool { return t.state == ttlNever }

// Seconds returns the TTL in seconds and true, or 0 and false when the TTL
// is unset or never.
func (t TTL) Seconds() (int64, bool) { return t.secs, t.state == ttlSeconds }

// Duration returns the TTL as a duration and true, or 0 and false when the
// TTL is unset or never.
func (t TTL) Duration() (time.Duration, bool) {
	return time.Duration(t.secs) * time.Second, t.state == ttlSeconds
}

// String returns "300s", "never", or "" when unset.
func (t TTL) String() string {
	switch t.state {
	case ttlSeconds:
		return strconv.FormatInt(t.secs, 10) + "s"
	case ttlNever:
		return "never"
	}
	return ""
}

// MarshalText implements [encoding.TextMarshaler] ("300s", "never").
func (t TTL) MarshalText() ([]byte, error) { return []byte(t.String()), nil }

// UnmarshalText implements [encoding.TextUnmarshaler]; see [ParseTTL]. An
// empty text is an unset TTL.
func (t *TTL) UnmarshalText(text []byte) error {
	if len(text) == 0 {
		*t = TTL{}
		return nil
	}
	v, err := ParseTTL(string(text))
	if err != nil {
		return err
	}
	*t = v
	return nil
}

// ParseTTL parses a TTL: whole seconds ("300"), a Go duration of whole
// seconds ("300s", "5m", "1.5m", "1h30m"), or "never", "none", "None".
// Negative values, fractions of a second ("1500ms") and values over
// [MaxTTLSeconds] are errors wrapping [ErrInvalidParameter].
func ParseTTL(s string) (TTL, error) {
	if s == "never" {
		return NeverExpire, nil
	}
	t, msg := parseTimeout(s)
	if msg != "" {
		return TTL{}, newError(ErrInvalidParameter, s, 0, len(s), "ttl "+msg)
	}
	return t, nil
}
