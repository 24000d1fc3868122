package core

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
)

// stdJSON is encoding/json's output for c's fields, HTML escaping off.
func stdJSON(t testing.TB, c Config) []byte { return encodeJSON(t, configFields(c)) }

// encodeJSON is encoding/json's output for v, HTML escaping off.
func encodeJSON(t testing.TB, v any) []byte {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		t.Fatal(err)
	}
	return bytes.TrimSuffix(buf.Bytes(), []byte("\n"))
}

// TestAppendJSONMatchesEncodingJSON: the hand-written encoder gives exactly
// encoding/json's bytes, for every vector and for awkward strings: through
// Reveal those of the config's fields, and by default those of the fields of
// the redacted copy (Redact, and userinfo pasted into the scheme or a host).
func TestAppendJSONMatchesEncodingJSON(t *testing.T) {
	var cs []Config
	for _, v := range loadVectors(t) {
		if c, err := Parse(v.URL); err == nil {
			cs = append(cs, c)
		}
	}
	odd := []string{"", "plain", `q"uote\back`, "\x00\x01\x1f\x7f", "\n\r\t\b\f", "<&>", "é✓😀", "\xff\xfe", "a\u2028b\u2029c", "\ufffd"}
	for _, s := range odd {
		cs = append(cs, Config{Scheme: s, Backend: Backend(s), TLS: true, Topology: Topology(s), Master: s, Hosts: []string{s, s},
			Socket: s, Path: s, Username: s, Password: s, DB: -3, TTL: TTLSeconds(7), KeyPrefix: s, Version: intp(-1),
			KeyFunction: s, MaxEntries: intp(0), CullFrequency: intp(2147483647), Lib: s, Options: map[string]string{s: s, "z" + s: "y"}},
			Config{TTL: NeverExpire, Hosts: []string{}, Options: map[string]string{}})
	}
	cs = append(cs, Config{Scheme: "redis://u:" + testPW + "@h", Hosts: []string{"u:" + testPW + "@h:6379", "h2"}, Password: testPW,
		Options: map[string]string{"x&password": testPW, "token": testPW, "pool_size": "3"}})
	for _, c := range cs {
		want := stdJSON(t, c)
		if got := Reveal(c).AppendJSON(nil); !bytes.Equal(got, want) {
			t.Errorf("Reveal(c).AppendJSON:\n got  %s\n want %s", got, want)
		}
		if got := encodeJSON(t, Reveal(c)); !bytes.Equal(got, want) {
			t.Errorf("encoding/json of Reveal(c):\n got  %s\n want %s", got, want)
		}
		r := c.Redact()
		redactLocation(&r)
		wantRedacted := stdJSON(t, r)
		if got := c.AppendJSON(nil); !bytes.Equal(got, wantRedacted) {
			t.Errorf("AppendJSON:\n got  %s\n want %s", got, wantRedacted)
		}
		if got := encodeJSON(t, c); !bytes.Equal(got, wantRedacted) {
			t.Errorf("encoding/json of c:\n got  %s\n want %s", got, wantRedacted)
		}
		viaMarshal, err := json.Marshal(c)
		if err != nil {
			t.Fatal(err)
		}
		var back1, back2 any
		if json.Unmarshal(viaMarshal, &back1) != nil || json.Unmarshal(want, &back2) != nil {
			t.Errorf("invalid JSON: %s", viaMarshal)
		}
	}
}

// TestAppendJSONString: the string encoder writes what encoding/json writes
// with HTML escaping off.
func TestAppendJSONString(t *testing.T) {
	for _, s := range []string{
		"", "plain", `q"uote\back`, "tab\tnl\ncr\r", "\b\f", "\x00\x01\x1f\x7f", "<&>",
		"é✓𝟙", "\u2028\u2029", "bad\xffutf8\xe2\x9c", "\ufffd",
	} {
		var want bytes.Buffer
		enc := json.NewEncoder(&want)
		enc.SetEscapeHTML(false)
		if err := enc.Encode(s); err != nil {
			t.Fatal(err)
		}
		if got := string(appendJSONString(nil, s)); got != strings.TrimSuffix(want.String(), "\n") {
			t.Errorf("appendJSONString(%q) = %s, want %s", s, got, want.String())
		}
	}
}
