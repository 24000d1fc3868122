// Package conformance holds the conformance corpus of structured cache
// values (docs/grammar.md, docs/schema.md and the structured-value rules in
// core.Decode's documentation): YAML documents with a cache: (or caches:)
// key, each with the canonical URL it must give, or the error kind and key
// path. Every front-end (core.Decode, the koanf provider, the viper hook,
// plain mapstructure; the archived mitchellh/mapstructure in the compat
// module) runs the same cases; a difference is a failing test.
//
// The cases are in testdata/cases.yaml, embedded in the package.
package conformance

import (
	"bytes"
	_ "embed"
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/cacheurl/cacheurl/core"
)

//go:embed testdata/cases.yaml
var casesYAML []byte

// Case is one conformance case.
type Case struct {
	// Name is unique, kebab-case.
	Name string `yaml:"name"`
	// Doc is a YAML document with a top-level cache: key (a single cache),
	// caches: (named caches), or neither (a missing cache).
	Doc string `yaml:"doc"`
	// Want is the canonical URL (core.Format) of the cache: value.
	Want string `yaml:"want"`
	// WantNamed is the canonical URL of each named cache of caches:.
	WantNamed map[string]string `yaml:"want_named"`
	// Err is the error kind's code (core.Kind.Code) and Key the key path of
	// the offending value ("cache.ttl", "caches.sessions.hosts[1]").
	Err string `yaml:"err"`
	Key string `yaml:"key"`
	// Why names the rule: "rule 3, cause 1: an empty string is not set".
	Why string `yaml:"why"`
	// Strict means decoding with core.DecodeStrict (a missing value is an
	// error).
	Strict bool `yaml:"strict"`
	// Skip lists front-ends ("core", "koanf", "viper", "mapstructure", ...)
	// that do not pass the case yet, and SkipWhy says why.
	Skip    []string `yaml:"skip"`
	SkipWhy string   `yaml:"skip_why"`
}

// Load returns the cases of testdata/cases.yaml, in file order, after
// checking them: unique kebab-case names, a document that parses, exactly
// one of want, want_named and err, a known error kind with a key path, and
// a why that starts with the rule.
func Load() ([]Case, error) { return Parse(casesYAML) }

var (
	nameRE = regexp.MustCompile(`^[a-z0-9]+(-[a-z0-9]+)*$`)
	// whyRE: "rule N" then optional ", rule M" / ", cause K" parts, then ": text".
	whyRE  = regexp.MustCompile(`^rule [1-7](, (rule [1-7]|cause [1-9]))*: \S`)
	ruleRE = regexp.MustCompile(`\b(rule|cause) ([0-9])\b`)
	keyRE  = regexp.MustCompile(`^caches?(\.[^.\[\]]+|\[[0-9]+\])*$`)
	skipRE = regexp.MustCompile(`^[a-z][a-z0-9-]*$`)
)

