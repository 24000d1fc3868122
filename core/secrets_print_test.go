package core

import (
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"reflect"
	"strings"
	"testing"
)

// appWithCache is an application config holding a Config, as logged or
// marshalled whole.
type appWithCache struct {
	Name  string
	Cache Config
}

// printedForms returns every form of c that can leave a process by
// accident (docs/secrets.md), by name. The forms that go through
// String, GoString, LogValue or Normalize's errors are in viaString.
func printedForms(t *testing.T, c Config) (forms, viaString map[string]string) {
	t.Helper()
	app := appWithCache{"app", c}
	var slogJSONNested, slogTextNested bytes.Buffer
	slog.New(slog.NewJSONHandler(&slogJSONNested, nil)).Info("cfg", "app", app)
	slog.New(slog.NewTextHandler(&slogTextNested, nil)).Info("cfg", "app", app)
	js, err := json.Marshal(c)
	if err != nil {
		t.Fatal(err)
	}
	nested, err := json.Marshal(app)
	if err != nil {
		t.Fatal(err)
	}
	indented, _ := json.MarshalIndent(map[string]any{"caches": []Config{c}}, "", " ")
	text, err := c.MarshalText()
	textErr := ""
	if err != nil {
		text, textErr = nil, err.Error()
	}
	forms = map[string]string{
		"json.Marshal":                string(js),
		"json.Marshal nested":         string(nested),
		"json.MarshalIndent in a map": string(indented),
		"AppendJSON":                  string(c.AppendJSON(nil)),
		"MarshalText":                 string(text),
		"slog JSON handler, nested":   slogJSONNested.String(),
	}
	var slogJSON, slogText bytes.Buffer
	slog.New(slog.NewJSONHandler(&slogJSON, nil)).Info("cfg", "cache", c, "ptr", &c)
	slog.New(slog.NewTextHandler(&slogText, nil)).Info("cfg", "cache", c, "ptr", &c)
	viaString = map[string]string{
		"String":                   c.String(),
		"GoString":                 c.GoString(),
		"Redacted":                 c.Redacted(),
		"%v %+v %#v %s %q":         fmt.Sprintf("%v %+v %#v %s %q", c, c, c, c, c),
		"pointer %v %+v %#v %s %q": fmt.Sprintf("%v %+v %#v %s %q", &c, &c, &c, &c, &c),
		"nested %v %+v %#v":        fmt.Sprintf("%v %+v %#v", app, app, app),
		"slog JSON handler":        slogJSON.String(),
		"slog text handler":        slogText.String(),
		"slog text handler nested": slogTextNested.String(),
		"MarshalText's error":      textErr, // Normalize's
	}
	return forms, viaString
}

// TestPrintedFormsRedact: no printed form of a parsed config shows its
// password or credential options, and each shows the marker.
func TestPrintedFormsRedact(t *testing.T) {
	c := mustParse(t, "redis+sentinel://alice:TopSecretPw1@s1,s2/m?sentinel_password=TopSecretPw2&PASSWORD=TopSecretPw3&auth_token=TopSecretPw4&pool_size=3")
	c.Options["x&password"] = "TopSecretPw5" // a name that is not a parameter name
	forms, viaString := printedForms(t, c)
	for name, out := range viaString {
		forms[name] = out
	}
	for name, out := range forms {
		if strings.Contains(out, "TopSecret") {
			t.Errorf("%s shows a secret: %s", name, out)
		}
		if name == "MarshalText" || name == "MarshalText's error" {
			continue // an invalid config ("x&password"): checked below
		}
		if !strings.Contains(out, Redacted) {
			t.Errorf("%s does not show the marker: %s", name, out)
		}
		if !strings.Contains(out, "pool_size") && !strings.Contains(out, "GoString") && !strings.Contains(name, "slog") {
			t.Errorf("%s lost a plain option: %s", name, out)
		}
	}
	if _, err := c.MarshalText(); err == nil || strings.Contains(err.Error(), "TopSecret") {
		t.Errorf("MarshalText of a config with an invalid option name: %v", err)
	}
	delete(c.Options, "x&password")
	text, err := c.MarshalText()
	if want := "redis+sentinel://alice:xxxxx@s1,s2/m?auth_token=xxxxx&password=xxxxx&pool_size=3&sentinel_password=xxxxx"; err != nil || string(text) != want {
		t.Errorf("MarshalText = %q, %v; want %q", text, err, want)
	}
}

