package fuzz

import (
	"encoding/json"
	"errors"
	"fmt"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/cacheurl/cacheurl/core"
	"github.com/cacheurl/cacheurl/internal/vectors"
)

// maxFuzzInput caps fuzz inputs (as BurntSushi/toml's fuzzer does) so each
// iteration stays fast; core's own limit (core.MaxLength, 8 KiB) is
// checked by TestRedactionProperties and core's tests.
const maxFuzzInput = 2048

// vectorsDir holds the reference vectors (copied into core's testdata).
var vectorsDir = filepath.Join("..", "core", "testdata", "vectors")

// vectorURLs returns every distinct "url" of the reference vectors, sorted.
func vectorURLs(tb testing.TB) []string {
	tb.Helper()
	vs, err := vectors.Load(vectorsDir)
	if err != nil {
		tb.Fatal(err)
	}
	return vectors.URLs(vs)
}

// FuzzParse feeds arbitrary text to core.Parse. Parse must not panic. An
// accepted input must round-trip (Parse(Format(c)) == c, Format a fixed
// point, Normalize, text and JSON marshalling the identity), parse the same
// with surrounding whitespace and an upper-case scheme, and have printed
// forms without its secrets. A rejected input must give a well-formed
// *core.Error that does not show the password.
func FuzzParse(f *testing.F) {
	for _, u := range vectorURLs(f) {
		f.Add(u)
	}
	f.Fuzz(func(t *testing.T, in string) {
		if len(in) > maxFuzzInput {
			t.Skip()
		}
		defer watchdog(in).Stop()
		c, err := core.Parse(in)
		if err != nil {
			if msg := checkError(err, ""); msg != "" {
				t.Fatalf("Parse(%q): %s", in, msg)
			}
			for _, s := range secretParts(rawSecrets(in)) {
				if !meaningfulInError(in, s, parseErr) {
					continue
				}
				if msg := checkError(err, s); msg != "" {
					t.Fatalf("Parse(%q): %s", in, msg)
				}
			}
			return
		}
		checkAccepted(t, in, c)
	})
}

// hangAfter is how long one fuzz input may take. go test -fuzz has no
// per-input timeout: a hung input would just stall the run.
const hangAfter = 10 * time.Second

// watchdog crashes the fuzz worker, naming the input, when the input is
// not done after hangAfter; go test then reports it and saves the input
// to testdata/fuzz. Stop the returned timer when the input is done.
func watchdog(input any) *time.Timer {
	return time.AfterFunc(hangAfter, func() {
		panic(fmt.Sprintf("fuzz input %#v still running after %v", input, hangAfter))
	})
}

