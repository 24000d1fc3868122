package fuzz

import (
	"errors"
	"reflect"
	"strings"
	"testing"

	"github.com/cacheurl/cacheurl/core"
)

// specEscape percent-encodes s by docs/grammar.md's canonical rule, written
// from docs/grammar.md rather than taken from core: every byte except ALPHA,
// DIGIT, "-._~" and "!$&'()*+,;=" (and '/' when keepSlash, for paths)
// becomes %XX with upper-case hex. The fuzz targets use it to look for a
// password in its URL-encoded form.
func specEscape(s string, keepSlash bool) string {
	const hex = "0123456789ABCDEF"
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', '0' <= c && c <= '9',
			strings.IndexByte("-._~!$&'()*+,;=", c) >= 0,
			c == '/' && keepSlash:
			b.WriteByte(c)
		default:
			b.WriteByte('%')
			b.WriteByte(hex[c>>4])
			b.WriteByte(hex[c&15])
		}
	}
	return b.String()
}

func TestSpecEscape(t *testing.T) {
	tests := []struct {
		in        string
		keepSlash bool
		want      string
	}{
		// docs/grammar.md: ':' '@' '/' '?' '#' '%' and space are encoded.
		{"p@ss", false, "p%40ss"},
		{"a:b/c?d#e%f g", false, "a%3Ab%2Fc%3Fd%23e%25f%20g"},
		// unreserved and sub-delims stay.
		{"AZaz09-._~!$&'()*+,;=", false, "AZaz09-._~!$&'()*+,;="},
		// paths keep '/'.
		{"/tmp/a b", true, "/tmp/a%20b"},
		// UTF-8 bytes, upper-case hex.
		{"é", false, "%C3%A9"},
		{"", false, ""},
	}
	for _, tt := range tests {
		if got := specEscape(tt.in, tt.keepSlash); got != tt.want {
			t.Errorf("specEscape(%q, %v) = %q, want %q", tt.in, tt.keepSlash, got, tt.want)
		}
	}
}

func TestRawPassword(t *testing.T) {
	tests := []struct {
		in     string
		want   string
		wantOK bool
	}{
		{"redis://user:hunter2pw@h:6379/0", "hunter2pw", true},
		{"redis://:hunter2pw@h/0", "hunter2pw", true},
		// userinfo ends at the last '@' (docs/grammar.md), the password starts
		// after the first ':'.
		{"redis://u:p@ss:w@h/0", "p@ss:w", true},
		// the authority ends at the first '/', '?' or '#'.
		{"redis://h/0?x=a:b@c", "", false},
		{"redis://u:pw#x@h/0", "", false},
		{"redis://user@h/0", "", false},
		{"redis://user:@h/0", "", false},
		{"locmem://", "", false},
		{"no scheme", "", false},
	}
	for _, tt := range tests {
		got, ok := rawPassword(tt.in)
		if got != tt.want || ok != tt.wantOK {
			t.Errorf("rawPassword(%q) = %q, %v; want %q, %v", tt.in, got, ok, tt.want, tt.wantOK)
		}
	}
}

