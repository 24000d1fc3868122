package fuzz

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

	"github.com/cacheurl/cacheurl/core"
	"github.com/leanovate/gopter"
	"github.com/leanovate/gopter/gen"
	"github.com/leanovate/gopter/prop"
)

var (
	flagSeed  = flag.Int64("gopter.seed", 0, "seed of the gopter properties (0: a time-based seed, printed by -v and on failure)")
	flagCases = flag.Int("gopter.cases", 10000, "successful cases each gopter property needs")
)

// newProperties returns gopter properties with at least -gopter.cases
// (10,000) successful cases each, seeded by -gopter.seed, reporting through
// t.Log.
func newProperties(t *testing.T) *gopter.Properties {
	t.Helper()
	params := gopter.DefaultTestParameters()
	if *flagSeed != 0 {
		params.SetSeed(*flagSeed)
	}
	params.MinSuccessfulTests = *flagCases
	params.MaxShrinkCount = 200
	t.Logf("gopter seed %d (rerun with -gopter.seed=%d), %d cases per property", params.Seed(), params.Seed(), params.MinSuccessfulTests)
	return gopter.NewProperties(params)
}

// run runs props and reports through t.
func run(t *testing.T, props *gopter.Properties) {
	t.Helper()
	props.TestingRun(t, gopter.NewFormatedReporter(true, 120, testWriter{t}))
}

// testWriter sends gopter's report to t.Log.
type testWriter struct{ t *testing.T }

func (w testWriter) Write(b []byte) (int, error) {
	w.t.Log(strings.TrimRight(string(b), "\n"))
	return len(b), nil
}

// show prints a config for a failure message: its URL and its fields,
// password included (generated test data).
func show(c core.Config) string {
	return fmt.Sprintf("URL %q\n     fields %s", core.Format(c), fields(c))
}

// TestRoundTripProperties checks the round trips of docs/grammar.md on generated
// canonical configs of every family: Parse(Format(c)) == c and Format is a
// fixed point (the main property); Normalize is the identity and fills the
// derived fields; the text and JSON (un)marshalers agree with Parse and
// Format; Redacted is the URL of Redact; the Django view renders. Each
// property checks several things on one generated value, so that 10,000
// cases each stay fast under -race.
func TestRoundTripProperties(t *testing.T) {
	t.Parallel()
	props := newProperties(t)
	props.Property("Parse(Format(c)) == c, and Format(Parse(Format(c))) == Format(c)", prop.ForAll(checkRoundTrip, genConfig()))
	props.Property("Normalize is the identity and fills derived fields; text and JSON marshalling round-trip", prop.ForAll(checkCodecs, genConfig()))
	props.Property("Parse(c.Redacted()) == c.Redact(), or a redacted copy is rejected; Django view renders or is not expressible", prop.ForAll(checkRedactAndDjango, genConfig()))
	run(t, props)
}

// checkRoundTrip is the main property of docs/grammar.md.
func checkRoundTrip(c core.Config) string {
	u := core.Format(c)
	got, err := core.Parse(u)
	if err != nil {
		return fmt.Sprintf("Parse(Format(c)) failed: %v\n%s", err, show(c))
	}
	if !reflect.DeepEqual(got, c) {
		return fmt.Sprintf("Parse(Format(c)) != c\nwant %s\ngot  %s", show(c), show(got))
	}
	if again := core.Format(got); again != u {
		return fmt.Sprintf("Format is not a fixed point:\n%q\n%q", u, again)
	}
	return ""
}

