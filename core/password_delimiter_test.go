package core

import (
	"errors"
	"strings"
	"testing"
)

// A password holding a raw '/', '?' or '#' (docs/grammar.md,
// "Userinfo"). For the redis and memcached families an '@' after the
// authority means such a password: an invalid_userinfo error that says to
// write %2F, %3F and %23, with everything from the first ':' after "://" to
// the last '@' redacted, and no part of the password anywhere.
func TestDelimiterInPassword(t *testing.T) {
	tests := []struct {
		in        string
		secrets   []string // no part of the password may show
		wantInput string
	}{
		{"redis://u:S3cr@et/Pw9K@cache:6379/0", []string{"S3cr", "et/Pw9K", "Pw9K"}, "redis://u:xxxxx@cache:6379/0"},
		{"redis://me@corp.com:S3cretPw/9K@cache:6379/0", []string{"S3cretPw", "9K@"}, "redis://me@corp.com:xxxxx@cache:6379/0"},
		{"redis://u:S3cr@et?Pw9K@cache:6379/0", []string{"S3cr", "Pw9K"}, "redis://u:xxxxx@cache:6379/0"},
		{"redis://me@corp.com:S3cretPw?9K@cache:6379/0", []string{"S3cretPw", "9K@"}, "redis://me@corp.com:xxxxx@cache:6379/0"},
		{"redis+sentinel://u:S3cr@et/Pw9K@s1:26379/mymaster", []string{"S3cr", "Pw9K"}, "redis+sentinel://u:xxxxx@s1:26379/mymaster"},
		{"redis+sentinel://me@corp.com:S3cretPw?9K@s1/mymaster", []string{"S3cretPw", "9K@"}, "redis+sentinel://me@corp.com:xxxxx@s1/mymaster"},
		{"rediss+cluster://u:S3cr@et/Pw9K@n1,n2", []string{"S3cr", "Pw9K"}, "rediss+cluster://u:xxxxx@n1,n2"},
		{"memcached://u:S3cr@et/Pw9K@mc:11211", []string{"S3cr", "Pw9K"}, "memcached://u:xxxxx@mc:11211"},
		{"pymemcache://me@corp.com:S3cretPw?9K@mc1,mc2", []string{"S3cretPw", "9K@"}, "pymemcache://me@corp.com:xxxxx@mc1,mc2"},
		{"redis://:aBj+R6/84Sec=@host:6379/0", []string{"aBj+R6", "84Sec"}, "redis://:xxxxx@host:6379/0"},
		{"unix://:S3cr/et9K@/run/redis.sock", []string{"S3cr", "et9K"}, "unix://:xxxxx@/run/redis.sock"},
		// '@' in the path and in a query value: the last '@' of the input.
		{"redis://u:S3cr@et/Pw9K@cache/0?key_prefix=a@b", []string{"S3cr", "Pw9K"}, "redis://u:xxxxx@b"},
	}
	for _, tt := range tests {
		pe := parseError(t, tt.in)
		if pe == nil {
			continue
		}
		err := error(pe)
		if !errors.Is(err, ErrInvalidUserinfo) {
			t.Errorf("Parse(%q) kind %s, want invalid_userinfo", tt.in, pe.Kind.Code())
		}
		for _, hint := range []string{"%2F", "%3F", "%23"} {
			if !strings.Contains(pe.Msg, hint) {
				t.Errorf("Parse(%q): message %q does not say %s", tt.in, pe.Msg, hint)
			}
		}
		if pe.Input != tt.wantInput {
			t.Errorf("Parse(%q): Input %q, want %q", tt.in, pe.Input, tt.wantInput)
		}
		if got := pe.Input[pe.Offset : pe.Offset+pe.Length]; got != Redacted {
			t.Errorf("Parse(%q): underlines %q, want the redacted password", tt.in, got)
		}
		for _, s := range tt.secrets {
			for what, text := range map[string]string{"Error()": err.Error(), "Caret()": pe.Caret(), "redactSecrets": redactSecrets(tt.in)} {
				if strings.Contains(text, s) {
					t.Errorf("Parse(%q): %s shows %q: %s", tt.in, what, s, text)
				}
			}
		}
	}
}

// TestDelimiterNotMisread: an '@' that cannot come from a password with a
// raw delimiter is not one.
func TestDelimiterNotMisread(t *testing.T) {
	for _, in := range []string{
		"redis:///run/user%401000/redis.sock",  // an '@' in a socket path, written %40
		"redis://h/0?key_prefix=me@corp",       // '@' in a name=value field
		"redis://u:p@ss@h/0",                   // raw '@' in the password is fine
		"redis://me@corp.com:S3cretPw@cache/0", // e-mail username
		"file:///tmp/a@b",                      // not the redis or memcached family
	} {
		if _, err := Parse(in); err != nil {
			t.Errorf("Parse(%q) = %v, want no error", in, err)
		}
	}
	// Other schemes with the same shape are other errors, but the echo is
	// redacted to the last '@' all the same.
	for _, in := range []string{"locmem://u:S3cr@et/Pw9K@x", "redsi://u:S3cr@et/Pw9K@cache/0", "dummy://me@corp.com:S3cretPw?9K@x"} {
		_, err := Parse(in)
		if err == nil {
			t.Errorf("Parse(%q) succeeded", in)
			continue
		}
		for _, s := range []string{"S3cr", "Pw9K", "9K@"} {
			if strings.Contains(err.Error(), s) {
				t.Errorf("Parse(%q): %v shows %q", in, err, s)
			}
		}
	}
}