// redactLocationDone reports whether Config.Redact already hides userinfo
// pasted into the scheme or hosts (then String, GoString and LogValue do).
func redactLocationDone() bool {
	r := Config{Scheme: "redis://u:pw@h", Hosts: []string{"u:pw@h"}}.Redact()
	return r.Scheme != "redis://u:pw@h" && r.Hosts[0] != "u:pw@h"
}

// TestHandBuiltConfigsRedact: a hand-built config, valid or not, with a
// password where it does not belong (in Scheme, in a host, an option whose
// name is not a name) prints none of it.
func TestHandBuiltConfigsRedact(t *testing.T) {
	const pw = "TopSecretPw9"
	for _, c := range []Config{
		{Scheme: "redis://:" + pw + "@h"},
		{Scheme: "redis://u:" + pw + "@h", Backend: BackendRedis, Hosts: []string{"h:6379"}},
		{Scheme: "redis", Hosts: []string{"u:" + pw + "@h:6379"}},
		{Scheme: "redis", Backend: BackendRedis, Topology: Standalone, Hosts: []string{"h:6379", ":" + pw + "@h2:6379"}},
		{Scheme: "memcached", Hosts: []string{pw + "@h"}},
		{Scheme: "redis", Hosts: []string{"redis://u:" + pw + "@h"}},
		{Scheme: "redis", Hosts: []string{"h:6379"}, Password: pw},
		{Scheme: "redis", Hosts: []string{"h:6379"}, Options: map[string]string{"x&password": pw}},
		{Scheme: "redis", Hosts: []string{"h:6379"}, Options: map[string]string{"x&password=" + "1": pw, "a b": pw}},
		{Scheme: "redis", Hosts: []string{"h:6379"}, Options: map[string]string{"Sentinel_Password": pw, "TOKEN": pw}},
		{Password: pw},
	} {
		forms, viaString := printedForms(t, c)
		if redactLocationDone() {
			for name, out := range viaString {
				forms[name] = out
			}
		}
		for name, out := range forms {
			if strings.Contains(out, pw) {
				t.Errorf("%s of %s shows the password: %s", name, dump(c), out)
			}
		}
	}
	if !redactLocationDone() {
		t.Skip("core/redact.go: Redact does not hide userinfo in Scheme or Hosts yet, so String, GoString and LogValue are not checked on those")
	}
}

// TestHideUserinfo: the rule of the Config doc comment.
func TestHideUserinfo(t *testing.T) {
	for in, want := range map[string]string{
		"h:6379":             "h:6379",
		"":                   "",
		"redis":              "redis",
		"u:pw@h:6379":        "xxxxx@h:6379",
		"pw@h":               "xxxxx@h",
		":p@w@h":             "xxxxx@h",
		"redis://:pw@h":      "redis://xxxxx@h",
		"redis://u:pw@h":     "redis://xxxxx@h",
		"redis://u:p/w@h/0":  "redis://xxxxx@h/0",
		"h@":                 "xxxxx@",
		"@h":                 "xxxxx@h",
		"[::1]:6379":         "[::1]:6379",
		"a://b://u:pw@h":     "a://xxxxx@h",
		"u:pw@h://x":         "xxxxx@h://x",
		"x:pw@redis://h:1/0": "xxxxx@redis://h:1/0",
	} {
		if got := hideUserinfo(in); got != want {
			t.Errorf("hideUserinfo(%q) = %q, want %q", in, got, want)
		}
	}
}

