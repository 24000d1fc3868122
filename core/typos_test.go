package core

import (
	"errors"
	"os"
	"strings"
	"testing"

	"github.com/cacheurl/cacheurl/internal/vectors"
)

// checkTypoError checks what every error of this file must be: a typed
// *Error of the kind, whose message says part, whose offset underlines at
// in the redacted input, and which shows none of secrets anywhere.
func checkTypoError(t *testing.T, in string, kind *Kind, part, at string, secrets ...string) {
	t.Helper()
	pe := parseError(t, in)
	if pe == nil {
		return
	}
	err := error(pe)
	if !errors.Is(err, kind) {
		t.Errorf("Parse(%q): kind %s, want %s: %v", in, pe.Kind.Code(), kind.Code(), err)
	}
	if !strings.Contains(pe.Msg, part) {
		t.Errorf("Parse(%q): message %q lacks %q", in, pe.Msg, part)
	}
	if pe.Offset < 0 || pe.Length < 0 || pe.Offset+pe.Length > len(pe.Input) {
		t.Errorf("Parse(%q): offset %d length %d outside %q", in, pe.Offset, pe.Length, pe.Input)
	} else if got := pe.Input[pe.Offset : pe.Offset+pe.Length]; got != at {
		t.Errorf("Parse(%q): underlines %q in %q, want %q", in, got, pe.Input, at)
	}
	for _, s := range secrets {
		for what, text := range map[string]string{"Error()": err.Error(), "Caret()": pe.Caret()} {
			if strings.Contains(text, s) {
				t.Errorf("Parse(%q): %s shows %q: %s", in, what, s, text)
			}
		}
	}
}

// TestMissingSeparator: a scheme of the table followed by a mistyped
// separator is malformed, with the URL that was probably meant, redacted,
// and the separator underlined.
func TestMissingSeparator(t *testing.T) {
	for _, tt := range []struct{ in, meant, at string }{
		{"redis//h:6379/0", "redis://h:6379/0", "//"},
		{"redis:/h:6379/0", "redis://h:6379/0", ":/"},
		{"redis:h:6379/0", "redis://h:6379/0", ":"},
		{"redis/h", "redis://h", "/"},
		{"REDIS//h/1", "redis://h/1", "//"},
		{"rediss+cluster//n1,n2", "rediss+cluster://n1,n2", "//"},
		{"memcached//mc1:11211,mc2", "memcached://mc1:11211,mc2", "//"},
		{"locmem//sessions", "locmem://sessions", "//"},
		// Only the socket form parses.
		{"redis:/run/redis.sock", "redis:///run/redis.sock", ":/"},
		{"redis///run/redis.sock/2", "redis:///run/redis.sock/2", "///"},
		// With a password: the suggestion is redacted like any echo.
		{"redis//:S3cretPw@h:6379/0", "redis://:xxxxx@h:6379/0", "//"},
		{"rediss:/app:S3cretPw@h/0", "rediss://app:xxxxx@h/0", ":/"},
		{"redis//u:S3cr/etPw@h/0", "redis://u:xxxxx@h/0", "//"},
		{"redis:/:S3cr?etPw@h/0", "redis://:xxxxx@h/0", ":/"},
	} {
		checkTypoError(t, tt.in, ErrMalformed, `did you mean "`+tt.meant+`"?`, tt.at, "S3cret", "S3cr", "etPw")
	}
	// Not a scheme of the table, or no separator at all: no suggestion.
	for _, in := range []string{"host:6379", "redsi//h", "redis", "//h:6379"} {
		checkTypoError(t, in, ErrMalformed, "missing scheme://", "")
	}
}

