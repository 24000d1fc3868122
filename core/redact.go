package core

import (
	"log/slog"
	"slices"
	"sort"
	"strconv"
	"strings"
)

// mergeSpans sorts the (few) spans by start and merges overlapping ones, so
// that no secret is left out because it overlaps another.
func mergeSpans(spans []span) []span {
	for i := 1; i < len(spans); i++ {
		for j := i; j > 0 && spans[j].start < spans[j-1].start; j-- {
			spans[j], spans[j-1] = spans[j-1], spans[j]
		}
	}
	merged := spans[:0]
	for _, sp := range spans {
		if n := len(merged); n > 0 && sp.start <= merged[n-1].end {
			merged[n-1].end = max(merged[n-1].end, sp.end)
			continue
		}
		merged = append(merged, sp)
	}
	return merged
}

// RedactText returns text with every secret it shows replaced by
// [Redacted], the rest as written. It is the one function for text that
// may hold a secret: an input echoed back, valid or not, a message, an
// error's text. The secrets are:
//
//   - in a URL that [Parse] accepts: the password and the values of the
//     credential parameters ([IsCredentialOption]), as written;
//   - in any other text: the likely password of a URL in it, from the first
//     ':' after "://" to the '@' that ends the authority, or to the last '@'
//     of the text when an '@' follows the authority (a password holding a
//     raw '/', '?' or '#'); and the value of every name=value field after a
//     '?' or '&' whose name is a credential parameter;
//   - the secrets of each config in known, as given and percent-encoded as
//     [Format] writes them: the password, the values [Config.Redact] hides,
//     and userinfo pasted into the scheme or a host. This covers text a
//     server or a library wrote about the config (a hand-made config
//     included, valid or not). A secret of three bytes or more is replaced
//     wherever it occurs; a shorter one where it stands alone, between
//     characters that are not ASCII letters or digits (the 'q' of "password
//     'q' rejected", not the q of "request"): inside a longer word it shows
//     nothing, and replacing it there would mangle the text and, by the
//     pattern of the replacements, show the secret.
func RedactText(text string, known ...Config) string {
	if c, err := Parse(text); err == nil {
		pw := noPassword
		if c.Password != "" {
			pw = authorityPassword
		}
		text = redactSpans(text, secretSpans(text, pw))
	} else {
		text = redactSecrets(text)
	}
	var secrets []string
	for _, c := range known {
		secrets = appendSecrets(secrets, c)
	}
	if len(secrets) == 0 {
		return text
	}
	sort.Slice(secrets, func(i, j int) bool { return len(secrets[i]) > len(secrets[j]) })
	args := make([]string, 0, 2*len(secrets))
	var short []string
	for _, s := range secrets {
		if len(s) < 3 {
			short = append(short, s)
			continue
		}
		args = append(args, s, Redacted)
	}
	if len(args) > 0 {
		text = strings.NewReplacer(args...).Replace(text)
	}
	for _, s := range short {
		text = replaceAlone(text, s)
	}
	return text
}

// replaceAlone replaces each occurrence of secret in text that stands alone:
// neither the byte before it nor the byte after it is an ASCII letter or
// digit.
func replaceAlone(text, secret string) string {
	var b strings.Builder
	last := 0
	for i := 0; i+len(secret) <= len(text); {
		j := strings.Index(text[i:], secret)
		if j < 0 {
			break
		}
		start, end := i+j, i+j+len(secret)
		if (start == 0 || !isAlnum(text[start-1])) && (end == len(text) || !isAlnum(text[end])) {
			b.WriteString(text[last:start])
			b.WriteString(Redacted)
			last = end
			i = end
			continue
		}
		i = start + 1
	}
	if last == 0 {
		return text
	}
	b.WriteString(text[last:])
	return b.String()
}

func isAlnum(c byte) bool {
	return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9'
}

// RedactError returns err with the text [RedactText] gives for err.Error()
// and known, or err itself when that text shows no secret. The error
// returned unwraps to err, so errors.Is and errors.As see what err matches
// (a kind, context.DeadlineExceeded, a *net.OpError): it is the form for
// an error whose text comes from a server or a library (an echoed
// password, a URL in a message) and leaves the process.
func RedactError(err error, known ...Config) error {
	if err == nil {
		return nil
	}
	text := err.Error()
	if red := RedactText(text, known...); red != text {
		return &redactedError{text: red, err: err}
	}
	return err
}

// redactedError is an error shown as a redacted text.
type redactedError struct {
	text string
	err  error
}

func (e *redactedError) Error() string { return e.text }

func (e *redactedError) Unwrap() error { return e.err }