// checkAccepted checks the properties of an accepted input in and its
// config c.
func checkAccepted(t *testing.T, in string, c core.Config) {
	t.Helper()
	u := core.Format(c)
	c2, err := core.Parse(u)
	if err != nil {
		t.Fatalf("Parse(%q) ok, but Parse(Format(c) = %q): %v", in, u, err)
	}
	if !reflect.DeepEqual(c2, c) {
		t.Fatalf("Parse(Format(Parse(%q))) != Parse(%q)\nFormat %q\nwant %s\ngot  %s", in, in, u, show(c), show(c2))
	}
	if again := core.Format(c2); again != u {
		t.Fatalf("Format is not a fixed point for %q:\n%q\n%q", in, u, again)
	}
	if n, err := c.Normalize(); err != nil || !reflect.DeepEqual(n, c) {
		t.Fatalf("Normalize of Parse(%q): %v\nwant %s\ngot  %s", in, err, show(c), show(n))
	}
	// The lossless serialisations are Reveal's; the default ones are
	// redacted (checked with the printed forms below).
	if b, err := core.Reveal(c).MarshalText(); err != nil || string(b) != u {
		t.Fatalf("Reveal(c).MarshalText of Parse(%q) = %q, %v; want %q", in, b, err, u)
	}
	if b, err := c.MarshalText(); err != nil || string(b) != c.Redacted() {
		t.Fatalf("MarshalText of Parse(%q) = %q, %v; want Redacted() %q", in, b, err, c.Redacted())
	}
	j, err := json.Marshal(core.Reveal(c))
	if err != nil {
		t.Fatalf("json.Marshal(Reveal(Parse(%q))): %v", in, err)
	}
	var fromJSON core.Config
	if err := json.Unmarshal(j, &fromJSON); err != nil || !reflect.DeepEqual(fromJSON, c) {
		t.Fatalf("JSON round trip of Parse(%q) via %s: %v\nwant %s\ngot  %s", in, j, err, show(c), show(fromJSON))
	}

	// docs/grammar.md: surrounding ASCII whitespace is trimmed; the scheme is
	// case-insensitive.
	if ws, err := core.Parse(" \t\r\n" + in + "\n\t "); err != nil || !reflect.DeepEqual(ws, c) {
		t.Fatalf("Parse(%q) with surrounding whitespace: %v\nwant %s\ngot  %s", in, err, show(c), show(ws))
	}
	if up := upperScheme(in); up != in {
		if uc, err := core.Parse(up); err != nil || !reflect.DeepEqual(uc, c) {
			t.Fatalf("Parse(%q) with an upper-case scheme (%q): %v\nwant %s\ngot  %s", in, up, err, show(c), show(uc))
		}
	}

	// Redaction: the redacted URL is the URL of c.Redact() (a redacted copy
	// that Parse rejects, when c has a secret), and no printed form shows a
	// secret (checked where the secret is not also elsewhere).
	if msg := checkRedactedURL(c); msg != "" {
		t.Fatalf("Parse(%q): %s", in, msg)
	}
	forms := printedForms(c)
	for _, s := range secretsOf(c) {
		without := printedForms(s.replace(c))
		for form, out := range forms {
			if text := shownSecret(out, without[form], s.value); text != "" {
				t.Fatalf("%s of Parse(%q) shows the %s as %q: %s", form, in, s.what, text, out)
			}
		}
	}
}

// encodings returns s as printed forms may show it: raw, percent-encoded
// (docs/grammar.md), inside a JSON string and inside a Go-quoted string.
func encodings(s string) []string {
	j, _ := json.Marshal(s)
	return []string{s, specEscape(s, false), string(j[1 : len(j)-1]), strings.Trim(strconv.Quote(s), `"`)}
}

// upperScheme upper-cases what precedes the first "://" of in: the scheme
// and any leading whitespace.
func upperScheme(in string) string {
	i := strings.Index(in, "://")
	if i < 0 {
		return in
	}
	return strings.ToUpper(in[:i]) + in[i:]
}

// secret is one secret of a config: the password or a credential option.
type secret struct {
	what  string
	value string
	// replace returns the config with this secret replaced by a dummy.
	replace func(core.Config) core.Config
}

// dummySecret replaces a secret to see what a printed form shows without
// it. It shares no character with core.Redacted ("xxxxx").
const dummySecret = "QQQQQQQQ"

// secretsOf lists the secrets of c.
func secretsOf(c core.Config) []secret {
	var out []secret
	if c.Password != "" {
		out = append(out, secret{"password", c.Password, func(c core.Config) core.Config {
			r := cloneConfig(c)
			r.Password = dummySecret
			return r
		}})
	}
	for k, v := range c.Options {
		if core.IsCredentialOption(k) {
			out = append(out, secret{"option " + k, v, func(c core.Config) core.Config {
				r := cloneConfig(c)
				r.Options[k] = dummySecret
				return r
			}})
		}
	}
	return out
}

// rawPassword extracts the password of an input shaped like
// scheme://user:PASS@host...: the authority ends at the first '/', '?' or
// '#', the userinfo at its last '@', the password starts after the first
// ':' of the userinfo. ok is false when there is no such password.
func rawPassword(in string) (pw string, ok bool) {
	i := strings.Index(in, "://")
	if i < 0 {
		return "", false
	}
	auth := in[i+3:]
	if j := strings.IndexAny(auth, "/?#"); j >= 0 {
		auth = auth[:j]
	}
	at := strings.LastIndexByte(auth, '@')
	if at < 0 {
		return "", false
	}
	_, pw, ok = strings.Cut(auth[:at], ":")
	return pw, ok && pw != ""
}