// TestAtInSocketPath: after an empty authority (scheme:///), the redis and
// memcached families take a socket path (or a sentinel master name), where
// a raw '@' is invalid_userinfo with the %40 hint; with a ':' before it the
// input is "[user]:password@host" after three slashes, and the message says
// what was probably meant. The echo redacts from the first ':' after "://"
// to the last '@'; written %40, the '@' is fine and round-trips.
func TestAtInSocketPath(t *testing.T) {
	const typo, escape = "was probably meant", "%40"
	for _, tt := range []struct{ in, part, input, at string }{
		{"redis:///:S3cretPw@127.0.0.1:6379/2", "redis://:password@host (two slashes) " + typo, "redis:///:xxxxx@127.0.0.1:6379/2", "/"},
		{"redis:///app:S3cretPw@cache/0", "redis://:password@host", "redis:///app:xxxxx@cache/0", "/"},
		{"redis:///:S3cr/etPw@cache:6379/0", typo, "redis:///:xxxxx@cache:6379/0", "/"},
		{"hiredis:///:S3cretPw@cache", "hiredis://:password@host", "hiredis:///:xxxxx@cache", "/"},
		{"memcached:///:S3cretPw@mc:11211", "memcached://user:password@host (two slashes) " + typo, "memcached:///:xxxxx@mc:11211", "/"},
		{"pymemcache:///u:S3cretPw@mc", typo, "pymemcache:///u:xxxxx@mc", "/"},
		{"unix:///:S3cretPw@host/0", "unix://:password@/path/to/redis.sock", "unix:///:xxxxx@host/0", "/"},
		{"redis+sentinel:///:S3cretPw@s1/mymaster/0", typo, "redis+sentinel:///:xxxxx@s1/mymaster/0", "/"},
		{"redis+cluster:///:S3cretPw@n1", typo, "redis+cluster:///:xxxxx@n1", "/"},
		// The query's '@' counts for the redaction (the last '@').
		{"redis:///:S3cretPw@h/0?key_prefix=a@b", typo, "redis:///:xxxxx@b", "/"},
		// No ':' before the '@': a socket path with a raw '@'.
		{"redis:///run/user@1000/redis.sock", escape, "redis:///run/user@1000/redis.sock", "@"},
		{"memcached:///run/mc@1.sock", escape, "memcached:///run/mc@1.sock", "@"},
		{"unix:///run/a@b.sock?db=1", escape, "unix:///run/a@b.sock?db=1", "@"},
		{"redis:////a@b", escape, "redis:////a@b", "@"},
	} {
		checkTypoError(t, tt.in, ErrInvalidUserinfo, tt.part, tt.at, "S3cret", "S3cr", "etPw")
		checkTypoError(t, tt.in, ErrInvalidUserinfo, escape, tt.at)
		if _, err := Parse(tt.in); err != nil {
			if got := err.(*Error).Input; got != tt.input {
				t.Errorf("Parse(%q): echo %q, want %q", tt.in, got, tt.input)
			}
		}
	}
	for in, socket := range map[string]string{
		"redis:///run/user%401000/redis.sock":        "/run/user@1000/redis.sock",
		"memcached:///run/mc%401.sock":               "/run/mc@1.sock",
		"unix:///run/a%40b.sock?db=1":                "/run/a@b.sock",
		"redis:///run/redis.sock?key_prefix=me@corp": "/run/redis.sock", // '@' in a query value
	} {
		c, err := Parse(in)
		if err != nil || c.Socket != socket {
			t.Errorf("Parse(%q) = socket %q, %v; want %q", in, c.Socket, err, socket)
			continue
		}
		if again, err := Parse(Format(c)); err != nil || again.Socket != socket {
			t.Errorf("Parse(Format(%q)) = %q, %v", in, again.Socket, err)
		}
	}
	// Other families keep their rules: file:// takes a directory.
	if _, err := Parse("file:///tmp/a@b"); err != nil {
		t.Errorf("file:///tmp/a@b: %v", err)
	}
}

// TestDelimiterScanSkipped: the rescan for a raw delimiter in a password
// (delimiterInUserinfo) is skipped when the input's last '@', recorded by
// the hygiene pass, lies inside the authority, which is every URL whose
// password is written as it should be; the skip is exact: on the vectors
// and the benchmark corpus, the scan finds nothing whenever it is skipped.
func TestDelimiterScanSkipped(t *testing.T) {
	skipped := func(s string) (skip bool, sep int) {
		var p parser
		p.s = s
		if !p.hygiene(s) {
			return false, -1
		}
		sep = p.colon
		return p.lastAt < p.authorityEnd(s, sep), sep
	}
	for in, want := range map[string]bool{
		"redis://u:S3cretPw@cache:6379/0":            true,
		"redis://u:S3cretPw@cache:6379/0?timeout=60": true,
		"memcached://u:pw@m1,m2":                     true,
		"redis://u:p@ss@cache/0":                     true,
		"redis+sentinel://:pw@s1,s2/mymaster/0":      true,
		"redis://u:S3cr/etPw@cache:6379/0":           false,
		"redis://u:S3cr?etPw@cache:6379/0":           false,
		"redis://cache/0?key_prefix=me@corp":         false,
	} {
		if got, _ := skipped(in); got != want {
			t.Errorf("%q: skipped %v, want %v", in, got, want)
		}
	}
	data, err := os.ReadFile("../bench/testdata/corpus.txt")
	if err != nil {
		t.Fatal(err)
	}
	inputs := append(strings.Split(string(data), "\n"), vectors.URLs(loadVectors(t))...)
	n := 0
	for _, in := range inputs {
		in = trimSpace(in)
		if skip, sep := skipped(in); skip && sep > 0 && strings.HasPrefix(in[sep:], "://") {
			n++
			if delimiterInUserinfo(in, sep+3) {
				t.Errorf("%q: the scan finds a delimiter the skip would miss", in)
			}
		}
	}
	if n < 100 {
		t.Errorf("only %d inputs with an '@' skip the scan", n)
	}
}