// Parse reads and checks cases in the format of testdata/cases.yaml (see
// [Load]).
func Parse(data []byte) ([]Case, error) {
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	var cs []Case
	if err := dec.Decode(&cs); err != nil {
		return nil, fmt.Errorf("conformance: cases.yaml: %w", err)
	}
	codes := map[string]bool{}
	for _, k := range core.Kinds() {
		codes[k.Code()] = true
	}
	seen := map[string]bool{}
	var errs []error
	for i, c := range cs {
		bad := func(format string, args ...any) {
			errs = append(errs, fmt.Errorf("case %d %q: %s", i, c.Name, fmt.Sprintf(format, args...)))
		}
		if !nameRE.MatchString(c.Name) {
			bad("name is not kebab-case")
		}
		if seen[c.Name] {
			bad("name given twice")
		}
		seen[c.Name] = true
		n := 0
		if c.Want != "" {
			n++
		}
		if c.WantNamed != nil {
			n++
		}
		if c.Err != "" {
			n++
		}
		if n != 1 {
			bad("give exactly one of want, want_named and err")
		}
		if c.Err != "" && !codes[c.Err] {
			bad("err %q is not a core kind code", c.Err)
		}
		if (c.Err != "") != (c.Key != "") {
			bad("key goes with err, and err needs a key")
		}
		if c.Key != "" && !keyRE.MatchString(c.Key) {
			bad("key %q is not a key path under cache or caches", c.Key)
		}
		if !whyRE.MatchString(c.Why) {
			bad("why %q does not start with the rule (\"rule 3: ...\", \"rule 5, cause 5: ...\")", c.Why)
		}
		if (len(c.Skip) > 0) != (c.SkipWhy != "") {
			bad("skip and skip_why go together")
		}
		for _, s := range c.Skip {
			if !skipRE.MatchString(s) {
				bad("skip %q is not a front-end name", s)
			}
		}
		doc, err := c.Document()
		if err != nil {
			bad("doc: %v", err)
			continue
		}
		for k := range doc {
			if k != "cache" && k != "caches" {
				bad("doc has top-level key %q; only cache and caches", k)
			}
		}
		_, named := doc["caches"]
		if named && c.Want != "" || !named && c.WantNamed != nil {
			bad("want_named goes with caches:, want with cache:")
		}
		if named && c.Strict {
			bad("strict is for cache:")
		}
		if c.Key != "" && named != strings.HasPrefix(c.Key, "caches") {
			bad("key %q is not under the document's top-level key", c.Key)
		}
	}
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	return cs, nil
}

// Document decodes Doc (an empty document is an empty map).
func (c Case) Document() (map[string]any, error) {
	var m map[string]any
	if err := yaml.Unmarshal([]byte(c.Doc), &m); err != nil {
		return nil, err
	}
	if m == nil {
		m = map[string]any{}
	}
	return m, nil
}

// Named reports whether the case is about named caches (caches:).
func (c Case) Named() bool {
	doc, err := c.Document()
	if err != nil {
		return false
	}
	_, ok := doc["caches"]
	return ok
}

// Skipped reports whether front-end fe is listed in Skip.
func (c Case) Skipped(fe string) bool {
	for _, s := range c.Skip {
		if s == fe {
			return true
		}
	}
	return false
}

// Rules returns the rule numbers (1-7) Why names.
func (c Case) Rules() []int { return c.tagged("rule") }

// Causes returns the numbers (1-9) of the known causes of disagreement
// between front-ends that Why names.
func (c Case) Causes() []int { return c.tagged("cause") }

func (c Case) tagged(kind string) []int {
	head, _, _ := strings.Cut(c.Why, ":")
	var out []int
	for _, m := range ruleRE.FindAllStringSubmatch(head, -1) {
		if m[1] == kind {
			n, _ := strconv.Atoi(m[2])
			out = append(out, n)
		}
	}
	return out
}

// Secrets returns the secret values of the document, which no error message
// may show: the values of password keys and of credential options (as
// text), and the passwords and credential options of URL strings. Values
// shorter than 4 bytes are left out (they would match by accident).
func (c Case) Secrets() []string {
	doc, err := c.Document()
	if err != nil {
		return nil
	}
	var out []string
	add := func(s string) {
		if len(s) >= 4 {
			out = append(out, s)
		}
	}
	var walk func(key string, v any)
	walk = func(key string, v any) {
		switch x := v.(type) {
		case map[string]any:
			for k, e := range x {
				walk(k, e)
			}
			return
		case map[any]any:
			for k, e := range x {
				walk(fmt.Sprint(k), e)
			}
			return
		case []any:
			for _, e := range x {
				walk(key, e)
			}
			return
		}
		if isCredential(key) {
			add(fmt.Sprint(v))
			return
		}
		if s, ok := v.(string); ok && strings.Contains(s, "://") {
			for _, sec := range urlSecrets(s) {
				add(sec)
			}
		}
	}
	walk("", doc)
	return out
}

// isCredential: the password and the credential option names of
// docs/grammar.md's secrets rule.
func isCredential(name string) bool {
	name = strings.ToLower(name)
	for _, w := range []string{"password", "passwd", "pwd", "secret", "token", "auth", "credentials",
		"api_key", "apikey", "access_key", "secret_key", "private_key"} {
		if name == w || strings.HasSuffix(name, "_"+w) {
			return true
		}
	}
	return false
}

