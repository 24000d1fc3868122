// Package djangoref is a model of django-cache-url 3.4.6's parse(), the
// reference the Django view of package core follows: what the reference
// returns for a URL, or the exception it raises, with Django ≥ 4 and
// Python ≥ 3.12's urllib.parse. It is checked against every reference output
// recorded in core/testdata/vectors, and used by the cacheurl command's
// explain and by the differential tests of the Django view. The model
// ([Parse], [ParseRedacted]) shares no logic with core, which it uses only
// to redact; [Differences] compares it with core's Django view and says
// which deliberate fix each difference comes from.
//
// It does not model urllib's NFKC check of non-ASCII netlocs.
package djangoref

import (
	"encoding/json"
	"fmt"
	"net/netip"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/cacheurl/cacheurl/core"
)

// The reference's BACKENDS table (Django ≥ 4).
var backends = map[string]string{
	"db":            "django.core.cache.backends.db.DatabaseCache",
	"dummy":         "django.core.cache.backends.dummy.DummyCache",
	"elasticache":   "django_elasticache.memcached.ElastiCache",
	"file":          "django.core.cache.backends.filebased.FileBasedCache",
	"locmem":        "django.core.cache.backends.locmem.LocMemCache",
	"uwsgicache":    "uwsgicache.UWSGICache",
	"memcached":     "django.core.cache.backends.memcached.PyLibMCCache",
	"djangopylibmc": "django_pylibmc.memcached.PyLibMCCache",
	"pymemcached":   "django.core.cache.backends.memcached.MemcachedCache",
	"pymemcache":    "django.core.cache.backends.memcached.PyMemcacheCache",
	"redis-cache":   "redis_cache.RedisCache",
	"redis":         "django.core.cache.backends.redis.RedisCache",
	"rediss":        "django.core.cache.backends.redis.RedisCache",
	"hiredis":       "django.core.cache.backends.redis.RedisCache",
}

// Error is the Python exception the reference raises.
type Error struct {
	Type string // "ValueError" or "Exception"
	Msg  string
}

// Error is the exception as Python prints it: "ValueError: Port out of range 0-65535".
func (e *Error) Error() string { return e.Type + ": " + e.Msg }

func valueError(format string, args ...any) error {
	return &Error{"ValueError", fmt.Sprintf(format, args...)}
}

// Parse returns what django-cache-url 3.4.6's parse(raw) returns, as values
// encoding/json writes as the reference's JSON object (strings, maps, and
// ints as json.Number, as Python ints have no size limit), or the exception
// it raises as an [*Error].
func Parse(raw string) (map[string]any, error) { return parse(raw, false) }

// ParseRedacted is [Parse] with passwords and credential options shown as
// [core.Redacted], and so every piece of a password that holds a raw '/',
// '?' or '#' (which the reference spreads over the port, the path, the query
// and its messages).
func ParseRedacted(raw string) (map[string]any, error) { return parse(raw, true) }

func parse(raw string, redact bool) (map[string]any, error) {
	ref, err := parseRaw(raw, redact)
	if !redact {
		return ref, err
	}
	r := scrubber(raw)
	if r == nil {
		return ref, err
	}
	if err != nil {
		if pe, ok := err.(*Error); ok {
			return nil, &Error{pe.Type, r.Replace(pe.Msg)}
		}
		return nil, err
	}
	return scrubMap(ref, r), nil
}

// scrubber returns a replacer of every piece of the likely password of
// raw by [core.Redacted], or nil when raw has no password with a raw
// delimiter. The likely password is core's: the text from the first ':'
// after "://" to the last '@' of the input. Its pieces are its runs between
// delimiters, as written, decoded and upper-cased (query names are
// upper-cased), longest first. Pieces of one byte are left: cutting them
// out would mangle the whole text.
//
// It is not core's redaction ([core.RedactText] hides a secret as written
// or percent-encoded, wherever it stands): it undoes what only this model
// does to such a password, which Python's urllib.parse splits over the
// port, the path and the query, unquote_plus decodes and str.upper
// upper-cases. That knowledge is the model's, so the scrubber stays here.
func scrubber(raw string) *strings.Replacer {
	i := strings.Index(raw, "://")
	at := strings.LastIndexByte(raw, '@')
	if i < 0 || at < i+3 {
		return nil
	}
	colon := strings.IndexByte(raw[i+3:at], ':')
	if colon < 0 {
		return nil
	}
	secret := raw[i+3+colon+1 : at]
	if !strings.ContainsAny(secret, "/?#") {
		return nil
	}
	seen := map[string]bool{}
	var pieces []string
	add := func(p string) {
		if len(p) >= 2 && !seen[p] {
			seen[p] = true
			pieces = append(pieces, p)
		}
	}
	words := append([]string{secret}, strings.FieldsFunc(secret, func(r rune) bool {
		return strings.ContainsRune("/?#&=:@;,", r)
	})...)
	for _, w := range words {
		for _, v := range []string{w, pyUnquotePlus(w), pyUnquotePlus(strings.ReplaceAll(w, "+", "%2B"))} {
			add(v)
			add(pyUpper(v))
			add(strings.TrimSpace(v))
		}
	}
	sort.Slice(pieces, func(a, b int) bool { return len(pieces[a]) > len(pieces[b]) })
	args := make([]string, 0, 2*len(pieces))
	for _, p := range pieces {
		args = append(args, p, core.Redacted)
	}
	return strings.NewReplacer(args...)
}