// rawSecrets returns the secrets of an input as written: its password
// (see rawPassword) and the values of credential parameters (password=,
// *_password=, names case-insensitive) in the query, the text after the
// first '?' that follows "://": after that '?' or any later '?' or '&',
// each value ending at the next '&' or '#'.
func rawSecrets(in string) []string {
	var out []string
	if pw, ok := rawPassword(in); ok {
		out = append(out, pw)
	}
	sep := strings.Index(in, "://")
	if sep < 0 {
		return out
	}
	q := strings.IndexByte(in[sep:], '?')
	if q < 0 {
		return out
	}
	for i := sep + q; i < len(in); i++ {
		if in[i] != '?' && in[i] != '&' {
			continue
		}
		field := in[i+1:]
		if j := strings.IndexAny(field, "&#"); j >= 0 {
			field = field[:j]
		}
		name, val, ok := strings.Cut(field, "=")
		if ok && val != "" && core.IsCredentialOption(strings.ToLower(name)) {
			out = append(out, val)
		}
	}
	return out
}

// secretParts returns the secrets and, to catch a secret shown in part,
// their pieces between URL delimiters ("@/?#:&=") of 6 bytes or more.
func secretParts(secrets []string) []string {
	out := append([]string(nil), secrets...)
	for _, s := range secrets {
		parts := strings.FieldsFunc(s, func(r rune) bool { return strings.ContainsRune("@/?#:&=", r) })
		for _, p := range parts {
			if len(p) >= 6 && p != s {
				out = append(out, p)
			}
		}
	}
	return out
}

// meaningfulInError reports whether "the error for in does not contain pw"
// is a meaningful check: pw is at least 6 bytes, occurs once in in, and
// the error for the same input with pw replaced by a dummy (its Error(),
// and for a *core.Error its Input) does not contain pw either, so pw is not
// a word of the message ("scheme", "invalid"). errFor is the function
// under test.
func meaningfulInError(in, pw string, errFor func(string) error) bool {
	if len(pw) < 6 || strings.Count(in, pw) != 1 {
		return false
	}
	err := errFor(strings.Replace(in, pw, dummySecret, 1))
	if err == nil {
		return true
	}
	shown := err.Error()
	var e *core.Error
	if errors.As(err, &e) {
		shown += "\n" + e.Input
	}
	if containsAny(shown, encodings(pw)) {
		return false
	}
	// The same input with the secret's letters and digits changed but its
	// punctuation and spaces kept usually fails the same way: if that
	// message still shows the secret's text, the text is the message's own
	// wording (a secret " passw" inside "... in a password"), not a leak.
	if alike := alikeSecret(pw); alike != pw {
		if err := errFor(strings.Replace(in, pw, alike, 1)); err != nil && containsAny(err.Error(), encodings(pw)) {
			return false
		}
	}
	return true
}

// alikeSecret returns pw with every ASCII letter and digit replaced by the
// next one of its class (z→a, 9→0) and everything else kept.
func alikeSecret(pw string) string {
	b := []byte(pw)
	for i, c := range b {
		switch {
		case 'a' <= c && c <= 'z':
			b[i] = 'a' + (c-'a'+1)%26
		case 'A' <= c && c <= 'Z':
			b[i] = 'A' + (c-'A'+1)%26
		case '0' <= c && c <= '9':
			b[i] = '0' + (c-'0'+1)%10
		}
	}
	return string(b)
}

// containsAny reports whether s contains one of subs.
func containsAny(s string, subs []string) bool {
	for _, sub := range subs {
		if strings.Contains(s, sub) {
			return true
		}
	}
	return false
}

// shownSecret returns the encoding of secret (see encodings) that out
// shows and dummyOut, the same output with the secret replaced by a dummy,
// does not: a secret in out that no other part of the value explains. It
// returns "" when there is none.
func shownSecret(out, dummyOut, secret string) string {
	if secret == "" {
		return ""
	}
	for _, text := range encodings(secret) {
		if strings.Contains(out, text) && !strings.Contains(dummyOut, text) {
			return text
		}
	}
	return ""
}

// parseErr returns the error of core.Parse.
func parseErr(in string) error {
	_, err := core.Parse(in)
	return err
}

