package fuzz

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"testing"

	"github.com/cacheurl/cacheurl/core"
	"github.com/cacheurl/cacheurl/koanfprovider"
	"github.com/cacheurl/cacheurl/viperhook"
	"github.com/go-viper/mapstructure/v2"
)

// marshalSurfaces turns on the json.Marshal, MarshalText and nested slog
// JSON surfaces of FuzzLeak. Config's MarshalJSON and MarshalText redact by
// default (docs/secrets.md; core.Reveal is the explicit opt-in); set it to
// false only to look at the other surfaces alone.
const marshalSurfaces = true

// leakCase is a URL built from its parts, so the password is known by
// construction and is never found in the URL by the parser's own split.
type leakCase struct {
	scheme, user, password, hosts, path, query string
	// mode: bits 0-1 how the password is written (0 raw, 1 escaped by
	// docs/grammar.md's canonical rule, 2 escaped but for the delimiters
	// @ / ? # : that people forget, 3 escaped with lower-case hex); bit 2
	// the username keeps a raw '@' (an e-mail address); bit 3 the password
	// is the value of a credential option instead of the userinfo, and
	// bits 4-7 pick the option's name; without bit 3, bits 4-7 from 1 to 5
	// pick a mistyped separator after the scheme (typoSeparators).
	mode uint8
}

// typoSeparators are what may follow the scheme instead of "://" (index 0):
// three slashes before the userinfo (redis:///:pw@host), and the
// separators the parser suggests "://" for.
var typoSeparators = []string{"://", ":///", "//", ":/", ":", "/"}

// separator is what build writes after the scheme.
func (lc leakCase) separator() string {
	if n := int(lc.mode >> 4); lc.mode&8 == 0 && n < len(typoSeparators) {
		return typoSeparators[n]
	}
	return "://"
}

var credentialNames = []string{"password", "sentinel_password", "token", "auth", "x_api_key"}

// build returns the URL and the written password's start and end in it.
func (lc leakCase) build() (url string, start, end int) {
	var b strings.Builder
	b.WriteString(lc.scheme)
	b.WriteString(lc.separator())
	written := lc.written()
	inQuery := lc.mode&8 != 0
	if !inQuery && (lc.user != "" || lc.password != "") {
		user := specEscape(lc.user, false)
		if lc.mode&4 != 0 {
			user = strings.ReplaceAll(user, "%40", "@")
		}
		b.WriteString(user)
		if lc.password != "" {
			b.WriteByte(':')
			start = b.Len()
			b.WriteString(written)
			end = b.Len()
		}
		b.WriteByte('@')
	}
	b.WriteString(sanitizeHosts(lc.hosts))
	if lc.path != "" {
		b.WriteByte('/')
		b.WriteString(strings.NewReplacer("?", "", "#", "").Replace(lc.path))
	}
	q := strings.ReplaceAll(lc.query, "#", "")
	if inQuery {
		if q != "" {
			q += "&"
		}
		q += credentialNames[int(lc.mode>>4)%len(credentialNames)] + "="
	}
	if q != "" {
		b.WriteByte('?')
		b.WriteString(q)
	}
	if inQuery {
		start = b.Len()
		b.WriteString(written)
		end = b.Len()
	}
	return b.String(), start, end
}

// written is the password as it is written in the URL.
func (lc leakCase) written() string {
	pw := lc.password
	switch lc.mode & 3 {
	case 1:
		return specEscape(pw, false)
	case 2:
		return strings.NewReplacer("%40", "@", "%2F", "/", "%3F", "?", "%23", "#", "%3A", ":").Replace(specEscape(pw, false))
	case 3:
		e := []byte(specEscape(pw, false))
		for i := 0; i+2 < len(e); i++ {
			if e[i] == '%' {
				e[i+1], e[i+2] = lowerHex(e[i+1]), lowerHex(e[i+2])
				i += 2
			}
		}
		return string(e)
	}
	return pw
}

// sanitizeHosts keeps the host list a host list: no '@', '/', '?', '#'
// (those would move the password's place in the URL).
func sanitizeHosts(h string) string {
	return strings.Map(func(r rune) rune {
		if strings.ContainsRune("@/?#", r) {
			return -1
		}
		return r
	}, h)
}

// rotate changes every letter and digit of s, keeping its shape: its
// delimiters, its valid %XX escapes and the class of each byte (hex letters
// stay hex letters). A URL with the password rotated is the same URL but for
// the secret, so text that shows up for both is fixed text, not a leak.
func rotate(s string) string {
	b := []byte(s)
	for i := 0; i < len(b); i++ {
		c := b[i]
		switch {
		case c == '%' && i+2 < len(b) && isHexByte(b[i+1]) && isHexByte(b[i+2]):
			i += 2
		case 'a' <= c && c <= 'f':
			b[i] = 'a' + (c-'a'+3)%6
		case 'A' <= c && c <= 'F':
			b[i] = 'A' + (c-'A'+3)%6
		case 'g' <= c && c <= 'z':
			b[i] = 'g' + (c-'g'+10)%20
		case 'G' <= c && c <= 'Z':
			b[i] = 'G' + (c-'G'+10)%20
		case '0' <= c && c <= '9':
			b[i] = '0' + (c-'0'+5)%10
		}
	}
	return string(b)
}