// checkCodecs checks Normalize, MarshalText/UnmarshalText and
// MarshalJSON/UnmarshalJSON (object and URL string) on a canonical config:
// lossless through core.Reveal, redacted by default.
func checkCodecs(c core.Config) string {
	if n, err := c.Normalize(); err != nil || !reflect.DeepEqual(n, c) {
		return fmt.Sprintf("Normalize changed a canonical config (err %v)\nwant %s\ngot  %s", err, show(c), show(n))
	}
	bare := stripDerived(c)
	if n, err := bare.Normalize(); err != nil || !reflect.DeepEqual(n, c) {
		return fmt.Sprintf("Normalize(%s): %v\nwant %s\ngot  %s", fields(bare), err, show(c), show(n))
	}

	b, err := core.Reveal(c).MarshalText()
	if err != nil || string(b) != core.Format(c) {
		return fmt.Sprintf("Reveal(c).MarshalText = %q, %v; want Format(c)\n%s", b, err, show(c))
	}
	var fromText core.Config
	if err := fromText.UnmarshalText(b); err != nil || !reflect.DeepEqual(fromText, c) {
		return fmt.Sprintf("UnmarshalText(%q): %v\nwant %s\ngot  %s", b, err, show(c), show(fromText))
	}
	if rb, err := c.MarshalText(); err != nil || string(rb) != c.Redacted() {
		return fmt.Sprintf("MarshalText = %q, %v; want Redacted()\n%s", rb, err, show(c))
	}
	rj, err := json.Marshal(c)
	if want, _ := json.Marshal(core.Reveal(c.Redact())); err != nil || string(rj) != string(want) {
		return fmt.Sprintf("json.Marshal(c) = %s, %v; want json.Marshal(Reveal(c.Redact())) %s\n%s", rj, err, want, show(c))
	}

	j, err := json.Marshal(core.Reveal(c))
	if err != nil {
		return fmt.Sprintf("json.Marshal(Reveal(c)): %v\n%s", err, show(c))
	}
	var fromJSON core.Config
	if err := json.Unmarshal(j, &fromJSON); err != nil || !reflect.DeepEqual(fromJSON, c) {
		return fmt.Sprintf("JSON object round trip via %s: %v\nwant %s\ngot  %s", j, err, show(c), show(fromJSON))
	}
	s, _ := json.Marshal(core.Format(c))
	var fromURL core.Config
	if err := json.Unmarshal(s, &fromURL); err != nil || !reflect.DeepEqual(fromURL, c) {
		return fmt.Sprintf("JSON URL string round trip via %s: %v\nwant %s\ngot  %s", s, err, show(c), show(fromURL))
	}
	return ""
}

// checkRedactAndDjango checks that Redact leaves c alone, the redacted URL
// (checkRedactedURL), and the Django view (checkDjango).
func checkRedactAndDjango(c core.Config) string {
	before := cloneConfig(c)
	_ = c.Redact()
	if !reflect.DeepEqual(c, before) {
		return "Redact modified its receiver: " + show(before)
	}
	if msg := checkRedactedURL(c); msg != "" {
		return msg
	}
	if msg := checkDjango(c); msg != "" {
		return msg + "\n" + show(c)
	}
	return ""
}

// The redaction marker is rejected as a password and as a credential
// option (docs/grammar.md), so that a redacted copy fed back in fails.
var (
	markerPasswordRejected = rejects("redis://:" + core.Redacted + "@h/0")
	markerOptionRejected   = rejects("redis://h/0?sentinel_password=" + core.Redacted)
)

func rejects(u string) bool {
	_, err := core.Parse(u)
	return err != nil
}

// checkRedactedURL checks c.Redacted(), the URL of c.Redact(): with a
// secret it is a redacted copy, which Parse rejects with an error that does
// not show the secret; without one it parses to c.Redact() (= c).
func checkRedactedURL(c core.Config) string {
	r := c.Redact()
	credOption := false
	for k := range c.Options {
		credOption = credOption || core.IsCredentialOption(k)
	}
	got, err := core.Parse(c.Redacted())
	if c.Password != "" && markerPasswordRejected || credOption && markerOptionRejected {
		if err == nil {
			return fmt.Sprintf("Parse(c.Redacted()) accepted a redacted copy: %s\n%s", show(got), show(c))
		}
		// The input is the redacted copy: the password can only show if the
		// error says something that is not in that input (a password that
		// is also a host name, or a word of the message, is not a leak).
		if len(c.Password) >= 4 && strings.Contains(err.Error(), c.Password) &&
			!strings.Contains(c.Redacted(), c.Password) {
			return fmt.Sprintf("Parse(c.Redacted()): %v shows the password\n%s", err, show(c))
		}
		return ""
	}
	if err != nil || !reflect.DeepEqual(got, r) {
		return fmt.Sprintf("Parse(c.Redacted()) != c.Redact() (err %v)\nwant %s\ngot  %s", err, show(r), show(got))
	}
	return ""
}

// stripDerived returns c as a user might write it in a config file: the
// scheme in upper case, no backend, tls or topology, redis hosts without
// their default port, and no uwsgi name when it is "default".
func stripDerived(c core.Config) core.Config {
	s := cloneConfig(c)
	s.Scheme = strings.ToUpper(s.Scheme)
	s.Backend, s.TLS, s.Topology = "", false, ""
	if c.Backend == core.BackendRedis {
		def := ":6379"
		if c.Topology == core.Sentinel {
			def = ":26379"
		}
		for i, h := range s.Hosts {
			s.Hosts[i] = strings.TrimSuffix(h, def)
		}
	}
	if c.Backend == core.BackendUWSGI && c.Path == "default" {
		s.Path = ""
	}
	return s
}