// TestRevealIsLossless: Reveal's forms keep every secret and read back to
// the same config; the default forms of the same config do not.
func TestRevealIsLossless(t *testing.T) {
	c := mustParse(t, "rediss+sentinel://alice:"+testPW+"@s1:26380,s2/mymaster/3?sentinel_password="+testPW+"2&timeout=60&pool_size=3")
	r := Reveal(c)
	if r.Config.Password != testPW || !reflect.DeepEqual(r.Config, c) {
		t.Fatalf("Reveal changed the config: %s", dump(r.Config))
	}
	j, err := json.Marshal(r)
	if err != nil || !bytes.Contains(j, []byte(`"password":"`+testPW+`"`)) || !bytes.Contains(j, []byte(`"sentinel_password":"`+testPW+`2"`)) {
		t.Errorf("json.Marshal(Reveal(c)) = %s, %v", j, err)
	}
	var fromJSON Config
	if err := json.Unmarshal(j, &fromJSON); err != nil || !reflect.DeepEqual(fromJSON, c) {
		t.Errorf("JSON round trip through Reveal: %v\n got  %s\n want %s", err, dump(fromJSON), dump(c))
	}
	nested, err := json.Marshal(struct{ Cache Revealed }{r})
	if err != nil || !bytes.Contains(nested, []byte(testPW)) {
		t.Errorf("json.Marshal of a struct holding a Revealed = %s, %v", nested, err)
	}
	text, err := r.MarshalText()
	if err != nil || string(text) != Format(c) {
		t.Errorf("Reveal(c).MarshalText() = %q, %v; want Format(c) %q", text, err, Format(c))
	}
	var fromText Config
	if err := fromText.UnmarshalText(text); err != nil || !reflect.DeepEqual(fromText, c) {
		t.Errorf("text round trip through Reveal: %v\n got  %s", err, dump(fromText))
	}
	for name, got := range map[string]string{
		"String": r.String(), "%v": fmt.Sprintf("%v", r), "%s": fmt.Sprintf("%s", r), //lint:ignore S1025 the %s verb is what is tested
		"%#v": fmt.Sprintf("%#v", r), "GoString": r.GoString(),
	} {
		if !strings.Contains(got, Format(c)) {
			t.Errorf("%s of Reveal(c) = %q, want it to hold %q", name, got, Format(c))
		}
	}
	// slog consults LogValue first: still redacted.
	var logs bytes.Buffer
	slog.New(slog.NewJSONHandler(&logs, nil)).Info("cfg", "cache", r)
	if strings.Contains(logs.String(), testPW) {
		t.Errorf("slog of a Revealed shows the password: %s", logs.String())
	}
	// The default forms of the same config are redacted.
	def, _ := json.Marshal(c)
	deftext, _ := c.MarshalText()
	for _, out := range []string{string(def), string(deftext), c.String()} {
		if strings.Contains(out, testPW) {
			t.Errorf("a default form shows the password: %s", out)
		}
	}
	var back Revealed
	if err := json.Unmarshal(j, &back); err != nil || !reflect.DeepEqual(back.Config, c) {
		t.Errorf("json.Unmarshal into a *Revealed: %v, %s", err, dump(back.Config))
	}
}

// TestRedactedCopyRejected: a redacted copy, fed back through
// UnmarshalJSON (object or string) or UnmarshalText, is an error that says it
// is a redacted copy.
func TestRedactedCopyRejected(t *testing.T) {
	for _, u := range []string{
		"redis://alice:" + testPW + "@h/0",
		"redis://h/0?sentinel_password=" + testPW,
		"memcached://u:" + testPW + "@a,b:1",
		"redis+sentinel://s1/m?PASSWORD=" + testPW,
	} {
		c := mustParse(t, u)
		j, _ := json.Marshal(c)
		var got Config
		err := json.Unmarshal(j, &got)
		if err == nil {
			t.Errorf("UnmarshalJSON(%s) accepted a redacted copy: %s", j, dump(got))
			continue
		}
		var ce *Error
		if !errors.As(err, &ce) || !strings.Contains(err.Error(), "redacted copy") || strings.Contains(err.Error(), testPW) {
			t.Errorf("UnmarshalJSON(%s) = %v", j, err)
		}
		if !errors.Is(err, ErrInvalidUserinfo) && !errors.Is(err, ErrInvalidParameter) {
			t.Errorf("UnmarshalJSON(%s): kind %v", j, ce.Kind)
		}
		if !reflect.DeepEqual(got, Config{}) {
			t.Errorf("UnmarshalJSON failed but set %s", dump(got))
		}
	}
	// Hand-written objects with the marker.
	for _, obj := range []string{
		`{"scheme":"redis","hosts":["h"],"password":"xxxxx"}`,
		`{"scheme":"redis","hosts":["h"],"options":{"Auth_Token":"xxxxx"}}`,
	} {
		var got Config
		if err := json.Unmarshal([]byte(obj), &got); err == nil || !strings.Contains(err.Error(), "redacted copy") {
			t.Errorf("UnmarshalJSON(%s) = %v", obj, err)
		}
	}
	// The marker inside a longer password, or in a plain option, is a value.
	for _, obj := range []string{
		`{"scheme":"redis","hosts":["h"],"password":"xxxxxy"}`,
		`{"scheme":"redis","hosts":["h"],"options":{"client_name":"xxxxx"}}`,
	} {
		var got Config
		if err := json.Unmarshal([]byte(obj), &got); err != nil {
			t.Errorf("UnmarshalJSON(%s) = %v", obj, err)
		}
	}

	// The URL string forms go through Parse, which rejects the marker as a
	// password (docs/grammar.md).
	if _, err := Parse("redis://:xxxxx@h/0"); err == nil {
		t.Skip("Parse does not reject the redaction marker as a password yet")
	}
	c := mustParse(t, "redis://alice:"+testPW+"@h/0")
	text, _ := c.MarshalText()
	var got Config
	if err := got.UnmarshalText(text); err == nil || strings.Contains(err.Error(), testPW) {
		t.Errorf("UnmarshalText(%q) = %v, want an error", text, err)
	}
	quoted, _ := json.Marshal(string(text))
	if err := json.Unmarshal(quoted, &got); err == nil {
		t.Errorf("UnmarshalJSON(%s) accepted a redacted URL", quoted)
	}
}

