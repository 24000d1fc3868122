package core

import (
	"strconv"
	"strings"
	"unicode/utf8"
)

// Kind is the kind of an error: one sentinel per kind, matched with
// errors.Is (errors.Is(err, core.ErrUnknownScheme)). It is the one kind
// type of the module: core declares the kinds of the grammar below, and
// the packages built on core declare theirs with [NewKind] (a client's
// "unknown option" is a case of [ErrInvalidParameter]).
type Kind struct {
	code   string
	text   string
	parent *Kind
}

// NewKind returns a new error kind with a stable snake_case code, a short
// description, and the kind it is a case of (nil for none), which
// errors.Is then matches as well. Declare kinds once, as package-level
// sentinels.
func NewKind(code, text string, parent *Kind) *Kind {
	return &Kind{code: code, text: text, parent: parent}
}

// Error returns the kind's short description ("unknown scheme").
func (k *Kind) Error() string { return k.text }

// Code returns a stable snake_case identifier for the kind
// ("unknown_scheme"), for machine-readable output.
func (k *Kind) Code() string { return k.code }

// Unwrap returns the kind k is a case of, or nil, so that errors.Is of an
// error of kind k matches that kind too.
func (k *Kind) Unwrap() error {
	if k.parent == nil {
		return nil
	}
	return k.parent
}

// The error kinds of docs/errors.md.
var (
	// ErrMalformed: the input is not scheme://... at all (a scheme of the
	// table followed by a mistyped separator, redis//h or redis:/h, gets the
	// URL that was probably meant), or has an invalid percent-escape or
	// invalid UTF-8.
	ErrMalformed = &Kind{code: "malformed", text: "malformed URL"}
	// ErrUnknownScheme: the scheme is not in the scheme table.
	ErrUnknownScheme = &Kind{code: "unknown_scheme", text: "unknown scheme"}
	// ErrInvalidHost: a host (or locmem/db/dummy/uwsgi name) is empty or has
	// characters a host cannot have, or hosts are not allowed here.
	ErrInvalidHost = &Kind{code: "invalid_host", text: "invalid host"}
	// ErrInvalidPort: a port is not a number from 1 to 65535.
	ErrInvalidPort = &Kind{code: "invalid_port", text: "invalid port"}
	// ErrInvalidUserinfo: credentials where the scheme takes none, or
	// credentials without a host; a password that is the redaction marker
	// [Redacted]; a password holding a raw '/', '?' or '#' (an '@' follows
	// the host part: write them %2F, %3F, %23); a raw '@' in a socket path
	// (write it %40), or a password typed after three slashes
	// (redis:///:pw@host).
	ErrInvalidUserinfo = &Kind{code: "invalid_userinfo", text: "invalid userinfo"}
	// ErrInvalidPath: a path, socket, directory or redis db is wrong.
	ErrInvalidPath = &Kind{code: "invalid_path", text: "invalid path"}
	// ErrInvalidParameter: a query parameter is malformed or has a bad value.
	ErrInvalidParameter = &Kind{code: "invalid_parameter", text: "invalid parameter"}
	// ErrDuplicateParameter: a parameter is given twice (names are
	// case-insensitive; timeout and ttl are one parameter).
	ErrDuplicateParameter = &Kind{code: "duplicate_parameter", text: "duplicate parameter"}
	// ErrReservedParameter: backend, location or options as a parameter.
	ErrReservedParameter = &Kind{code: "reserved_parameter", text: "reserved parameter"}
	// ErrControlCharacter: a control character inside the URL.
	ErrControlCharacter = &Kind{code: "control_character", text: "control character"}
	// ErrFragment: a '#' fragment, usually an unescaped '#' in a password.
	ErrFragment = &Kind{code: "fragment", text: "fragment"}
	// ErrTooLong: the input is longer than [MaxLength].
	ErrTooLong = &Kind{code: "too_long", text: "URL too long"}
	// ErrNotSet: the environment variable is not set (strict variant).
	ErrNotSet = &Kind{code: "not_set", text: "environment variable not set"}
	// ErrNotExpressible: the config has no Django equivalent (sentinel,
	// cluster).
	ErrNotExpressible = &Kind{code: "not_expressible", text: "not expressible in Django"}
)

// Kinds lists every error kind, for documentation and tests.
func Kinds() []*Kind {
	return []*Kind{ErrMalformed, ErrUnknownScheme, ErrInvalidHost, ErrInvalidPort,
		ErrInvalidUserinfo, ErrInvalidPath, ErrInvalidParameter, ErrDuplicateParameter,
		ErrReservedParameter, ErrControlCharacter, ErrFragment, ErrTooLong, ErrNotSet,
		ErrNotExpressible}
}