// allowedKinds are the kinds Parse and Normalize may return: all of
// core.Kinds() except ErrNotSet (only the env functions) and
// ErrNotExpressible (only the Django view).
func allowedKinds() []*core.Kind {
	var out []*core.Kind
	for _, k := range core.Kinds() {
		if k != core.ErrNotSet && k != core.ErrNotExpressible {
			out = append(out, k)
		}
	}
	return out
}

// checkError checks an error of Parse or Normalize: it is a *core.Error
// of one of kinds (default: allowedKinds()) that errors.Is matches, with a
// message, Offset and Length inside Input, a Caret() that is Input over a
// caret line, and, when secret is not empty, neither Error() nor Input
// contains secret in any of its encodings. It returns what is wrong, or "".
func checkError(err error, secret string, kinds ...*core.Kind) string {
	if len(kinds) == 0 {
		kinds = allowedKinds()
	}
	var e *core.Error
	if !errors.As(err, &e) {
		return fmt.Sprintf("error %v (%T) is not a *core.Error", err, err)
	}
	if !isOneOf(err, kinds) {
		return fmt.Sprintf("error %v has kind %v, not one of %v", err, e.Kind, kinds)
	}
	if !errors.Is(err, e.Kind) {
		return fmt.Sprintf("errors.Is(err, err.Kind) is false for %v", err)
	}
	if e.Msg == "" {
		return fmt.Sprintf("error %#v has no message", e)
	}
	if e.Offset < 0 || e.Length < 0 || e.Offset+e.Length > len(e.Input) {
		return fmt.Sprintf("Offset %d / Length %d are outside Input %q (%d bytes)", e.Offset, e.Length, e.Input, len(e.Input))
	}
	// Caret() is Input, printable and one character for each of Input's,
	// and a line of spaces and carets under the bad part.
	caret := e.Caret()
	input, line, _ := strings.Cut(caret, "\n")
	if utf8.RuneCountInString(input) != utf8.RuneCountInString(e.Input) || strings.ContainsFunc(input, func(r rune) bool { return r < 0x20 || r == 0x7f }) ||
		strings.Trim(line, " ^") != "" || !strings.Contains(line, "^") {
		return fmt.Sprintf("Caret() = %q, want Input as printable characters, a newline and a caret line", caret)
	}
	if secret != "" {
		for what, s := range map[string]string{"Error()": err.Error(), "Input": e.Input} {
			for _, text := range encodings(secret) {
				if strings.Contains(s, text) {
					return fmt.Sprintf("%s contains the secret %q as %q: %s", what, secret, text, s)
				}
			}
		}
	}
	return ""
}