// appendSecrets appends the secrets of c that RedactText looks for, each as
// given and percent-encoded for the userinfo and the query.
func appendSecrets(out []string, c Config) []string {
	add := func(s string) {
		if s == "" {
			return
		}
		for _, v := range []string{s, djangoEscape(s, encUserinfo), djangoEscape(s, encQuery)} {
			if !slices.Contains(out, v) {
				out = append(out, v)
			}
		}
	}
	add(c.Password)
	for k, v := range c.Options {
		if secretOption(k) {
			add(v)
		}
	}
	for _, s := range append([]string{c.Scheme}, c.Hosts...) {
		if at := strings.LastIndexByte(s, '@'); at >= 0 {
			if i := strings.Index(s[:at], "://"); i >= 0 {
				s = s[i+3:]
				at -= i + 3
			}
			add(s[:at])
		}
	}
	return out
}

// redactSecrets returns s with every secret secretSpans finds replaced by
// [Redacted], for echoing text that may not parse.
func redactSecrets(s string) string { return redactSpans(s, secretSpans(s, guessPassword)) }

// redactSpans returns s with the spans replaced by [Redacted].
func redactSpans(s string, spans []span) string {
	if len(spans) == 0 {
		return s
	}
	var b strings.Builder
	last := 0
	for _, sp := range mergeSpans(spans) {
		b.WriteString(s[last:sp.start])
		b.WriteString(Redacted)
		last = sp.end
	}
	b.WriteString(s[last:])
	return b.String()
}

// Where secretSpans looks for a password.
const (
	guessPassword     = iota // an input that may not parse: see secretSpans
	authorityPassword        // an input that parses with a password
	noPassword               // an input that parses without a password
)

// secretSpans finds the secrets of an input, whether or not it parses, so
// that error messages can redact them (an input whose scheme is followed by
// a mistyped separator, redis:/u:pw@h, is read as if it had "://"): the
// password of the authority, and the values of credential parameters. With
// guessPassword, when an '@' follows the authority (in the path or the
// query), or the authority has no '@' but the input has one, the password
// likely holds an unescaped '/', '?' or '#': then the secret is the text
// between the first ':' after "://" and the last '@' of the input.
func secretSpans(s string, pw int) []span {
	guess := pw == guessPassword
	var spans []span
	start := 0
	if i := strings.Index(s, "://"); i >= 0 && isSchemeText(strings.ToLower(s[:i])) {
		start = i + 3
	} else if _, j, ok := mistypedSeparator(s); ok {
		// redis:/u:pw@h, redis//:pw@h: the userinfo follows the separator
		// as it would follow "://" (also when a "://" comes later, inside
		// the password: dummy/u://pw@h).
		start = j
	} else if i >= 0 {
		start = i + 3
	}
	head := s[start:]
	if i := strings.IndexByte(head, '?'); i >= 0 {
		head = head[:i]
	}
	authority, _ := splitHead(head)
	if guess && start > 0 && atAfterAuthority(s, start) {
		// Maybe a raw '/', '?' or '#' in the userinfo: the whole stretch to
		// the last '@' may be password. (Wider than delimiterInUserinfo:
		// an '@' in a query value, say key_prefix=me@corp, also counts, as
		// an echo may hide too much but never too little.)
		if sp := delimiterSpan(s, start); sp.end > sp.start {
			spans = append(spans, sp)
		}
	} else if at := strings.LastIndexByte(authority, '@'); at >= 0 && pw != noPassword {
		if colon := strings.IndexByte(authority[:at], ':'); colon >= 0 {
			spans = append(spans, span{start + colon + 1, start + at})
		}
	} else if at := strings.LastIndexByte(s, '@'); guess && at > start {
		if colon := strings.IndexByte(s[start:at], ':'); colon >= 0 {
			spans = append(spans, span{start + colon + 1, at})
		}
	}
	// Credential parameters, looked for after every '?' and '&' (not only
	// the first '?': a password with a raw '?' moves the query's start). A
	// name ends at the first '=', '&' or '?', so the scan is linear; a value
	// runs to the next '&' that starts a name=value field (token=ab&cd is
	// the token "ab&cd" with a raw '&', not the token "ab" and a bare "cd").
	// Values are found in order, so the end found last serves every name
	// before it.
	nextAmp := -1
	for i := start; i < len(s); i++ {
		if s[i] != '?' && s[i] != '&' {
			continue
		}
		j := i + 1
		for j < len(s) && s[j] != '=' && s[j] != '&' && s[j] != '?' {
			j++
		}
		if j >= len(s) || s[j] != '=' {
			continue
		}
		name := s[i+1 : j]
		if nextAmp < j {
			nextAmp = valueEnd(s, j)
		}
		if nextAmp == j+1 {
			continue
		}
		if n, bad, _ := unescape(name, true); bad < 0 && IsCredentialOption(n) {
			spans = append(spans, span{j + 1, nextAmp})
		}
	}
	return spans
}

// valueEnd is where the value of the parameter whose '=' is at s[j] ends:
// the next '&' followed by a field with an '=', or the end of s.
func valueEnd(s string, j int) int {
	k := strings.IndexByte(s[j:], '&')
	if k < 0 {
		return len(s)
	}
	end := j + k
	for end < len(s) {
		next := len(s)
		if k := strings.IndexByte(s[end+1:], '&'); k >= 0 {
			next = end + 1 + k
		}
		if strings.IndexByte(s[end+1:next], '=') >= 0 {
			return end
		}
		end = next
	}
	return len(s)
}