// printedForms returns the forms of c meant for people and logs: Redacted
// (= String), the fmt verbs (also through a pointer and inside a struct),
// slog's JSON handler (LogValue, and MarshalJSON inside a struct), and the
// default MarshalJSON and MarshalText (also inside a struct).
func printedForms(c core.Config) map[string]string {
	type appConfig struct {
		Name  string
		Cache core.Config
	}
	var jsonLog bytes.Buffer
	// No time attribute: the output must depend on c only.
	noTime := func(groups []string, a slog.Attr) slog.Attr {
		if len(groups) == 0 && a.Key == slog.TimeKey {
			return slog.Attr{}
		}
		return a
	}
	slog.New(slog.NewJSONHandler(&jsonLog, &slog.HandlerOptions{ReplaceAttr: noTime})).Info("cache", "config", c, "ptr", &c)
	app := appConfig{"app", c}
	slog.New(slog.NewJSONHandler(&jsonLog, &slog.HandlerOptions{ReplaceAttr: noTime})).Info("app", "app", app)
	marshal := func(v any) string {
		b, err := json.Marshal(v)
		if err != nil {
			return err.Error()
		}
		return string(b)
	}
	text, err := c.MarshalText()
	if err != nil {
		text = []byte(err.Error())
	}
	return map[string]string{
		"Redacted":                    c.Redacted(),
		"%v %+v %#v %s %q":            fmt.Sprintf("%v %+v %#v %s %q", c, c, c, c, c),
		"pointer %v %#v":              fmt.Sprintf("%v %#v", &c, &c),
		"in a struct %+v %#v":         fmt.Sprintf("%+v %#v", app, app),
		"slog JSON handler (+nested)": jsonLog.String(),
		"json.Marshal(Redact())":      marshal(c.Redact()),
		"json.Marshal":                marshal(c),
		"json.Marshal in a struct":    marshal(app),
		"MarshalText":                 string(text),
	}
}

// corruption turns the canonical URL of a config with a secret into a URL
// that Parse must reject, with the kind of error docs/grammar.md gives for it (nil:
// any kind; mayParse: the URL may also be accepted).
type corruption struct {
	name     string
	apply    func(c core.Config, u string) string
	kinds    []*core.Kind
	mayParse bool
}

// appendParam adds a raw name=value to the query of u.
func appendParam(u, param string) string {
	if strings.Contains(u, "?") {
		return u + "&" + param
	}
	return u + "?" + param
}

// atSecret inserts s into u just before (before) or after the first
// occurrence of the secret marker, i.e. inside the password when there is
// one, else inside a credential option value.
func atSecret(u, s string, before bool) string {
	i := strings.Index(u, secretMarker)
	if !before {
		i += len(secretMarker)
	}
	return u[:i] + s + u[i:]
}

var corruptions = []corruption{
	{
		name:  "unknown scheme (docs/grammar.md)",
		apply: func(c core.Config, u string) string { return "nosuchcache" + strings.TrimPrefix(u, c.Scheme) },
		kinds: []*core.Kind{core.ErrUnknownScheme},
	},
	{
		name:  "invalid version value (docs/grammar.md)",
		apply: func(c core.Config, u string) string { return appendParam(u, "version=notanumber") },
		// With a version already given, the duplicate may be reported first.
		kinds: []*core.Kind{core.ErrInvalidParameter, core.ErrDuplicateParameter},
	},
	{
		name:  "timeout and ttl both given (docs/grammar.md)",
		apply: func(c core.Config, u string) string { return appendParam(u, "TIMEOUT=1&ttl=2") },
		kinds: []*core.Kind{core.ErrDuplicateParameter},
	},
	{
		name:  "reserved parameter (docs/grammar.md)",
		apply: func(c core.Config, u string) string { return appendParam(u, "backend=x") },
		kinds: []*core.Kind{core.ErrReservedParameter},
	},
	{
		name: "input too long (docs/grammar.md)",
		apply: func(c core.Config, u string) string {
			return appendParam(u, "filler="+strings.Repeat("a", core.MaxLength))
		},
		kinds: []*core.Kind{core.ErrTooLong},
	},
	{
		name:  "unescaped '#' in the secret (docs/grammar.md)",
		apply: func(c core.Config, u string) string { return atSecret(u, "#", true) },
		kinds: []*core.Kind{core.ErrFragment},
	},
	{
		name:  "control character in the secret (docs/grammar.md)",
		apply: func(c core.Config, u string) string { return atSecret(u, "\x01", false) },
		kinds: []*core.Kind{core.ErrControlCharacter},
	},
	{
		name:  "interior newline in the secret (docs/grammar.md)",
		apply: func(c core.Config, u string) string { return atSecret(u, "\n", true) },
		kinds: []*core.Kind{core.ErrControlCharacter},
	},
	{
		name:  "raw space in the secret",
		apply: func(c core.Config, u string) string { return atSecret(u, " ", true) },
	},
	{
		name:  "invalid percent-escape in the secret (docs/grammar.md)",
		apply: func(c core.Config, u string) string { return atSecret(u, "%G", false) },
	},
	{
		name:     "unescaped '/' in the secret",
		apply:    func(c core.Config, u string) string { return atSecret(u, "/", true) },
		mayParse: true,
	},
	{
		name:     "unescaped '?' in the secret",
		apply:    func(c core.Config, u string) string { return atSecret(u, "?", true) },
		mayParse: true,
	},
}

