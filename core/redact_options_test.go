package core

import (
	"strings"
	"testing"
)

func TestIsCredentialOptionCaseInsensitive(t *testing.T) {
	for _, tc := range []struct {
		name string
		want bool
	}{
		{"password", true}, {"PASSWORD", true}, {"Sentinel_Password", true},
		{"token", true}, {"auth", true}, {"auth_token", true}, {"x_API_KEY", true},
		{"passwd", true}, {"pwd", true}, {"secret", true}, {"credentials", true},
		{"apikey", true}, {"access_key", true}, {"secret_key", true}, {"private_key", true},
		{"timeout", false}, {"key_prefix", false}, {"xpassword", false}, {"author", false},
		{"tokens", false}, {"_", false},
	} {
		if got := IsCredentialOption(tc.name); got != tc.want {
			t.Errorf("IsCredentialOption(%q) = %v, want %v", tc.name, got, tc.want)
		}
	}
}

func TestRedactInvalidOptionName(t *testing.T) {
	c, err := Parse("redis://h/0")
	if err != nil {
		t.Fatal(err)
	}
	c.Options = map[string]string{"x&password": "TopSecret1", "PASSWORD": "TopSecret2", "token": "TopSecret3"}
	if s := c.String(); strings.Contains(s, "TopSecret") {
		t.Errorf("String() = %q shows a secret", s)
	}
}

func TestSecretSpansUpperCaseAndLinear(t *testing.T) {
	_, err := Parse("redis://h/0?PASSWORD=TopSecret1&x=%zz")
	if err != nil && strings.Contains(err.Error(), "TopSecret1") {
		t.Errorf("error shows the secret: %v", err)
	}
	// A value runs to the next '&', a raw '?' inside it included.
	if got := redactSecrets("redis://h/0?token=ab?cd&x=1"); got != "redis://h/0?token=xxxxx&x=1" {
		t.Errorf("redactSecrets = %q", got)
	}
}

func BenchmarkParsePlusQuestion(b *testing.B) {
	s := "redis://h/0?" + strings.Repeat("+?", 4088) + "=1"
	b.SetBytes(int64(len(s)))
	b.ReportAllocs()
	for b.Loop() {
		_, _ = Parse(s)
	}
}