// Error is the error [Parse] and the other functions of this package return.
// It never contains a password: Input is the input with the password (and
// credential options) replaced by [Redacted], and Offset/Length point into
// Input, so a tool can underline the bad part (see [Error.Caret]).
type Error struct {
	// Kind is the sentinel the error matches with errors.Is.
	Kind *Kind
	// Input is the redacted, whitespace-trimmed input ("" when there was none).
	Input string
	// Offset and Length are the byte range of the offending part of Input;
	// Length is 0 when the problem is a missing part (pointing where it
	// belongs) or the whole value.
	Offset, Length int
	// Msg says what is wrong and how to fix it.
	Msg string
	// Key is the key path of the offending value in a structured config
	// ("cache.ttl", "caches.sessions.hosts[1]"), "" for a plain URL.
	Key string
}

// Error returns `cacheurl: <message> (in "<redacted input>")`.
func (e *Error) Error() string {
	var b strings.Builder
	b.WriteString("cacheurl: ")
	b.WriteString(e.Msg)
	if e.Input != "" {
		b.WriteString(" (in ")
		b.WriteString(strconv.Quote(e.Input))
		b.WriteString(")")
	}
	return b.String()
}

// Unwrap returns the kind, so errors.Is(err, ErrUnknownScheme) works.
func (e *Error) Unwrap() error { return e.Kind }

// Caret returns two lines: the redacted input and a line with carets under
// the offending part. ASCII control characters in the input are shown as
// their Unicode control pictures (␀, ␉, ␊, ... ␡), and invalid UTF-8 and
// every other character a terminal could act on ([Printable]: C1 controls,
// bidirectional overrides) as U+FFFD, one character each, so that a
// terminal shows them and the carets stay aligned.
func (e *Error) Caret() string {
	off := min(max(e.Offset, 0), len(e.Input))
	end := min(max(off+e.Length, off), len(e.Input))
	// Columns count characters, so the caret sits under the right one.
	col := utf8.RuneCountInString(e.Input[:off])
	n := max(utf8.RuneCountInString(e.Input[off:end]), 1)
	return printable(e.Input) + "\n" + strings.Repeat(" ", col) + strings.Repeat("^", n)
}

// printable returns s with ASCII control characters as control pictures
// and invalid UTF-8 and the other characters [Printable] escapes as
// U+FFFD, rune for rune.
func printable(s string) string {
	return strings.Map(func(r rune) rune {
		switch {
		case r < 0x20:
			return 0x2400 + r
		case r == 0x7f:
			return '\u2421'
		case r == utf8.RuneError || !printableRune(r, utf8.RuneLen(r)):
			return utf8.RuneError
		}
		return r
	}, s)
}

func newError(kind *Kind, input string, off, length int, msg string) *Error {
	return &Error{Kind: kind, Input: input, Offset: off, Length: length, Msg: msg}
}

// quoteShort quotes s for a message, shortening long values.
func quoteShort(s string) string {
	if len(s) > 64 {
		cut := 60
		for cut > 0 && !utf8.RuneStart(s[cut]) {
			cut--
		}
		return strconv.Quote(s[:cut]) + "…"
	}
	return strconv.Quote(s)
}

// delimiterError reports a userinfo holding a raw '/', '?' or '#' (see
// delimiterInUserinfo).
func (p *parser) delimiterError(s string, start int) bool {
	sp := delimiterSpan(s, start)
	p.inPassword = true
	// The character that ended the authority early names the likely cause.
	msg := "'/' in a password must be written %2F"
	if i := strings.IndexAny(s[start:], "/?#"); i >= 0 && s[start+i] == '?' {
		msg = "'?' in a password must be written %3F"
	}
	return p.fail(ErrInvalidUserinfo, sp.start, sp.end-sp.start, msg+": an '@' comes after it, so the host part ended too early (write '/' as %2F, '?' as %3F and '#' as %23 in a password)")
}

// urlMarkerMsg is the error for a secret that is exactly [Redacted].
const urlMarkerMsg = " is \"" + Redacted + "\", the redaction marker: this URL is a redacted copy; give the real secret"