// TestRedactionProperties checks on generated configs that carry a password
// or a credential option that no printed form shows the secret (the redaction rules
// documented on core.Config), and that errors for URLs with a secret never show it
// (docs/grammar.md, docs/errors.md).
func TestRedactionProperties(t *testing.T) {
	t.Parallel()
	props := newProperties(t)

	props.Property("printed forms never contain the secret", prop.ForAll(func(c core.Config) *gopter.PropResult {
		if !hasSecret(c) || strings.Contains(core.Format(withoutSecrets(c)), secretMarker) {
			return &gopter.PropResult{Status: gopter.PropUndecided} // shrunk to no secret, or the marker is elsewhere
		}
		if !strings.Contains(core.Format(c), secretMarker) {
			return failure("Format(c) lost the secret: " + show(c))
		}
		for form, out := range printedForms(c) {
			if strings.Contains(out, secretMarker) {
				return failure(fmt.Sprintf("%s shows the secret: %s\n%s", form, out, show(c)))
			}
		}
		return &gopter.PropResult{Status: gopter.PropTrue}
	}, genSecretConfig()))

	props.Property("errors never contain the secret", prop.ForAll(func(c core.Config, k int) *gopter.PropResult {
		if !hasSecret(c) || strings.Contains(core.Format(withoutSecrets(c)), secretMarker) {
			return &gopter.PropResult{Status: gopter.PropUndecided} // shrunk to no secret, or the marker is elsewhere
		}
		if msg := checkCorruption(c, corruptions[k]); msg != "" {
			return failure(msg)
		}
		return &gopter.PropResult{Status: gopter.PropTrue}
	}, genSecretConfig(), gen.IntRange(0, len(corruptions)-1)))

	run(t, props)
}

// checkCorruption parses the canonical URL of c corrupted by k and checks
// the error: of the kind k expects, well-formed, without the secret.
func checkCorruption(c core.Config, k corruption) string {
	bad := k.apply(c, core.Format(c))
	_, err := core.Parse(bad)
	if err == nil {
		if k.mayParse {
			return ""
		}
		return fmt.Sprintf("%s: Parse(%q) succeeded", k.name, bad)
	}
	if msg := checkError(err, secretMarker); msg != "" {
		return fmt.Sprintf("%s: Parse(%q): %s", k.name, bad, msg)
	}
	if k.kinds != nil && !isOneOf(err, k.kinds) {
		return fmt.Sprintf("%s: Parse(%q) = %v, want kind %v", k.name, bad, err, k.kinds)
	}
	return ""
}

func failure(label string) *gopter.PropResult {
	return &gopter.PropResult{Status: gopter.PropFalse, Labels: []string{label}}
}

// isOneOf reports whether err matches one of kinds with errors.Is.
func isOneOf(err error, kinds []*core.Kind) bool {
	for _, k := range kinds {
		if errors.Is(err, k) {
			return true
		}
	}
	return false
}

// TestCorruptions runs every corruption of the "errors never contain the
// secret" property on two fixed configs: a redis URL whose only secret is
// the password, and a locmem URL whose only secret is a credential option.
func TestCorruptions(t *testing.T) {
	configs := map[string]core.Config{
		"password": {Scheme: "redis", Backend: core.BackendRedis, Topology: core.Standalone,
			Hosts: []string{"cache:6379"}, Username: "app", Password: "p@ss" + secretMarker + ":/", DB: 1,
			KeyPrefix: "k", Options: map[string]string{"pool_size": "10"}},
		"credential option": {Scheme: "locmem", Backend: core.BackendLocmem, Path: "x",
			Options: map[string]string{"client_class": "a.B", "sentinel_password": "s" + secretMarker}},
	}
	for name, c := range configs {
		for _, k := range corruptions {
			t.Run(name+"/"+k.name, func(t *testing.T) {
				if msg := checkCorruption(c, k); msg != "" {
					t.Error(msg)
				}
			})
		}
	}
}