// TestRedactionMarkerRejected: a redacted copy fed back in fails clearly.
func TestRedactionMarkerRejected(t *testing.T) {
	tests := []struct {
		in   string
		kind *Kind
	}{
		{"redis://:xxxxx@h/0", ErrInvalidUserinfo},
		{"redis://u:xxxxx@h/0", ErrInvalidUserinfo},
		{"redis://u:%78xxxx@h/0", ErrInvalidUserinfo}, // decoded
		{"memcached://u:xxxxx@mc", ErrInvalidUserinfo},
		{"unix://:xxxxx@/run/redis.sock", ErrInvalidUserinfo},
		{"redis+sentinel://:xxxxx@s1/m", ErrInvalidUserinfo},
		{"redis://h/0?password=xxxxx", ErrInvalidParameter},
		{"redis://h/0?Sentinel_Password=xxxxx", ErrInvalidParameter},
		{"redis://h/0?auth_token=xxxxx", ErrInvalidParameter},
		{"memcached://mc?secret=xxxxx", ErrInvalidParameter},
	}
	for _, tt := range tests {
		_, err := Parse(tt.in)
		if !errors.Is(err, tt.kind) {
			t.Errorf("Parse(%q) = %v, want %s", tt.in, err, tt.kind.Code())
			continue
		}
		if msg := err.Error(); !strings.Contains(msg, "redacted copy") || !strings.Contains(msg, "real secret") {
			t.Errorf("Parse(%q): %q does not say it is a redacted copy", tt.in, msg)
		}
	}
	// Not a secret, or not exactly the marker: accepted.
	for _, in := range []string{"redis://xxxxx@h/0", "redis://h/0?key_prefix=xxxxx", "redis://:xxxxxx@h/0", "redis://h/0?password=xxxx"} {
		if _, err := Parse(in); err != nil {
			t.Errorf("Parse(%q) = %v", in, err)
		}
	}
}

// TestEchoRedactsToLastAt: with an '@' after the authority, even in a
// name=value query field (not a delimiter error: key_prefix=me@corp is
// valid), any error's echo hides everything from the first ':' after "://"
// to the last '@', so a password holding a raw '?' followed by '=' shows
// no part.
func TestEchoRedactsToLastAt(t *testing.T) {
	tests := []struct{ in, wantInput string }{
		{"redis://me@corp.com:S3cretPw?x=9K@cache/0", "redis://me@corp.com:xxxxx@cache/0"},
		{"redis://u:S3cr@et?x=Pw9K@cache/0&timeout=abc", "redis://u:xxxxx@cache/0&timeout=abc"},
		{"redis://@:?S3cr=@et/0", "redis://@:xxxxx@et/0"},
		{"memcached://u:S3cr?Pw=9K@mc&version=x", "memcached://u:xxxxx@mc&version=x"},
	}
	for _, tt := range tests {
		pe := parseError(t, tt.in)
		if pe == nil {
			continue
		}
		err := error(pe)
		if pe.Input != tt.wantInput {
			t.Errorf("Parse(%q): Input %q, want %q", tt.in, pe.Input, tt.wantInput)
		}
		for _, s := range []string{"S3cr", "Pw9K", "9K@"} {
			if strings.Contains(err.Error(), s) {
				t.Errorf("Parse(%q): %v shows %q", tt.in, err, s)
			}
		}
	}
	// The '@' in a query field's name is a delimiter error, as no
	// parameter name has one.
	if _, err := Parse("redis://u:S3cr?@et=x@cache/0"); !errors.Is(err, ErrInvalidUserinfo) {
		t.Errorf("'@' in a parameter name: %v, want invalid_userinfo", err)
	}
}

// TestCredentialValueWithRawAmp: a credential value runs to the next '&'
// that starts a name=value field, so token=ab&cd (a raw '&' in the token)
// shows neither part in an error.
func TestCredentialValueWithRawAmp(t *testing.T) {
	for _, tt := range []struct{ in, wantInput string }{
		{"redis://h/0?token=S3cr&Pw9K", "redis://h/0?token=xxxxx"},
		{"redis://h/0?x_api_key=&Pw9K&db=1", "redis://h/0?x_api_key=xxxxx&db=1"},
		{"redis://h/0?password=S3cr&&Pw9K&timeout=x", "redis://h/0?password=xxxxx&timeout=x"},
	} {
		pe := parseError(t, tt.in)
		if pe == nil {
			continue
		}
		err := error(pe)
		if pe.Input != tt.wantInput || strings.Contains(err.Error(), "Pw9K") || strings.Contains(err.Error(), "S3cr") {
			t.Errorf("Parse(%q) = %v; want Input %q", tt.in, err, tt.wantInput)
		}
	}
	if got := redactSecrets("redis://h/0?token=ab&cd&x=1&auth=ef"); got != "redis://h/0?token=xxxxx&x=1&auth=xxxxx" {
		t.Errorf("redactSecrets = %q", got)
	}
}