// FuzzStructured builds a Config field by field, as a config file decoded
// with koanf or viper would, and checks Normalize and Format: they never
// panic; a rejected value gives a well-formed *core.Error without the
// password; an accepted value is canonical (Parse(Format(n)) == n,
// Normalize(n) == n), keeps the credentials, the cache arguments and the
// options it was given, and its redacted URL does not show the password.
//
// Hosts are comma-separated; ttl -1 is never and other negative values
// unset; the bits of set give Version (1), MaxEntries (2), CullFrequency
// (4) and TLS (8); an empty optName means no option.
func FuzzStructured(f *testing.F) {
	f.Add("redis", "", "", "h:6379", "", "", "", "u", "p4ssw0rd!", 0, int64(-2), "", "", 0, 0, 0, uint8(0), "", "", "")
	f.Add("REDIS", "redis", "standalone", "h", "", "", "", "", "se:cr@t/", 3, int64(300), "app", "m.f", 2, 100, 3, uint8(7), "django-redis", "pool_size", "10")
	f.Add("redis+sentinel", "", "", "s1,s2:26380", "", "", "mymaster", "", "p@ss", 1, int64(-1), "", "", 0, 0, 0, uint8(0), "", "sentinel_password", "sp@ss")
	f.Add("memcached", "", "", "[::1]:11211,h2", "", "", "", "user", "secret-pw", 0, int64(0), "", "", 0, 0, 0, uint8(0), "", "", "")
	f.Add("valkeys", "", "", "", "/run/r.sock", "", "", "", "", 0, int64(-2), "", "", 0, 0, 0, uint8(8), "", "", "")
	f.Add("locmem", "locmem", "", "", "", "x", "", "", "pass1234", 0, int64(-2), "", "", 0, 0, 0, uint8(0), "", "", "")
	f.Add("file", "", "cluster", "", "", "C:/tmp/a b", "", "", "", 0, int64(-2), "", "", 0, 0, 0, uint8(0), "", "Timeout", "5")
	for _, u := range vectorURLs(f) {
		c, err := core.Parse(u)
		if err != nil {
			continue
		}
		var set uint8
		version, maxEntries, cull := 0, 0, 0
		if c.Version != nil {
			set, version = set|1, *c.Version
		}
		if c.MaxEntries != nil {
			set, maxEntries = set|2, *c.MaxEntries
		}
		if c.CullFrequency != nil {
			set, cull = set|4, *c.CullFrequency
		}
		ttl := int64(-2)
		if c.TTL.Never() {
			ttl = -1
		} else if s, ok := c.TTL.Seconds(); ok {
			ttl = s
		}
		optName, optValue := "", ""
		for k, v := range c.Options {
			if optName == "" || k < optName { // the first option by name, so seeds are stable
				optName, optValue = k, v
			}
		}
		if c.TLS {
			set |= 8
		}
		f.Add(c.Scheme, string(c.Backend), string(c.Topology), strings.Join(c.Hosts, ","), c.Socket, c.Path, c.Master,
			c.Username, c.Password, c.DB, ttl, c.KeyPrefix, c.KeyFunction, version, maxEntries, cull, set,
			c.Lib, optName, optValue)
	}
	f.Fuzz(func(t *testing.T, scheme, backend, topology, hosts, socket, path, master, username, password string,
		db int, ttl int64, keyPrefix, keyFunction string, version, maxEntries, cullFrequency int, set uint8,
		lib, optName, optValue string) {
		total := len(scheme) + len(backend) + len(topology) + len(hosts) + len(socket) + len(path) + len(master) +
			len(username) + len(password) + len(keyPrefix) + len(keyFunction) + len(lib) + len(optName) + len(optValue)
		if total > maxFuzzInput {
			t.Skip()
		}
		c := core.Config{
			Scheme: scheme, Backend: core.Backend(backend), TLS: set&8 != 0, Topology: core.Topology(topology),
			Socket: socket, Path: path,
			Master: master, Username: username, Password: password, DB: db,
			KeyPrefix: keyPrefix, KeyFunction: keyFunction, Lib: lib,
		}
		if hosts != "" {
			c.Hosts = strings.Split(hosts, ",")
		}
		switch {
		case ttl == -1:
			c.TTL = core.NeverExpire
		case ttl >= 0:
			c.TTL = core.TTLSeconds(ttl % (core.MaxTTLSeconds + 1))
		}
		if set&1 != 0 {
			c.Version = &version
		}
		if set&2 != 0 {
			c.MaxEntries = &maxEntries
		}
		if set&4 != 0 {
			c.CullFrequency = &cullFrequency
		}
		if optName != "" {
			c.Options = map[string]string{optName: optValue}
		}
		checkStructured(t, c)
	})
}