// error builds the *Error for the failure recorded in p, with the password
// and credential options redacted from the echoed input.
func (p *parser) error() error {
	s := p.s
	spans := secretSpans(s, guessPassword)
	spans = mergeSpans(spans)
	var b strings.Builder
	last := 0
	off, n := p.off, p.n
	newOff, newN := -1, -1
	msg := p.msg
	for _, sp := range spans {
		if sp.start < last {
			continue
		}
		b.WriteString(s[last:sp.start])
		if off >= last && off < sp.start {
			newOff = b.Len() - (sp.start - off)
		}
		rstart := b.Len()
		b.WriteString(Redacted)
		// An error touching a secret points at the redacted text and does
		// not quote what it found there.
		if off < sp.end && off+max(n, 1) > sp.start {
			if newOff < 0 {
				newOff, newN = rstart, len(Redacted)
			}
			if !p.inPassword {
				msg = p.kind.text + " in or near the password; percent-encode any ':', '/', '?', '#', '@', '&' or '%' in a password (%3A %2F %3F %23 %40 %26 %25)"
				if p.kind == ErrFragment {
					msg = "'#' in a password must be written %23"
				}
			}
		}
		last = sp.end
	}
	if newOff < 0 {
		newOff = b.Len() + (off - last)
	}
	b.WriteString(s[last:])
	input := b.String()
	if newN < 0 {
		newN = n
	}
	if newOff > len(input) {
		newOff = len(input)
	}
	if newOff+newN > len(input) {
		newN = len(input) - newOff
	}
	return newError(p.kind, input, newOff, newN, msg)
}

// atInPath rejects an '@' in the path of a redis or memcached URL with an
// empty authority (scheme:///...), where the path is a unix socket (or a
// sentinel master name): a raw '@' there is written %40. When a ':' comes
// before the '@', the input is most likely "[user]:password@host" typed
// after three slashes instead of two, and the message says so. The echo
// redacts from the first ':' after "://" to the last '@' (secretSpans).
func (p *parser) atInPath(s string, sch *Scheme, start int) bool {
	end := len(s)
	if p.question >= start {
		end = p.question
	}
	at := strings.IndexByte(s[start:end], '@')
	if at < 0 {
		return true
	}
	at += start
	p.inPassword = true // the messages quote nothing of the input
	what := "a unix socket path"
	switch sch.Topology {
	case Sentinel:
		what = "the master name"
	case Cluster:
		what = "the path"
	}
	withPassword := sch.Name + "://:password@host"
	if sch.Backend == BackendMemcached {
		withPassword = sch.Name + "://user:password@host"
	}
	if strings.IndexByte(s[start:at], ':') >= 0 {
		meant := withPassword + " (two slashes)"
		if sch.Name == "unix" {
			meant = "unix://:password@/path/to/redis.sock (credentials before the empty host), or redis://:password@host,"
		}
		return p.fail(ErrInvalidUserinfo, start, 1, "after \""+sch.Name+":///\" comes "+what+", and this one holds ':' and '@' "+
			"as [user]:password@host does: "+meant+" was probably meant (an '@' in "+what+" must be written %40)")
	}
	return p.fail(ErrInvalidUserinfo, at, 1, "an '@' in "+what+" after \""+sch.Name+":///\" must be written %40 "+
		"(a raw '@' ends a password, as in "+withPassword+")")
}

// missingSeparator is the error for input without "://". A scheme of the
// table followed by a mistyped separator (redis//h, redis:/h, redis:h,
// redis/h) gets the URL that was probably meant: the scheme, "://" and the
// rest, or "///" and the rest when only that parses (redis:/run/r.sock is
// the socket redis:///run/r.sock), redacted.
func (p *parser) missingSeparator(s string) bool {
	i, j, ok := mistypedSeparator(s)
	if !ok {
		return p.fail(ErrMalformed, 0, 0, "missing scheme://; a CACHE_URL looks like redis://host:6379/0 or locmem://")
	}
	scheme, rest := strings.ToLower(s[:i]), s[j:]
	meant := scheme + "://" + rest
	if _, err := Parse(meant); err != nil {
		if _, err := Parse(scheme + ":///" + rest); err == nil {
			meant = scheme + ":///" + rest
		}
	}
	p.inPassword = true // the suggestion is redacted
	return p.fail(ErrMalformed, i, j-i, "missing \"://\" after the scheme (found "+strconv.Quote(s[i:j])+
		"); did you mean "+quoteShort(redactSecrets(meant))+"?")
}

// mistypedSeparator finds, in input without "://", a scheme of the table
// at s[:i] followed by a separator typed wrong at s[i:j]: an optional ':'
// and up to three '/' (a ':' after the slashes belongs to the userinfo).
func mistypedSeparator(s string) (i, j int, ok bool) {
	for i < len(s) && isSchemeByte(s[i]) {
		i++
	}
	j = i
	if j < len(s) && s[j] == ':' {
		j++
	}
	for k := 0; k < 3 && j < len(s) && s[j] == '/'; k++ {
		j++
	}
	if _, known := lookupScheme(s[:i]); !known || j == i {
		return 0, 0, false
	}
	return i, j, true
}

func isSchemeByte(b byte) bool {
	return 'a' <= b && b <= 'z' || 'A' <= b && b <= 'Z' || '0' <= b && b <= '9' || b == '+' || b == '-' || b == '.'
}
