package core

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
)

// stdJSON is encoding/json's output for c's fields, HTML escaping off.
func stdJSON(t testing.TB, c Config) []byte {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(configFields(c)); err != nil {
		t.Fatal(err)
	}
	return bytes.TrimSuffix(buf.Bytes(), []byte("\n"))
}

// TestAppendJSONMatchesEncodingJSON: the hand-written encoder gives exactly
// encoding/json's bytes, for every vector and for awkward strings.
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
	for _, c := range cs {
		want := stdJSON(t, c)
		got := c.AppendJSON(nil)
		if !bytes.Equal(got, want) {
			t.Errorf("AppendJSON:\n got  %s\n want %s", got, want)
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
		if got := string(AppendJSONString(nil, s)); got != strings.TrimSuffix(want.String(), "\n") {
			t.Errorf("AppendJSONString(%q) = %s, want %s", s, got, want.String())
		}
	}
}