// scrubMap applies r to every key and string value of m, recursively.
func scrubMap(m map[string]any, r *strings.Replacer) map[string]any {
	out := make(map[string]any, len(m))
	for k, v := range m {
		switch x := v.(type) {
		case string:
			v = r.Replace(x)
		case map[string]any:
			v = scrubMap(x, r)
		}
		out[r.Replace(k)] = v
	}
	return out
}

func parseRaw(raw string, redact bool) (map[string]any, error) {
	u, err := pyURLSplit(raw)
	if err != nil {
		return nil, err
	}
	args := pyCacheArgs(u.query)
	if redact {
		for k := range args {
			if core.IsCredentialOption(strings.ToLower(k)) {
				args[k] = core.Redacted
			}
		}
	}
	backend, ok := backends[u.scheme]
	if !ok {
		return nil, &Error{"Exception", `Unknown backend: "` + u.scheme + `"`}
	}
	lib, hasLib := args["LIB"]
	if strings.Contains(u.scheme, "redis") && hasLib {
		if b, ok := backends[lib]; ok {
			backend = b
		}
	}
	config := map[string]any{"BACKEND": backend}
	options := map[string]any{}
	if u.scheme == "hiredis" {
		options["PARSER_CLASS"] = "redis.connection.HiredisParser"
	}
	if u.netloc == "" {
		switch u.scheme {
		case "memcached", "pymemcached", "pymemcache", "djangopylibmc":
			config["LOCATION"] = "unix://" + u.path
		case "redis", "hiredis":
			path, db := u.path, "0"
			if d := socketDB(path); d != "" {
				db = d
				if i := strings.LastIndexByte(path, '/'); i >= 0 {
					path = path[:i]
				} else {
					_, n := utf8.DecodeLastRuneInString(path)
					path = path[:len(path)-n] // Python's path[:-1]
				}
			}
			config["LOCATION"] = "unix://" + path + "?db=" + db
		default:
			config["LOCATION"] = u.path
		}
	} else {
		netloc := u.netloc
		if redact {
			netloc = u.redactedNetloc()
		}
		config["LOCATION"] = strings.ReplaceAll(netloc, ",", ";")
		if u.scheme == "redis" || u.scheme == "rediss" || u.scheme == "hiredis" {
			db := "0"
			if len(u.path) > 1 {
				db = u.path[1:]
			}
			port, err := u.port()
			if err != nil {
				return nil, err
			}
			if port == 0 {
				port = 6379
			}
			scheme := "redis"
			if u.scheme == "rediss" {
				scheme = "rediss"
			}
			host := u.hostname()
			loc := fmt.Sprintf("%s://%s:%d/%s", scheme, host, port, db)
			if pw, ok := u.password(); ok && pw != "" {
				if redact {
					pw = core.Redacted
				}
				loc = fmt.Sprintf("%s://:%s@%s:%d/%s", scheme, pw, host, port, db)
			}
			config["LOCATION"] = loc
			if lib == "redis-cache" {
				if v, ok := args["PARSER_CLASS"]; ok {
					options["PARSER_CLASS"] = v
				}
				if v, ok := args["CONNECTION_POOL_CLASS"]; ok {
					options["CONNECTION_POOL_CLASS"] = v
				}
				mc, hasMC := args["MAX_CONNECTIONS"]
				to, hasTO := args["TIMEOUT"]
				if hasMC || hasTO {
					kw := map[string]any{}
					if hasMC {
						n, err := pyInt(mc)
						if err != nil {
							return nil, err
						}
						kw["max_connections"] = n
					}
					if hasTO {
						n, err := pyInt(to)
						if err != nil {
							return nil, err
						}
						kw["timeout"] = n
					}
					options["CONNECTION_POOL_CLASS_KWARGS"] = kw
				}
			}
		}
	}
	if u.scheme == "uwsgicache" {
		if loc, _ := config["LOCATION"].(string); loc == "" {
			config["LOCATION"] = "default"
		}
	}
	for _, key := range []string{"MAX_ENTRIES", "CULL_FREQUENCY"} {
		if v, ok := args[key]; ok {
			delete(args, key)
			n, err := pyInt(v)
			if err != nil {
				return nil, err
			}
			options[key] = n
		}
	}
	if len(options) > 0 {
		config["OPTIONS"] = options
	}
	for k, v := range args {
		config[k] = v
	}
	return config, nil
}