// TestFlagHelpRedacts: flag -help shows a TextVar default (MarshalText) and
// a Var default (String) redacted.
func TestFlagHelpRedacts(t *testing.T) {
	def := mustParse(t, "redis://:DefaultPw99@cache/0?auth_token=DefaultPw98")
	fs := flag.NewFlagSet("app", flag.ContinueOnError)
	var out bytes.Buffer
	fs.SetOutput(&out)
	var viaText, viaVar Config
	fs.TextVar(&viaText, "cache", def, "cache `URL`")
	viaVar = def
	fs.Var(&viaVar, "other-cache", "cache `URL`")
	fs.PrintDefaults()
	help := out.String()
	if strings.Contains(help, "DefaultPw9") {
		t.Errorf("-help shows the default's password:\n%s", help)
	}
	want := "(default redis://:xxxxx@cache/0?auth_token=xxxxx)"
	if strings.Count(help, want) != 2 {
		t.Errorf("-help does not show the redacted default %s twice:\n%s", want, help)
	}
	if viaText.Password != "DefaultPw99" {
		t.Errorf("TextVar lost the default's password: %s", dump(viaText))
	}
}

// TestFormatEscapesNames: Format writes an option name that is not a
// parameter name, and a scheme that is not scheme text, percent-encoded, so
// the URL does not parse as another config; valid names are written as they
// are.
func TestFormatEscapesNames(t *testing.T) {
	base := Config{Scheme: "redis", Backend: BackendRedis, Topology: Standalone, Hosts: []string{"h:6379"}}
	for _, tc := range []struct {
		opts map[string]string
		want string
	}{
		{map[string]string{"x&password": "pw"}, "redis://h/0?x%26password=pw"},
		{map[string]string{"a=b": "1"}, "redis://h/0?a%3Db=1"},
		{map[string]string{"a b": "1"}, "redis://h/0?a%20b=1"},
		{map[string]string{"a+b?c#d": "1"}, "redis://h/0?a%2Bb%3Fc%23d=1"},
		{map[string]string{"": "1"}, "redis://h/0?=1"},
		{map[string]string{"ß": "1"}, "redis://h/0?%C3%9F=1"},
		{map[string]string{"pool_size": "3", "Client.Name-2": "x"}, "redis://h/0?Client.Name-2=x&pool_size=3"},
	} {
		c := base
		c.Options = tc.opts
		got := Format(c)
		if got != tc.want {
			t.Errorf("Format(options %q) = %q, want %q", tc.opts, got, tc.want)
		}
		valid := true
		for k := range tc.opts {
			valid = valid && isParamName(k)
		}
		if p, err := Parse(got); valid != (err == nil) {
			t.Errorf("Parse(%q) = %s, %v", got, dump(p), err)
		} else if err == nil {
			want := make(map[string]string)
			for k, v := range tc.opts {
				want[strings.ToLower(k)] = v
			}
			if !reflect.DeepEqual(p.Options, want) {
				t.Errorf("Parse(%q).Options = %q, want %q", got, p.Options, want)
			}
		}
	}
	for _, tc := range []struct{ scheme, want string }{
		{"redis://:pw@h", "redis%3A%2F%2F%3Apw%40h://h:6379/0"},
		{"redis://h/0?a=", "redis%3A%2F%2Fh%2F0%3Fa%3D://h:6379/0"},
		{"REDIS", "redis://h/0"},
		{"", "://h:6379/0"},
	} {
		c := base
		c.Scheme = tc.scheme
		got := Format(c)
		if got != tc.want {
			t.Errorf("Format(scheme %q) = %q, want %q", tc.scheme, got, tc.want)
		}
		if p, err := Parse(got); tc.scheme != "REDIS" && err == nil {
			t.Errorf("Parse(%q) = %s, want an error", got, dump(p))
		}
	}
}