// checkStructured checks Format and Normalize on an arbitrary config c.
func checkStructured(t *testing.T, c core.Config) {
	t.Helper()
	orig := cloneConfig(c)
	// Neither may panic, whatever c holds, nor modify c.
	_ = core.Format(c)
	red := c.Redacted()
	_ = c.String()
	_ = c.LogValue().Resolve().String()

	pw := c.Password
	if text := shownSecret(red, cloneWith(c, dummySecret).Redacted(), pw); text != "" {
		t.Fatalf("Redacted() of %s shows the password as %q: %s", fields(c), text, red)
	}

	n, err := c.Normalize()
	if !reflect.DeepEqual(c, orig) {
		t.Fatalf("Normalize modified its receiver: %s -> %s", fields(orig), fields(c))
	}
	if err != nil {
		secret := ""
		if len(pw) >= 6 {
			if _, err2 := cloneWith(c, dummySecret).Normalize(); err2 == nil || !containsAny(err2.Error(), encodings(pw)) {
				secret = pw
			}
		}
		if msg := checkError(err, secret); msg != "" {
			t.Fatalf("Normalize(%s): %s", fields(c), msg)
		}
		return
	}

	u := core.Format(n)
	p, err := core.Parse(u)
	if err != nil || !reflect.DeepEqual(p, n) {
		t.Fatalf("Normalize(%s) = %s, but Parse(Format(n) = %q) = %s, %v", fields(c), fields(n), u, fields(p), err)
	}
	if n2, err := n.Normalize(); err != nil || !reflect.DeepEqual(n2, n) {
		t.Fatalf("Normalize is not idempotent on %s: %s, %v", fields(n), fields(n2), err)
	}
	if !strings.EqualFold(n.Scheme, c.Scheme) {
		t.Fatalf("Normalize changed the scheme %q to %q", c.Scheme, n.Scheme)
	}

	// What the value said must survive: a field that was set keeps its
	// value, and a field that was not set stays unset unless an option of
	// the same name gave it (options.timeout=5 may become the ttl).
	optionGave := func(names ...string) bool {
		for k, v := range c.Options {
			for _, name := range names {
				if v != "" && strings.ToLower(k) == name {
					return true
				}
			}
		}
		return false
	}
	kept := []struct {
		what      string
		got, want any
		wasSet    bool
		params    []string
	}{
		{"username", n.Username, c.Username, c.Username != "", nil},
		{"password", n.Password, c.Password, c.Password != "", nil},
		{"socket", n.Socket, c.Socket, c.Socket != "", nil},
		{"db", n.DB, c.DB, c.DB != 0, []string{"db"}},
		{"master", n.Master, c.Master, c.Master != "", []string{"master_name"}},
		{"ttl", n.TTL, c.TTL, c.TTL.IsSet(), []string{"timeout", "ttl"}},
		{"key_prefix", n.KeyPrefix, c.KeyPrefix, c.KeyPrefix != "", []string{"key_prefix"}},
		{"key_function", n.KeyFunction, c.KeyFunction, c.KeyFunction != "", []string{"key_function"}},
		{"version", n.Version, c.Version, c.Version != nil, []string{"version"}},
		{"max_entries", n.MaxEntries, c.MaxEntries, c.MaxEntries != nil, []string{"max_entries"}},
		{"cull_frequency", n.CullFrequency, c.CullFrequency, c.CullFrequency != nil, []string{"cull_frequency"}},
		{"lib", n.Lib, c.Lib, c.Lib != "", []string{"lib"}},
	}
	for _, k := range kept {
		if reflect.DeepEqual(k.got, k.want) || !k.wasSet && optionGave(k.params...) {
			continue
		}
		t.Fatalf("Normalize(%s) changed %s from %#v to %#v: %s", fields(c), k.what, k.want, k.got, fields(n))
	}
	switch {
	case c.Path == n.Path:
	case c.Path == "" && n.Backend == core.BackendUWSGI && n.Path == "default":
	default:
		t.Fatalf("Normalize(%s) changed the path %q to %q", fields(c), c.Path, n.Path)
	}
	switch {
	case len(c.Hosts) == len(n.Hosts):
	case len(c.Hosts) == 0 && n.Backend == core.BackendRedis && len(n.Hosts) == 1 && strings.HasPrefix(n.Hosts[0], "localhost:"):
	default:
		t.Fatalf("Normalize(%s) changed the hosts %q to %q", fields(c), c.Hosts, n.Hosts)
	}
	for k, v := range c.Options {
		name := strings.ToLower(k)
		if v == "" || isCacheArg(name) {
			continue
		}
		if got, ok := n.Options[name]; !ok || got != v {
			t.Fatalf("Normalize(%s) changed option %q=%q to %q (present %v): %s", fields(c), k, v, got, ok, fields(n))
		}
	}
	if len(n.Options) > len(c.Options) {
		t.Fatalf("Normalize(%s) added options: %s", fields(c), fields(n))
	}
}

// cloneWith returns c with its password replaced by pw (when it has one).
func cloneWith(c core.Config, pw string) core.Config {
	r := cloneConfig(c)
	if r.Password != "" {
		r.Password = pw
	}
	return r
}