// Redacted is what every printed form shows instead of a secret.
const Redacted = "xxxxx"

// credentialWords are the option names that carry a secret; a name ending
// in '_' followed by one of them does too.
var credentialWords = [...]string{"password", "passwd", "pwd", "secret", "token", "auth",
	"credentials", "api_key", "apikey", "access_key", "secret_key", "private_key"}

// IsCredentialOption reports whether an option carries a secret and is
// therefore redacted. The name is compared case-insensitively with password,
// passwd, pwd, secret, token, auth, credentials, api_key, apikey, access_key,
// secret_key and private_key, and also matches when it ends in '_' followed
// by one of them (sentinel_password, auth_token).
func IsCredentialOption(name string) bool {
	// Every word ends in d, t, n, h, s or y: most names are out at once.
	if len(name) < 3 {
		return false
	}
	switch name[len(name)-1] | 0x20 {
	case 'd', 't', 'n', 'h', 's', 'y':
	default:
		return false
	}
	for _, w := range credentialWords {
		if len(name) == len(w) && strings.EqualFold(name, w) {
			return true
		}
		if n := len(name) - len(w); n > 0 && name[n-1] == '_' && strings.EqualFold(name[n:], w) {
			return true
		}
	}
	return false
}

// Redact returns a copy of c with the password and every credential-bearing
// option replaced by [Redacted]. The copy shares nothing with c.
func (c Config) Redact() Config {
	r := c.clone()
	if r.Password != "" {
		r.Password = Redacted
	}
	for k := range r.Options {
		if IsCredentialOption(k) || !isParamName(k) {
			r.Options[k] = Redacted
		}
	}
	redactLocation(&r)
	return r
}

// Redacted returns the canonical URL of c ([Format]) with the password and
// credential options shown as [Redacted]. It is the form for people and logs.
func (c Config) Redacted() string { return Format(c.Redact()) }

// String returns [Config.Redacted], so %v and %+v never print the password.
func (c Config) String() string { return c.Redacted() }

// GoString makes %#v print the redacted URL too.
func (c Config) GoString() string { return "core.Config(" + strconv.Quote(c.Redacted()) + ")" }

// LogValue implements [slog.LogValuer]: a group with the redacted URL and the
// main structured fields, never the password.
func (c Config) LogValue() slog.Value {
	c = c.Redact()
	attrs := make([]slog.Attr, 0, 6)
	attrs = append(attrs, slog.String("url", Format(c)), slog.String("backend", string(c.Backend)))
	if c.Topology != "" {
		attrs = append(attrs, slog.String("topology", string(c.Topology)))
	}
	if len(c.Hosts) > 0 {
		attrs = append(attrs, slog.String("hosts", strings.Join(c.Hosts, ",")))
	}
	if c.Socket != "" {
		attrs = append(attrs, slog.String("socket", c.Socket))
	}
	if c.TTL.IsSet() {
		attrs = append(attrs, slog.String("ttl", c.TTL.String()))
	}
	return slog.GroupValue(attrs...)
}

// delimiterInUserinfo reports whether s, whose authority starts at start,
// has an '@' after a non-empty authority: in the path, or in a query field
// that is not name=value (no '=', or an '@' in the name, which no parameter
// name has). For the redis and memcached families that means
// the userinfo holds a raw '/', '?' or '#' that ended the authority early
// (redis://u:S3cr/et@cache/0). The scan is one pass.
func delimiterInUserinfo(s string, start int) bool {
	aend := start
	for aend < len(s) && s[aend] != '/' && s[aend] != '?' && s[aend] != '#' {
		aend++
	}
	if aend == start || aend == len(s) {
		return false
	}
	i := aend
	for ; i < len(s) && s[i] != '?'; i++ {
		if s[i] == '@' {
			return true
		}
	}
	// The query: a field with an '@' in its name (before any '='), which
	// no parameter name has.
	eq := false
	for i++; i < len(s); i++ {
		switch s[i] {
		case '&':
			eq = false
		case '=':
			eq = true
		case '@':
			if !eq {
				return true
			}
		}
	}
	return false
}

// atAfterAuthority reports whether s has an '@' after a non-empty
// authority starting at start (in the path or anywhere in the query).
func atAfterAuthority(s string, start int) bool {
	aend := start
	for aend < len(s) && s[aend] != '/' && s[aend] != '?' && s[aend] != '#' {
		aend++
	}
	return aend > start && strings.LastIndexByte(s, '@') > aend
}

// delimiterSpan is the part of s redacted when the userinfo holds a raw
// delimiter: from after the first ':' following "://" (at start) to the last
// '@' of the whole input; from start when there is no ':' before it.
func delimiterSpan(s string, start int) span {
	at := strings.LastIndexByte(s, '@')
	if at < start {
		return span{start, start}
	}
	if colon := strings.IndexByte(s[start:at], ':'); colon >= 0 {
		return span{start + colon + 1, at}
	}
	return span{start, at}
}