// socketDB is the reference's re.match(r'.+?(?P<db>\d+)', path): the
// first run of digits that does not start the path, or "".
func socketDB(path string) string {
	first := true
	for i, r := range path {
		if first {
			first = false
			continue
		}
		if unicode.IsDigit(r) {
			j := i
			for j < len(path) {
				r, n := utf8.DecodeRuneInString(path[j:])
				if !unicode.IsDigit(r) {
					break
				}
				j += n
			}
			return path[i:j]
		}
	}
	return ""
}

// pyURL is urllib.parse.urlsplit's result (the parts parse() uses).
type pyURL struct {
	scheme, netloc, path, query string
}

const pySchemeChars = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789+-."

// pyURLSplit is Python 3.12's urllib.parse.urlsplit (urlparse splits
// ;params only for schemes the reference does not use).
func pyURLSplit(url string) (pyURL, error) {
	url = strings.TrimLeftFunc(url, func(r rune) bool { return r <= ' ' })
	if strings.ContainsAny(url, "\t\r\n") {
		url = strings.NewReplacer("\t", "", "\r", "", "\n", "").Replace(url)
	}
	var u pyURL
	if i := strings.IndexByte(url, ':'); i > 0 && isASCIILetter(url[0]) {
		ok := true
		for j := 0; j < i; j++ {
			if strings.IndexByte(pySchemeChars, url[j]) < 0 {
				ok = false
				break
			}
		}
		if ok {
			u.scheme, url = strings.ToLower(url[:i]), url[i+1:]
		}
	}
	if strings.HasPrefix(url, "//") {
		rest := url[2:]
		end := len(rest)
		if i := strings.IndexAny(rest, "/?#"); i >= 0 {
			end = i
		}
		u.netloc, url = rest[:end], rest[end:]
		open, close := strings.Contains(u.netloc, "["), strings.Contains(u.netloc, "]")
		if open != close {
			return pyURL{}, valueError("Invalid IPv6 URL")
		}
		if open {
			if err := pyCheckBracketedNetloc(u.netloc); err != nil {
				return pyURL{}, err
			}
		}
	}
	if i := strings.IndexByte(url, '#'); i >= 0 {
		url = url[:i]
	}
	if i := strings.IndexByte(url, '?'); i >= 0 {
		url, u.query = url[:i], url[i+1:]
	}
	u.path = url
	return u, nil
}

func isASCIILetter(b byte) bool { return 'a' <= b && b <= 'z' || 'A' <= b && b <= 'Z' }

var ipvFuture = regexp.MustCompile(`\Av[a-fA-F0-9]+\..+\z`)

func pyCheckBracketedNetloc(netloc string) error {
	hostport := netloc[strings.LastIndexByte(netloc, '@')+1:]
	before, bracketed, found := strings.Cut(hostport, "[")
	var host string
	if found {
		if before != "" {
			return valueError("Invalid IPv6 URL")
		}
		var port string
		host, port, _ = strings.Cut(bracketed, "]")
		if port != "" && !strings.HasPrefix(port, ":") {
			return valueError("Invalid IPv6 URL")
		}
	} else {
		host, _, _ = strings.Cut(hostport, ":")
	}
	if strings.HasPrefix(host, "v") {
		if !ipvFuture.MatchString(host) {
			return valueError("IPvFuture address is invalid")
		}
		return nil
	}
	addr, err := netip.ParseAddr(host)
	if err != nil {
		return valueError("%s does not appear to be an IPv4 or IPv6 address", pyRepr(host))
	}
	if addr.Is4() {
		return valueError("An IPv4 address cannot be in brackets")
	}
	return nil
}