func TestRawSecrets(t *testing.T) {
	tests := []struct {
		in   string
		want []string
	}{
		{"redis://u:pw1@h/0?password=pw2&SENTINEL_PASSWORD=pw3&x=y", []string{"pw1", "pw2", "pw3"}},
		// a credential parameter after an unescaped '?' in the password is
		// still found.
		{"redis://:a?b@h/0?password=SECRETVALUE", []string{"SECRETVALUE"}},
		// values end at '&' or '#'; empty values are no secret.
		{"redis://h/0?password=a#b&x_password=", []string{"a"}},
		{"redis://h/0?passwords=a&pass=b", nil},
		// no query: '&' before "://" or in a path starts no parameter.
		{"&password=://000", nil},
		{"file:///tmp/a&password=b", nil},
	}
	for _, tt := range tests {
		if got := rawSecrets(tt.in); !reflect.DeepEqual(got, tt.want) {
			t.Errorf("rawSecrets(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestSecretParts(t *testing.T) {
	got := secretParts([]string{"q@SECRETVALUE", "ab/cd", "plain-secret"})
	want := []string{"q@SECRETVALUE", "ab/cd", "plain-secret", "SECRETVALUE"}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("secretParts = %q, want %q", got, want)
	}
}

func TestMeaningfulInError(t *testing.T) {
	// A stand-in for Parse whose message always names the scheme list, as
	// an unknown-scheme message may.
	errFor := func(in string) error { return errors.New("unknown scheme; known schemes: redis, rediss+sentinel") }
	tests := []struct {
		in, pw string
		want   bool
	}{
		// a long password that occurs once: the check is meaningful.
		{"nosuch://u:Hunter2Secret@h/0", "Hunter2Secret", true},
		// too short.
		{"nosuch://u:abc@h/0", "abc", false},
		// occurs twice in the input.
		{"nosuch://u:secret9@h/0?key_prefix=secret9", "secret9", false},
		// a word of the message whatever the password: a false alarm.
		{"nosuch://u:rediss+sentinel@h/0", "rediss+sentinel", false},
	}
	for _, tt := range tests {
		if got := meaningfulInError(tt.in, tt.pw, errFor); got != tt.want {
			t.Errorf("meaningfulInError(%q, %q) = %v, want %v", tt.in, tt.pw, got, tt.want)
		}
	}
	// An accepted dummy input makes the check meaningful.
	if !meaningfulInError("redis://:Hunter2Secret@h/0", "Hunter2Secret", func(string) error { return nil }) {
		t.Error("meaningfulInError with no error for the dummy input = false, want true")
	}
}

func TestHasPort(t *testing.T) {
	tests := []struct {
		host string
		want bool
	}{
		{"h", false},
		{"h:11211", true},
		{"[::1]", false},
		{"[::1]:6379", true},
		{"[fe80::1%eth0]", false},
		{"[fe80::1%eth0]:1", true},
	}
	for _, tt := range tests {
		if got := hasPort(tt.host); got != tt.want {
			t.Errorf("hasPort(%q) = %v, want %v", tt.host, got, tt.want)
		}
	}
}

func TestCheckError(t *testing.T) {
	ok := &core.Error{Kind: core.ErrMalformed, Input: "redis://:xxxxx@h:0/0", Offset: 17, Length: 1, Msg: "port 0"}
	tests := []struct {
		name    string
		err     error
		secret  string
		kinds   []*core.Kind
		wantBad bool
	}{
		{"well-formed", ok, "", nil, false},
		{"secret not shown", ok, "hunter2", nil, false},
		// the caret line is padding: a secret of spaces is not shown by it.
		{"secret of spaces", &core.Error{Kind: core.ErrMalformed, Input: "00://:xxxxx@", Offset: 6, Length: 5, Msg: "m"}, "      ", nil, false},
		{"secret in the message", &core.Error{Kind: core.ErrMalformed, Input: "x", Msg: "bad hunter2"}, "hunter2", nil, true},
		{"percent-encoded secret in Input", &core.Error{Kind: core.ErrMalformed, Input: "redis://:p%40ss@h", Msg: "m"}, "p@ss", nil, true},
		{"not a *core.Error", errors.New("plain"), "", nil, true},
		{"kind Parse cannot return", &core.Error{Kind: core.ErrNotSet, Input: "x", Msg: "m"}, "", nil, true},
		{"kind allowed explicitly", &core.Error{Kind: core.ErrNotExpressible, Input: "x", Msg: "m"}, "", []*core.Kind{core.ErrNotExpressible}, false},
		{"no message", &core.Error{Kind: core.ErrMalformed, Input: "x"}, "", nil, true},
		{"offset past Input", &core.Error{Kind: core.ErrMalformed, Input: "x", Offset: 1, Length: 1, Msg: "m"}, "", nil, true},
		{"negative length", &core.Error{Kind: core.ErrMalformed, Input: "x", Length: -1, Msg: "m"}, "", nil, true},
	}
	for _, tt := range tests {
		msg := checkError(tt.err, tt.secret, tt.kinds...)
		if (msg != "") != tt.wantBad {
			t.Errorf("%s: checkError = %q, want a complaint: %v", tt.name, msg, tt.wantBad)
		}
	}
}