// urlSecrets returns the password of a URL string (between the first ':'
// after "://" and the last '@'), and its credential query values.
func urlSecrets(u string) []string {
	var out []string
	_, rest, _ := strings.Cut(u, "://")
	if at := strings.LastIndexByte(rest, '@'); at >= 0 {
		if i := strings.IndexByte(rest[:at], ':'); i >= 0 {
			out = append(out, rest[i+1:at])
		}
	}
	if _, q, ok := strings.Cut(rest, "?"); ok {
		for _, kv := range strings.Split(q, "&") {
			if k, v, ok := strings.Cut(kv, "="); ok && isCredential(k) {
				out = append(out, v)
			}
		}
	}
	return out
}

// MaxMessage bounds the length of every error message (docs/errors.md: a few
// hundred bytes, whatever the input).
const MaxMessage = 400

// Check compares a front-end's result for c with the case's expectation and
// returns what differs, or "" when they agree. got maps each cache name to
// the canonical URL (core.Format) of its config, with "" as the name of the
// single cache: value; err is the front-end's error. An error must match the
// kind with errors.Is and carry the key path in a *core.Error (errors.As);
// every error message must be at most MaxMessage bytes and show none of the
// document's secrets.
func Check(c Case, got map[string]string, err error) string {
	if p := messageProblem(c, err); p != "" {
		return p
	}
	if c.Err != "" {
		if err == nil {
			return fmt.Sprintf("got %v, want a %s error at %s", got, c.Err, c.Key)
		}
		var kind *core.Kind
		var matched []string
		for _, k := range core.Kinds() {
			if k.Code() == c.Err {
				kind = k
			}
			if errors.Is(err, k) {
				matched = append(matched, k.Code())
			}
		}
		var ce *core.Error
		key := "(no *core.Error)"
		if errors.As(err, &ce) {
			key = ce.Key
		}
		switch {
		case !errors.Is(err, kind):
			return fmt.Sprintf("error kind %v at %s, want %s at %s: %v", matched, key, c.Err, c.Key, err)
		case key != c.Key:
			return fmt.Sprintf("error key path %q, want %q (kind %s): %v", key, c.Key, c.Err, err)
		}
		return ""
	}
	if err != nil {
		return fmt.Sprintf("error %v, want %s", err, c.want())
	}
	if c.WantNamed != nil {
		if len(got) != len(c.WantNamed) {
			return fmt.Sprintf("got %v, want %v", got, c.WantNamed)
		}
		for name, w := range c.WantNamed {
			if g, ok := got[name]; !ok || g != w {
				return fmt.Sprintf("got %v, want %v", got, c.WantNamed)
			}
		}
		return ""
	}
	if g := got[""]; len(got) != 1 || g != c.Want {
		return fmt.Sprintf("got %q, want %q", g, c.Want)
	}
	return ""
}

// CheckText is [Check] for a front-end that keeps only an error's text
// (the archived github.com/mitchellh/mapstructure v1 wraps a hook's error as
// a string): an error case must fail, with a message of at most MaxMessage
// bytes that shows none of the document's secrets, whatever its kind and
// key; everything else is checked as Check does.
func CheckText(c Case, got map[string]string, err error) string {
	if c.Err == "" || err == nil {
		return Check(c, got, err)
	}
	return messageProblem(c, err)
}

// messageProblem says what is wrong with err's message, if anything: more
// than MaxMessage bytes, or a secret of c's document in it.
func messageProblem(c Case, err error) string {
	if err == nil {
		return ""
	}
	msg := err.Error()
	if len(msg) > MaxMessage {
		return fmt.Sprintf("error message is %d bytes (more than %d): %.200s...", len(msg), MaxMessage, msg)
	}
	for _, s := range c.Secrets() {
		if strings.Contains(msg, s) {
			return "error message shows a secret of the document: " + strings.ReplaceAll(msg, s, "<SECRET>")
		}
	}
	return ""
}

func (c Case) want() string {
	if c.WantNamed != nil {
		return fmt.Sprint(c.WantNamed)
	}
	return c.Want
}
