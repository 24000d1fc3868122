package main

import (
	"strconv"
	"strings"
	"testing"
)

// TestNoPasswordPieceShown: a password holding a raw '/', '?' or '#' shows
// in no output of any command, and the hint says how to write it
// (docs/grammar.md, "Userinfo").
func TestNoPasswordPieceShown(t *testing.T) {
	tests := []struct {
		url    string
		pieces []string // no part of the password may show
		hint   string
	}{
		{"redis://u:S3cr@et/Pw9K@cache:6379/0", []string{"S3cr", "et/Pw", "Pw9K"}, "%2F"},
		{"redis://me@corp.com:S3cretPw/9K@cache:6379/0", []string{"S3cretPw", "9K@"}, "%2F"},
		{"redis://u:S3cr@et?Pw9K@cache:6379/0", []string{"S3cr", "Pw9K", "PW9K"}, "%3F"},
		{"redis://me@corp.com:S3cretPw?9K@cache:6379/0", []string{"S3cretPw", "9K@"}, "%3F"},
		{"redis+sentinel://u:S3cr@et/Pw9K@s1:26379/mymaster", []string{"S3cr", "Pw9K"}, "%2F"},
		{"memcached://u:S3cr@et/Pw9K@mc:11211", []string{"S3cr", "Pw9K"}, "%2F"},
		{"memcached://me@corp.com:S3cretPw?9K@mc:11211", []string{"S3cretPw", "9K@"}, "%3F"},
		{"redis://:aBj+R6/84Sec=@host:6379/0", []string{"aBj", "R6", "84Sec"}, "%2F"},
		{"redis://u:S3cretPw#9K@cache/0", []string{"S3cretPw", "9K"}, "%23"},
		{"memcached://u:S3cretPw#9K@cache", []string{"S3cretPw", "9K"}, "%23"},
		{"redis://u:S3cr?Tok=Pw9K@cache:6379/0", []string{"S3cr", "Pw9K", "PW9K", "TOK"}, ""},
	}
	for _, tt := range tests {
		lines := tt.url + "\n" + strconv.Quote(tt.url) + "\n"
		runs := [][]string{
			{"parse", tt.url},
			{"parse", "--format", "django", tt.url},
			{"parse", "--format", "url", tt.url},
			{"explain", tt.url},
			{"check", tt.url},
			{"check", "--json", tt.url},
		}
		for _, args := range runs {
			r := runCLI(t, nil, "", args...)
			out := r.stdout + r.stderr
			if r.status == 0 {
				t.Errorf("%v: status 0", args)
			}
			for _, p := range tt.pieces {
				if strings.Contains(out, p) {
					t.Errorf("%v shows %q:\n%s", args, p, out)
				}
			}
			if tt.hint != "" && args[0] != "check" && !strings.Contains(out, tt.hint) {
				t.Errorf("%v: no %s hint:\n%s", args, tt.hint, out)
			}
		}
		for _, args := range [][]string{{"parse", "-"}, {"parse", "--format", "django", "-"}} {
			r := runCLI(t, nil, tt.url+"\n", args...)
			for _, p := range tt.pieces {
				if strings.Contains(r.stdout+r.stderr, p) {
					t.Errorf("batch %v shows %q:\n%s", args, p, r.stdout+r.stderr)
				}
			}
		}
		r := runCLI(t, nil, lines, "parse", "--input", "json", "-")
		for _, p := range tt.pieces {
			if strings.Contains(r.stdout+r.stderr, p) {
				t.Errorf("batch --input json shows %q:\n%s", p, r.stdout+r.stderr)
			}
		}
	}
}

// TestExplainReferenceRedacted: the django-cache-url comparison line shows
// no part of the password, and shows it with --show-secrets.
func TestExplainReferenceRedacted(t *testing.T) {
	tests := []struct{ url, want string }{
		{"redis://u:S3cretPw#9K@cache/0", "as 'xxxxx'"},
		{"memcached://u:S3cretPw#9K@cache", `"LOCATION":"u:xxxxx"`},
		{"memcached://u:S3cr@et/Pw9K@mc:11211", `"LOCATION":"u:xxxxx@xxxxx"`},
	}
	for _, tt := range tests {
		r := runCLI(t, nil, "", "explain", tt.url)
		if !strings.Contains(r.stdout, tt.want) || strings.Contains(r.stdout, "S3cr") {
			t.Errorf("explain %s:\n%s\nwant %s and no S3cr", tt.url, r.stdout, tt.want)
		}
		r = runCLI(t, nil, "", "explain", "--show-secrets", tt.url)
		if !strings.Contains(r.stdout, "S3cr") {
			t.Errorf("explain --show-secrets %s hides the password:\n%s", tt.url, r.stdout)
		}
	}
}