// hostinfo is urllib's _hostinfo: the host and the port text (ok false when
// there is no port).
func (u pyURL) hostinfo() (host, port string, ok bool) {
	hostinfo := u.netloc[strings.LastIndexByte(u.netloc, '@')+1:]
	if _, bracketed, found := strings.Cut(hostinfo, "["); found {
		var rest string
		host, rest, _ = strings.Cut(bracketed, "]")
		_, port, _ = strings.Cut(rest, ":")
	} else {
		host, port, _ = strings.Cut(hostinfo, ":")
	}
	return host, port, port != ""
}

// hostname is urllib's hostname, as the reference formats it: lower-cased
// before a zone, "None" when empty.
func (u pyURL) hostname() string {
	host, _, _ := u.hostinfo()
	if host == "" {
		return "None"
	}
	addr, zone, hasZone := strings.Cut(host, "%")
	if hasZone {
		return strings.ToLower(addr) + "%" + zone
	}
	return strings.ToLower(host)
}

// port is urllib's port: 0 when absent.
func (u pyURL) port() (int, error) {
	_, p, ok := u.hostinfo()
	if !ok {
		return 0, nil
	}
	for _, r := range p {
		if r > unicode.MaxASCII || !unicode.IsDigit(r) {
			return 0, valueError("Port could not be cast to integer value as %s", pyRepr(p))
		}
	}
	n, err := strconv.Atoi(p)
	if err != nil || n > 65535 {
		return 0, valueError("Port out of range 0-65535")
	}
	return n, nil
}

// password is urllib's password: the raw text after the first ":" of the
// userinfo (split at the last "@").
func (u pyURL) password() (string, bool) {
	at := strings.LastIndexByte(u.netloc, '@')
	if at < 0 {
		return "", false
	}
	_, pw, ok := strings.Cut(u.netloc[:at], ":")
	return pw, ok
}

// redactedNetloc is the netloc with a non-empty password shown as xxxxx.
func (u pyURL) redactedNetloc() string {
	at := strings.LastIndexByte(u.netloc, '@')
	if at < 0 {
		return u.netloc
	}
	user, pw, ok := strings.Cut(u.netloc[:at], ":")
	if !ok || pw == "" {
		return u.netloc
	}
	return user + ":" + core.Redacted + u.netloc[at:]
}

// pyCacheArgs is the reference's cache_args: parse_qs(query) with names
// upper-cased and repeated values joined with ";". A later name that
// upper-cases like an earlier one replaces its value.
func pyCacheArgs(query string) map[string]string {
	type field struct {
		name string
		vals []string
	}
	var fields []*field
	byName := map[string]*field{}
	for _, nv := range strings.Split(query, "&") {
		if nv == "" {
			continue
		}
		name, value, ok := strings.Cut(nv, "=")
		if !ok || value == "" {
			continue // keep_blank_values=False
		}
		name = pyUnquotePlus(name)
		value = pyUnquotePlus(value)
		f := byName[name]
		if f == nil {
			f = &field{name: name}
			byName[name] = f
			fields = append(fields, f)
		}
		f.vals = append(f.vals, value)
	}
	args := make(map[string]string, len(fields))
	for _, f := range fields {
		args[pyUpper(f.name)] = strings.Join(f.vals, ";")
	}
	return args
}

// pyUnquotePlus is urllib's unquote_plus with errors="replace".
func pyUnquotePlus(s string) string {
	s = strings.ReplaceAll(s, "+", " ")
	if !strings.Contains(s, "%") {
		return s
	}
	b := make([]byte, 0, len(s))
	for i := 0; i < len(s); i++ {
		if s[i] == '%' && i+2 < len(s) && isHex(s[i+1]) && isHex(s[i+2]) {
			v, _ := strconv.ParseUint(s[i+1:i+3], 16, 8)
			b = append(b, byte(v))
			i += 2
			continue
		}
		b = append(b, s[i])
	}
	return pyDecodeReplace(b)
}

func isHex(b byte) bool {
	return '0' <= b && b <= '9' || 'a' <= b && b <= 'f' || 'A' <= b && b <= 'F'
}