func lowerHex(c byte) byte {
	if 'A' <= c && c <= 'F' {
		return c + 'a' - 'A'
	}
	return c
}

func isHexByte(c byte) bool {
	return '0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F'
}

// pctDecode decodes the valid %XX escapes of s (and '+' when form).
func pctDecode(s string, form bool) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		switch {
		case s[i] == '%' && i+2 < len(s) && isHexByte(s[i+1]) && isHexByte(s[i+2]):
			b.WriteByte(byte(unhexByte(s[i+1])<<4 | unhexByte(s[i+2])))
			i += 2
		case s[i] == '+' && form:
			b.WriteByte(' ')
		default:
			b.WriteByte(s[i])
		}
	}
	return b.String()
}

func unhexByte(c byte) byte {
	switch {
	case c <= '9':
		return c - '0'
	case c <= 'F':
		return c - 'A' + 10
	}
	return c - 'a' + 10
}

func containsFold(s, sub string) bool {
	return strings.Contains(strings.ToLower(s), strings.ToLower(sub))
}

// leakApp is an application config holding a cache config, as a service
// logs or marshals it.
type leakApp struct {
	Name  string
	Cache core.Config
}

// noTime drops slog's time attribute: the output must depend on the URL
// only (a timestamp holds digits that a password may hold too).
var noTime = &slog.HandlerOptions{ReplaceAttr: func(groups []string, a slog.Attr) slog.Attr {
	if len(groups) == 0 && a.Key == slog.TimeKey {
		return slog.Attr{}
	}
	return a
}}

// leakSurfaces is every form that can leave the process by accident, for
// the URL u (configSurfaces has those of hand-made configs): core.RedactText of it, errors of Parse, Normalize, koanf and
// viper, and the printed forms of an accepted config.
func leakSurfaces(u string) map[string]string {
	out := map[string]string{"RedactText": core.RedactText(u)}
	c, err := core.Parse(u)
	if err != nil {
		out["Parse error"] = err.Error()
		var ce *core.Error
		if errors.As(err, &ce) {
			out["Parse error Caret"] = ce.Caret()
			out["Parse error %+v"] = fmt.Sprintf("%+v", *ce)
		}
		var text bytes.Buffer
		slog.New(slog.NewTextHandler(&text, noTime)).Error("parse", "err", err)
		out["slog error"] = text.String()
	} else {
		if _, err := c.Normalize(); err != nil {
			out["Normalize error"] = err.Error()
		}
		app := leakApp{"app", c}
		out["Redacted"] = c.Redacted()
		out["String"] = c.String()
		out["fmt"] = fmt.Sprintf("%v %+v %#v %s", c, c, c, c)
		out["fmt pointer"] = fmt.Sprintf("%v %+v %#v", &c, &c, &c)
		out["fmt nested"] = fmt.Sprintf("%v %+v %#v", app, app, &app)
		var text, js bytes.Buffer
		slog.New(slog.NewTextHandler(&text, noTime)).Info("cache", "cfg", c, "app", app, "ptr", &c)
		slog.New(slog.NewJSONHandler(&js, noTime)).Info("cache", "cfg", c, "ptr", &c)
		out["slog text"] = text.String()
		out["slog JSON"] = js.String()
		if marshalSurfaces {
			// slog's JSON handler marshals a nested struct with
			// encoding/json, so a Config inside it with MarshalJSON.
			var nested bytes.Buffer
			slog.New(slog.NewJSONHandler(&nested, noTime)).Info("cache", "app", app)
			out["slog JSON nested"] = nested.String()
			b, err := json.Marshal(app)
			out["json.Marshal nested"] = string(b) + fmt.Sprint(err)
			b, err = json.Marshal(map[string]any{"cfg": c, "ptr": &c})
			out["json.Marshal"] = string(b) + fmt.Sprint(err)
			b, err = c.MarshalText()
			out["MarshalText"] = string(b) + fmt.Sprint(err)
		}
	}
	if _, err := koanfprovider.Provider(u, ".", koanfprovider.Opt{}).Read(); err != nil {
		out["koanf error"] = err.Error()
	}
	var dst struct{ Cache core.Config }
	dec, err := mapstructure.NewDecoder(&mapstructure.DecoderConfig{DecodeHook: viperhook.Hook(), Result: &dst})
	if err != nil {
		panic(err)
	}
	if err := dec.Decode(map[string]any{"cache": u}); err != nil {
		out["viper error"] = err.Error()
	}
	return out
}