// fields prints every field of c, password included (test data).
func fields(c core.Config) string {
	deref := func(p *int) any {
		if p == nil {
			return nil
		}
		return *p
	}
	return fmt.Sprintf("{Scheme:%q Backend:%q TLS:%v Topology:%q Master:%q Hosts:%q Socket:%q Path:%q "+
		"Username:%q Password:%q DB:%d TTL:%q KeyPrefix:%q Version:%v KeyFunction:%q MaxEntries:%v "+
		"CullFrequency:%v Lib:%q Options:%q}",
		c.Scheme, c.Backend, c.TLS, c.Topology, c.Master, c.Hosts, c.Socket, c.Path,
		c.Username, c.Password, c.DB, c.TTL.String(), c.KeyPrefix, deref(c.Version), c.KeyFunction, deref(c.MaxEntries),
		deref(c.CullFrequency), c.Lib, c.Options)
}

// FuzzDjango renders every URL Parse accepts as the Django CACHES entry
// (docs/django.md): Django must not panic; every accepted URL renders, except
// sentinel and cluster URLs, which give ErrNotExpressible; the view is
// JSON-encodable; the view of c.Redact() does not show a secret.
func FuzzDjango(f *testing.F) {
	fuzzText(f, func(in string) string {
		c, err := core.Parse(in)
		if err != nil {
			return ""
		}
		if msg := checkDjango(c); msg != "" {
			return fmt.Sprintf("Parse(%q): %s", in, msg)
		}
		return ""
	})
}

// fuzzText fuzzes check, seeded with the vector URLs, on inputs of up to
// maxFuzzInput bytes, each under the watchdog; check returns what is wrong
// with in, or "".
func fuzzText(f *testing.F, check func(in string) string) {
	for _, u := range vectorURLs(f) {
		f.Add(u)
	}
	f.Fuzz(func(t *testing.T, in string) {
		if len(in) > maxFuzzInput {
			t.Skip()
		}
		defer watchdog(in).Stop()
		if msg := check(in); msg != "" {
			t.Fatal(msg)
		}
	})
}

// checkDjango checks the Django view of an accepted config c; it returns
// what is wrong, or "".
func checkDjango(c core.Config) string {
	before := cloneConfig(c)
	view, err := c.Django()
	if !reflect.DeepEqual(c, before) {
		return "Django modified its receiver"
	}
	if c.Topology == core.Sentinel || c.Topology == core.Cluster {
		if !errors.Is(err, core.ErrNotExpressible) {
			return fmt.Sprintf("Django() of a %s config = %v, want an ErrNotExpressible error", c.Topology, err)
		}
		pw := ""
		if len(c.Password) >= 6 {
			if _, err2 := cloneWith(c, dummySecret).Django(); err2 == nil || !containsAny(err2.Error(), encodings(c.Password)) {
				pw = c.Password
			}
		}
		return checkError(err, pw, core.ErrNotExpressible)
	}
	if err != nil {
		return fmt.Sprintf("Django() failed on an accepted config: %v", err)
	}
	if b, ok := view["BACKEND"].(string); !ok || b == "" {
		return fmt.Sprintf("Django() BACKEND = %#v, want a class name", view["BACKEND"])
	}
	switch loc := view["LOCATION"].(type) {
	case string:
	case []string:
		if c.Backend != core.BackendRedis || len(loc) != len(c.Hosts) || len(loc) < 2 {
			return fmt.Sprintf("Django() LOCATION = %q, a list for %d hosts", loc, len(c.Hosts))
		}
	default:
		return fmt.Sprintf("Django() LOCATION = %#v, want a string or a list of URLs", view["LOCATION"])
	}
	if _, err := json.Marshal(view); err != nil {
		return fmt.Sprintf("json.Marshal(Django()): %v", err)
	}
	rview, err := c.Redact().Django()
	if err != nil {
		return fmt.Sprintf("Django() of Redact() failed: %v", err)
	}
	rjson, _ := json.Marshal(rview)
	for _, s := range secretsOf(c) {
		dview, err := s.replace(c).Redact().Django()
		if err != nil {
			continue
		}
		djson, _ := json.Marshal(dview)
		if text := shownSecret(string(rjson), string(djson), s.value); text != "" {
			return fmt.Sprintf("Django() of Redact() shows the %s as %q: %s", s.what, text, rjson)
		}
	}
	return ""
}