// pyDecodeReplace decodes UTF-8 as Python's errors="replace" does: one
// U+FFFD per maximal invalid subpart.
func pyDecodeReplace(b []byte) string {
	if utf8.Valid(b) {
		return string(b)
	}
	var sb strings.Builder
	for i := 0; i < len(b); {
		r, n := utf8.DecodeRune(b[i:])
		if r == utf8.RuneError && n == 1 {
			sb.WriteRune(utf8.RuneError)
			i += maximalSubpart(b[i:])
			continue
		}
		sb.WriteRune(r)
		i += n
	}
	return sb.String()
}

// maximalSubpart is the length of the longest prefix of b that starts a
// valid UTF-8 sequence (at least 1).
func maximalSubpart(b []byte) int {
	lo, hi := byte(0x80), byte(0xBF)
	var need int
	switch c := b[0]; {
	case 0xC2 <= c && c <= 0xDF:
		need = 1
	case c == 0xE0:
		need, lo = 2, 0xA0
	case c == 0xED:
		need, hi = 2, 0x9F
	case 0xE1 <= c && c <= 0xEF:
		need = 2
	case c == 0xF0:
		need, lo = 3, 0x90
	case c == 0xF4:
		need, hi = 3, 0x8F
	case 0xF1 <= c && c <= 0xF3:
		need = 3
	default:
		return 1
	}
	n := 1
	for k := 0; k < need && n < len(b); k++ {
		x := b[n]
		if k == 0 && (x < lo || x > hi) || k > 0 && (x < 0x80 || x > 0xBF) {
			break
		}
		n++
	}
	return n
}

// pyUpperSpecial are Python's one-to-many upper-case mappings that Go's
// unicode.ToUpper does not make.
var pyUpperSpecial = strings.NewReplacer("ß", "SS", "ŉ", "ʼN", "ﬀ", "FF", "ﬁ", "FI", "ﬂ", "FL", "ﬃ", "FFI", "ﬄ", "FFL", "ﬅ", "ST", "ﬆ", "ST")

// pyUpper is Python's str.upper (for the common cases).
func pyUpper(s string) string {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return strings.ToUpper(pyUpperSpecial.Replace(s))
		}
	}
	return strings.ToUpper(s)
}

// pyInt is Python's int(s): surrounding whitespace, a sign, Unicode
// decimal digits and single underscores between digits. The value is a
// json.Number, as Python ints have no size limit.
func pyInt(s string) (json.Number, error) {
	t := strings.TrimFunc(s, pyIsSpace)
	neg := false
	if t != "" && (t[0] == '+' || t[0] == '-') {
		neg = t[0] == '-'
		t = t[1:]
	}
	var digits []byte
	prevDigit := false
	for _, r := range t {
		switch {
		case r == '_' && prevDigit:
			prevDigit = false
			continue
		case unicode.IsDigit(r):
			digits = append(digits, byte('0'+digitValue(r)))
			prevDigit = true
			continue
		}
		return "", valueError("invalid literal for int() with base 10: %s", pyRepr(s))
	}
	if len(digits) == 0 || !prevDigit {
		return "", valueError("invalid literal for int() with base 10: %s", pyRepr(s))
	}
	n := strings.TrimLeft(string(digits), "0")
	if n == "" {
		return "0", nil
	}
	if neg {
		n = "-" + n
	}
	return json.Number(n), nil
}

// digitValue is the value of a Unicode decimal digit: digits come in
// aligned runs of ten, starting at zero.
func digitValue(r rune) int {
	start := r
	for unicode.IsDigit(start - 1) {
		start--
	}
	return int(r-start) % 10
}

func pyIsSpace(r rune) bool {
	return unicode.IsSpace(r) || (0x1c <= r && r <= 0x1f)
}

// pyRepr is Python's repr() of a str.
func pyRepr(s string) string {
	quote := byte('\'')
	if strings.ContainsRune(s, '\'') && !strings.ContainsRune(s, '"') {
		quote = '"'
	}
	var b strings.Builder
	b.WriteByte(quote)
	for _, r := range s {
		switch {
		case r == rune(quote) || r == '\\':
			b.WriteByte('\\')
			b.WriteRune(r)
		case r == '\t':
			b.WriteString(`\t`)
		case r == '\n':
			b.WriteString(`\n`)
		case r == '\r':
			b.WriteString(`\r`)
		case r == ' ' || unicode.IsPrint(r):
			b.WriteRune(r)
		case r < 0x100:
			fmt.Fprintf(&b, `\x%02x`, r)
		case r < 0x10000:
			fmt.Fprintf(&b, `\u%04x`, r)
		default:
			fmt.Fprintf(&b, `\U%08x`, r)
		}
	}
	b.WriteByte(quote)
	return b.String()
}