// leakSeeds are passwords holding raw delimiters ('@', '/', '?', '#'),
// typed in the wrong place, and their neighbours, as parts: scheme, username, password, mode, hosts, path, query.
var leakSeeds = []leakCase{
	{"redis", "u", "S3cr@et/Pw9K", "cache:6379", "0", "", 0},
	{"redis", "me@corp.com", "S3cretPw/9K", "cache:6379", "0", "", 4},
	{"redis", "u", "S3cr@et?Pw9K", "cache:6379", "0", "", 0},
	{"redis", "me@corp.com", "S3cretPw?9K", "cache:6379", "0", "", 4},
	{"redis+sentinel", "u", "S3cr@et/Pw9K", "s1:26379", "mymaster", "", 0},
	{"redis+sentinel", "me@corp.com", "S3cretPw?9K", "s1,s2", "mymaster/1", "", 4},
	{"memcached", "u", "S3cr@et/Pw9K", "mc:11211", "", "", 0},
	{"pymemcache", "me@corp.com", "S3cretPw?9K", "mc1,mc2", "", "", 4},
	{"redis", "", "aBj+R6/84Sec=", "host:6379", "0", "", 0},
	{"redis", "u", "S3cretPw#9K", "cache", "0", "", 0},
	{"memcached", "u", "S3cretPw#9K", "cache", "", "", 0},
	{"redis", "u", "S3cr?Tok=Pw9K", "cache:6379", "0", "", 0},
	{"redis", "u", "1234?x=5678", "cache", "0", "", 0},
	{"redis", "u", "TopSecret1", "cache", "0", "timeout=abc", 1},
	{"redis", "u", "Top%zzSecret", "cache", "0", "", 0},
	{"rediss+cluster", "app", "p@ss:w/rd", "n1,n2", "", "", 2},
	{"unix", "", "S3cr/et9K", "", "run/redis.sock", "db=1", 0},
	{"redis", "", "TopSecret1", "cache", "0", "lib=x", 8},
	{"redis", "", "Top#Secret1", "cache", "0", "", 8 | 1<<4},
	{"memcached", "", "Top Secret", "mc", "", "", 3},
	{"locmem", "u", "S3cr@et/Pw9K", "x", "", "", 0},
	// Three slashes before the userinfo, and mistyped separators.
	{"redis", "", "S3cretPw", "127.0.0.1:6379", "2", "", 1 << 4},
	{"memcached", "u", "S3cr/etPw", "mc:11211", "", "", 1 << 4},
	{"unix", "", "S3cretPw", "h", "x", "", 1 << 4},
	{"redis+sentinel", "", "S3cr?etPw", "s1", "mymaster/0", "", 1 << 4},
	{"redis", "", "S3cretPw", "h:6379", "0", "", 2 << 4},
	{"rediss", "app", "S3cr/etPw", "h", "0", "", 3 << 4},
	{"redis", "u", "S3cr?etPw", "h", "0", "", 4 << 4},
	{"memcached", "", "S3cretPw", "mc", "", "key_prefix=a@b", 5 << 4},
}

func FuzzLeak(f *testing.F) {
	schemes := core.Schemes()
	index := map[string]uint8{}
	for i, s := range schemes {
		index[s.Name] = uint8(i)
	}
	for _, s := range leakSeeds {
		f.Add(index[s.scheme], s.user, s.password, s.mode, s.hosts, s.path, s.query)
	}
	f.Fuzz(func(t *testing.T, scheme uint8, user, password string, mode uint8, hosts, path, query string) {
		if len(user)+len(password)+len(hosts)+len(path)+len(query) > maxFuzzInput {
			t.Skip()
		}
		sch := schemes[int(scheme)%len(schemes)]
		lc := leakCase{sch.Name, user, password, hosts, path, query, mode}
		defer watchdog(lc).Stop()
		checkConfigLeak(t, lc)
		if sch.Backend == core.BackendFile && mode&8 == 0 {
			return // file:// has no userinfo: its authority is part of the directory
		}
		checkLeak(t, lc)
	})
}

// checkLeak builds the URL of lc and checks that no surface shows the
// password (as meant, as written, escaped, or decoded), where the password
// is 4 bytes or more, is not the redaction marker and occurs nowhere else in
// the URL; and, for a password with a raw '/' and no other delimiter, no
// run of 4 or more letters and digits of it either.
func checkLeak(t *testing.T, lc leakCase) {
	t.Helper()
	u, start, end := lc.build()
	if end <= start {
		return
	}
	written := u[start:end]
	if lc.mode&8 != 0 {
		if i := strings.IndexByte(written, '&'); i >= 0 && strings.IndexByte(written[i:], '=') >= 0 {
			// A raw "&name=" in a query value starts another parameter: the
			// URL means something else, and the rest is not a secret.
			return
		}
	}
	other := u[:start] + "\x00" + u[end:]
	elsewhere := func(s string) bool {
		return containsFold(other, s) || containsFold(pctDecode(other, false), s) || containsFold(pctDecode(other, true), s)
	}
	var needles []string
	for _, n := range []string{lc.password, written, specEscape(lc.password, false), pctDecode(written, lc.mode&8 != 0)} {
		if len(n) >= 4 && n != core.Redacted && !strings.EqualFold(n, core.Redacted) && !elsewhere(n) {
			needles = append(needles, n)
		}
	}
	if lc.mode&3 == 0 && lc.mode&8 == 0 && strings.Contains(lc.password, "/") && !strings.ContainsAny(lc.password, "?#&=%+ \t\r\n") {
		for _, piece := range strings.FieldsFunc(lc.password, func(r rune) bool {
			return !('a' <= r && r <= 'z' || 'A' <= r && r <= 'Z' || '0' <= r && r <= '9')
		}) {
			if len(piece) >= 4 && !elsewhere(piece) {
				needles = append(needles, piece)
			}
		}
	}
	if len(needles) == 0 {
		return
	}
	if c, err := core.Parse(u); err == nil && (lc.separator() == "://" || lc.separator() == ":///" && atInQuery(u)) {
		// Accepted: the printed forms must hide the password only if the
		// URL has it as the password. A raw '?' and a name=value after it
		// (redis://h:1?x=y@z, or redis:///:p?x=y@z after three slashes)
		// make another valid URL, in which the text is a port, a socket path
		// and an option, not a secret. Errors have no such excuse, nor has a
		// userinfo typed after three slashes whose '@' is not in the query
		// (redis:///:pw@h), which must not become a socket path or a name
		// that shows it.
		got := c.Password
		if lc.mode&8 != 0 {
			got = c.Options[credentialNames[int(lc.mode>>4)%len(credentialNames)]]
		}
		if got != pctDecode(written, lc.mode&8 != 0) {
			return
		}
	}
	rotated := func() map[string]string {
		rot := lc
		rot.password = rotate(lc.password)
		ru, _, _ := rot.build()
		return leakSurfaces(ru)
	}
	if name, n, text := firstLeak(needles, leakSurfaces(u), rotated); name != "" {
		t.Fatalf("%s of %q shows the password %q (%q):\n%s", name, u, lc.password, n, text)
	}
}

// atInQuery reports whether the last '@' of u comes after its first '?':
// in a query field, where name=value@text is a valid option value.
func atInQuery(u string) bool {
	q := strings.IndexByte(u, '?')
	return q >= 0 && strings.LastIndexByte(u, '@') > q
}

// firstLeak returns the first of surfaces (by name) that shows one of
// needles, and the needle and the text, or "" when none does. A needle
// that the same surface of baseline() shows too (the surfaces of the same
// input with the password rotated, computed at most once) is fixed text,
// not the secret.
func firstLeak(needles []string, surfaces map[string]string, baseline func() map[string]string) (name, needle, text string) {
	var base map[string]string
	for _, n := range needles {
		for name, text := range surfaces {
			if !containsFold(text, n) {
				continue
			}
			if base == nil {
				base = baseline()
			}
			if !containsFold(base[name], n) {
				return name, n, text
			}
		}
	}
	return "", "", ""
}

// TestLeakSeeds runs the seeds' checks as a plain test, and checks that
// the oracle sees a leak when there is one.
func TestLeakSeeds(t *testing.T) {
	for _, s := range leakSeeds {
		checkLeak(t, s)
	}
	if got := rotate("aZ9%41/g-Fz"); got != "dP4%41/q-Cp" {
		t.Errorf("rotate = %q", got)
	}
	lc := leakCase{scheme: "redis", user: "u", password: "S3cr@et/Pw9K", hosts: "cache", path: "0"}
	u, start, end := lc.build()
	if want := "redis://u:S3cr@et/Pw9K@cache/0"; u != want || u[start:end] != lc.password {
		t.Errorf("build = %q [%d:%d], want %q", u, start, end, want)
	}
	lc = leakCase{scheme: "redis", password: "a b/c", hosts: "h", query: "x=1", mode: 8 | 1 | 2<<4}
	if u, _, _ := lc.build(); u != "redis://h?x=1&token=a%20b%2Fc" {
		t.Errorf("build = %q", u)
	}
	lc = leakCase{scheme: "redis", password: "S3cretPw", hosts: "h:6379", path: "2", mode: 1 << 4}
	if u, start, end := lc.build(); u != "redis:///:S3cretPw@h:6379/2" || u[start:end] != lc.password {
		t.Errorf("build = %q [%d:%d]", u, start, end)
	}
}
