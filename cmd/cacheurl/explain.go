package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"sort"
	"strconv"
	"strings"

	"github.com/cacheurl/cacheurl/core"
)

var explainCmd = command{
	name:    "explain",
	summary: "print a readable breakdown of a URL, and where django-cache-url, Django and go-redis read it differently",
	usage:   "explain [--show-secrets] [--input raw|json] [URL]",
}

func init() {
	explainCmd.run = runExplain
	register(explainCmd)
}

func runExplain(e *env, args []string) int {
	fs := newFlagSet(explainCmd)
	cf := addCommonFlags(fs)
	pos, err := parseArgs(fs, args)
	if err == nil && *cf.input != "raw" && *cf.input != "json" {
		err = fmt.Errorf("unknown --input %q: use raw or json", *cf.input)
	}
	if err == nil && len(pos) > 1 {
		err = fmt.Errorf("too many arguments (%d): give one URL", len(pos))
	}
	if err != nil {
		return usageError(e, fs, explainCmd, err)
	}
	raw, source, err := urlFromArgs(e, pos, *cf.input == "json")
	if err != nil {
		return usageError(e, fs, explainCmd, err)
	}
	var b strings.Builder
	status := explain(&b, raw, source, *cf.show)
	if _, err := io.WriteString(e.stdout, b.String()); err != nil {
		return writeFailed(e, err)
	}
	return status
}

// table writes aligned "key  value" lines; a value with several lines is
// continued under the value column.
type table struct {
	rows [][2]string
}

func (t *table) add(key, value string) { t.rows = append(t.rows, [2]string{key, value}) }

func (t *table) write(b *strings.Builder, indent string) {
	width := 0
	for _, r := range t.rows {
		width = max(width, len(r[0]))
	}
	for _, r := range t.rows {
		for i, line := range strings.Split(r[1], "\n") {
			key := r[0]
			if i > 0 {
				key = ""
			}
			fmt.Fprintf(b, "%s%-*s  %s\n", indent, width, key, line)
		}
	}
}

// explain writes the breakdown of raw to b and returns the exit status.
func explain(b *strings.Builder, raw, source string, show bool) int {
	c, err := core.Parse(raw)
	if err != nil {
		explainInvalid(b, raw, source, err, show)
		return exitFail
	}
	shown := c
	if !show {
		shown = c.Redact()
	}
	s, _ := core.LookupScheme(c.Scheme)

	var t table
	t.add("URL", core.Format(shown))
	if source != "" {
		t.add("from", "$"+source)
	}
	t.add("scheme", fmt.Sprintf("%s, a %s scheme: %s", s.Name, s.Dialect, s.Note))
	backend := string(c.Backend)
	if c.Topology != "" {
		backend += ", " + string(c.Topology)
	}
	t.add("backend", backend)
	describeLocation(&t, shown)
	if c.Username != "" {
		t.add("username", c.Username)
	}
	if c.Password != "" {
		t.add("password", shown.Password)
	}
	switch {
	case c.TTL.Never():
		t.add("TTL", "never (entries do not expire)")
	case c.TTL.IsSet():
		d, _ := c.TTL.Duration()
		secs, _ := c.TTL.Seconds()
		ttl := fmt.Sprintf("%d s", secs)
		if secs >= 60 {
			ttl += " (" + d.String() + ")"
		}
		if secs == 0 {
			ttl += " (entries expire at once)"
		}
		t.add("TTL", ttl)
	default:
		t.add("TTL", "not set (Django's default is 300 s)")
	}
	if c.KeyPrefix != "" {
		t.add("key prefix", c.KeyPrefix)
	}
	if c.Version != nil {
		t.add("version", strconv.Itoa(*c.Version))
	}
	if c.KeyFunction != "" {
		t.add("key function", c.KeyFunction)
	}
	if c.MaxEntries != nil {
		t.add("max entries", strconv.Itoa(*c.MaxEntries))
	}
	if c.CullFrequency != nil {
		t.add("cull frequency", strconv.Itoa(*c.CullFrequency))
	}
	if c.Lib != "" {
		t.add("lib", c.Lib)
	}
	if len(c.Options) == 0 {
		t.add("options", "none")
	} else {
		names := sortedKeys(shown.Options)
		lines := make([]string, len(names))
		for i, n := range names {
			lines[i] = n + " = " + shown.Options[n]
		}
		t.add("options", strings.Join(lines, "\n"))
	}
	t.write(b, "")

	view, viewErr := shown.Django()
	b.WriteString("\nDjango CACHES entry:\n")
	if viewErr != nil {
		var ce *core.Error
		msg := viewErr.Error()
		if errors.As(viewErr, &ce) {
			msg = ce.Msg
		}
		b.WriteString("  none: " + msg + "\n")
	} else {
		var dt table
		for _, k := range djangoKeyOrder(view) {
			dt.add(k, jsonText(view[k]))
		}
		dt.write(b, "  ")
	}

	warns := referenceWarnings(raw, c, view, viewErr, show)
	if viewErr == nil {
		warns = append(warns, djangoWarnings(c, view)...)
	}
	warns = append(warns, goRedisWarnings(c)...)
	writeWarnings(b, warns)
	return exitOK
}

// describeLocation adds where the cache is: addresses, socket, directory or
// name, and the redis db, master and TLS.
func describeLocation(t *table, c core.Config) {
	switch c.Backend {
	case core.BackendRedis:
		switch c.Topology {
		case core.Sentinel:
			t.add("master", c.Master)
			t.add("sentinels", strings.Join(c.Hosts, "\n"))
		case core.Cluster:
			t.add("seed nodes", strings.Join(c.Hosts, "\n"))
		default:
			switch {
			case c.Socket != "":
				t.add("socket", c.Socket)
			case len(c.Hosts) == 1:
				t.add("address", c.Hosts[0])
			default:
				lines := make([]string, len(c.Hosts))
				for i, h := range c.Hosts {
					role := "replica"
					if i == 0 {
						role = "primary"
					}
					lines[i] = h + " (" + role + ")"
				}
				t.add("addresses", strings.Join(lines, "\n"))
			}
		}
		if c.Topology != core.Cluster {
			t.add("db", strconv.Itoa(c.DB))
		}
		tls := "no"
		if c.TLS {
			tls = "yes"
		}
		t.add("TLS", tls)
	case core.BackendMemcached:
		if c.Socket != "" {
			t.add("socket", c.Socket)
			break
		}
		key := "server"
		if len(c.Hosts) > 1 {
			key = "servers"
		}
		lines := make([]string, len(c.Hosts))
		for i, h := range c.Hosts {
			lines[i] = h
			if !hasPort(h) {
				lines[i] += " (port 11211, the clients' default)"
			}
		}
		t.add(key, strings.Join(lines, "\n"))
	case core.BackendFile:
		t.add("directory", c.Path)
	case core.BackendDB:
		t.add("table", c.Path)
	case core.BackendUWSGI:
		name := c.Path
		if name == "" {
			name = "default"
		}
		t.add("cache name", name)
	default:
		name := c.Path
		if name == "" {
			name = `"" (unnamed)`
		}
		t.add("name", name)
	}
}

// hasPort reports whether a "host[:port]" (IPv6 in brackets) has a port.
func hasPort(h string) bool {
	if i := strings.LastIndexByte(h, ']'); i >= 0 {
		return strings.HasPrefix(h[i+1:], ":")
	}
	return strings.Contains(h, ":")
}

// djangoKeyOrder lists a view's keys: BACKEND, LOCATION, OPTIONS, TIMEOUT,
// KEY_PREFIX, VERSION, KEY_FUNCTION, then the others sorted.
func djangoKeyOrder(view map[string]any) []string {
	first := []string{"BACKEND", "LOCATION", "OPTIONS", "TIMEOUT", "KEY_PREFIX", "VERSION", "KEY_FUNCTION"}
	var keys []string
	seen := map[string]bool{}
	for _, k := range first {
		if _, ok := view[k]; ok {
			keys = append(keys, k)
			seen[k] = true
		}
	}
	var rest []string
	for k := range view {
		if !seen[k] {
			rest = append(rest, k)
		}
	}
	sort.Strings(rest)
	return append(keys, rest...)
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// jsonText is v as compact JSON, without HTML escaping.
func jsonText(v any) string {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return fmt.Sprint(v)
	}
	return strings.TrimSuffix(buf.String(), "\n")
}

func writeWarnings(b *strings.Builder, warns []string) {
	if len(warns) == 0 {
		b.WriteString("\nWarnings: none\n")
		return
	}
	b.WriteString("\nWarnings:\n")
	for _, w := range warns {
		b.WriteString("  - " + w + "\n")
	}
}

// explainInvalid writes the error with a caret, and what django-cache-url
// would have made of the URL.
func explainInvalid(b *strings.Builder, raw, source string, err error, show bool) {
	var ce *core.Error
	if !errors.As(err, &ce) {
		b.WriteString("invalid URL: " + err.Error() + "\n")
		return
	}
	b.WriteString("invalid URL")
	if source != "" {
		b.WriteString(" in $" + source)
	}
	fmt.Fprintf(b, " (%s): %s\n", ce.Kind.Code(), ce.Msg)
	if ce.Input != "" && ce.Kind != core.ErrTooLong {
		for _, line := range strings.Split(safeCaret(ce), "\n") {
			b.WriteString("    " + line + "\n")
		}
	}
	var warns []string
	ref, refErr := referenceParse(raw, !show)
	if refErr != nil {
		warns = append(warns, "django-cache-url 3.4.6 rejects it too ("+refErr.Error()+")")
	} else {
		w := "django-cache-url 3.4.6 accepts it, and a Django service reading it gets " + jsonText(ref)
		if to, ok := ref["TIMEOUT"].(string); ok {
			if _, err := pyInt(to); err != nil {
				w += fmt.Sprintf("; Django cannot read TIMEOUT %s as a number and silently uses 300 s", jsonText(to))
			}
		}
		warns = append(warns, w)
	}
	writeWarnings(b, warns)
}

// djangoTopLevelKeys are the top-level keys of a CACHES entry Django reads.
var djangoTopLevelKeys = map[string]bool{
	"BACKEND": true, "LOCATION": true, "TIMEOUT": true, "OPTIONS": true,
	"KEY_PREFIX": true, "VERSION": true, "KEY_FUNCTION": true,
}

// referenceWarnings says where django-cache-url 3.4.6 gives something else
// than the Django view (the deliberate fixes of docs/django.md).
func referenceWarnings(raw string, c core.Config, view map[string]any, viewErr error, show bool) []string {
	ref, refErr := referenceParse(raw, !show)
	s, _ := core.LookupScheme(c.Scheme)
	if refErr != nil {
		w := "django-cache-url 3.4.6 rejects this URL (" + refErr.Error() + ")"
		switch {
		case c.Topology == core.Sentinel || c.Topology == core.Cluster:
			w += ": it has no Redis " + titleCase(string(c.Topology)) + " support"
		case s.Dialect != "django-cache-url" && s.DjangoScheme != "":
			w += fmt.Sprintf(": it does not know %s://, which cacheurl renders as its %s://", s.Name, s.DjangoScheme)
		case c.Backend == core.BackendRedis && len(c.Hosts) > 1:
			w += ": it cannot read several redis hosts; cacheurl's Django view gives LOCATION as a list (primary first, then replicas), which Django's RedisCache takes"
		}
		return []string{w}
	}
	if viewErr != nil {
		return []string{"django-cache-url 3.4.6 accepts it and gives " + jsonText(ref) + ", but cacheurl has no Django view of it"}
	}
	var warns []string
	for _, k := range unionKeys(ref, view) {
		rv, rok := ref[k]
		vv, vok := view[k]
		if k == "OPTIONS" && rok && vok {
			ro, _ := rv.(map[string]any)
			vo, _ := vv.(map[string]any)
			if ro != nil && vo != nil {
				for _, sub := range unionKeys(ro, vo) {
					r, rin := ro[sub]
					v, vin := vo[sub]
					if rin && vin && jsonText(r) == jsonText(v) {
						continue
					}
					warns = append(warns, refDiff("OPTIONS."+sub, r, v, rin, vin, ""))
				}
				continue
			}
		}
		if rok && vok && jsonText(rv) == jsonText(vv) {
			continue
		}
		warns = append(warns, refDiff(k, rv, vv, rok, vok, refReason(k, raw, c, rv, vv, rok, vok)))
	}
	return warns
}

func titleCase(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

func unionKeys(a, b map[string]any) []string {
	m := make(map[string]any, len(a)+len(b))
	for k := range a {
		m[k] = nil
	}
	for k := range b {
		m[k] = nil
	}
	return djangoKeyOrder(m)
}

func refDiff(key string, rv, vv any, rok, vok bool, reason string) string {
	var w string
	switch {
	case rok && vok:
		w = fmt.Sprintf("django-cache-url 3.4.6 gives %s %s, cacheurl %s", key, jsonText(rv), jsonText(vv))
	case rok:
		w = fmt.Sprintf("django-cache-url 3.4.6 also sets %s %s", key, jsonText(rv))
	default:
		w = fmt.Sprintf("django-cache-url 3.4.6 does not set %s (cacheurl: %s)", key, jsonText(vv))
	}
	if reason != "" {
		w += ": " + reason
	}
	return w
}

// refReason explains a difference between django-cache-url and the Django
// view, by the deliberate fix it comes from.
func refReason(key, raw string, c core.Config, rv, vv any, rok, vok bool) string {
	if rs, ok := rv.(string); ok && raw != strings.TrimSpace(raw) && strings.TrimSpace(rs) == vv {
		return "cacheurl trims the whitespace around the URL"
	}
	switch key {
	case "LOCATION":
		switch c.Backend {
		case core.BackendRedis:
			rs, _ := rv.(string)
			switch {
			case c.Socket == "" && strings.HasPrefix(rs, "unix://"):
				return "it reads an empty host as a unix socket; cacheurl, like redis-py and go-redis, uses localhost:6379"
			case len(c.Hosts) > 1:
				return "it reads the comma-separated hosts as one host name; cacheurl gives one URL per host (primary first, then replicas), as Django's RedisCache takes them"
			case c.Username != "":
				return "it drops the username (Redis 6 ACL user), so Django would log in as the default user"
			case len(c.Hosts) > 0 && strings.HasPrefix(c.Hosts[0], "["):
				return "it drops the brackets of the IPv6 address, which makes the URL invalid"
			case c.Socket != "":
				return "it takes the first digits in the socket path as the db; cacheurl takes the db from a trailing /N only"
			}
			return "cacheurl writes it canonically (db as a number, userinfo re-encoded, path decoded)"
		case core.BackendFile:
			if !strings.HasPrefix(c.Path, "/") {
				return "it keeps only the first segment of a relative or drive path; cacheurl keeps the whole directory"
			}
			return "cacheurl decodes the path"
		case core.BackendMemcached:
			return "cacheurl writes the userinfo canonically and the hosts as parsed"
		}
		return "cacheurl reads the name decoded, without a leading /"
	case "TIMEOUT":
		switch {
		case vok && vv == nil:
			return "it passes the text through, and Django silently uses 300 s for a TIMEOUT it cannot read as a number; cacheurl's null means never expire"
		case !rok:
			return "cacheurl reads ttl as timeout"
		}
		if rs, ok := rv.(string); ok {
			if _, err := pyInt(rs); err != nil {
				return "Django cannot read it as a number and silently uses 300 s; cacheurl gives whole seconds"
			}
		}
		return "the same number of seconds, written canonically"
	case "TTL":
		return "it does not know ttl (cacheurl's alias of timeout) and passes it on as TTL, which Django ignores, so Django's default 300 s applies"
	case "DB":
		return "it does not read ?db=: Django ignores a top-level DB and would use the db in LOCATION; cacheurl puts the db in LOCATION"
	case "VERSION":
		return "cacheurl writes the version as a canonical integer"
	}
	return ""
}

// djangoWarnings says which values Django would silently ignore.
func djangoWarnings(c core.Config, view map[string]any) []string {
	var warns []string
	backend, _ := view["BACKEND"].(string)
	short := backend[strings.LastIndexByte(backend, '.')+1:]
	if c.Backend == core.BackendRedis || c.Backend == core.BackendMemcached {
		var names []string
		if c.MaxEntries != nil {
			names = append(names, "MAX_ENTRIES")
		}
		if c.CullFrequency != nil {
			names = append(names, "CULL_FREQUENCY")
		}
		if len(names) > 0 {
			warns = append(warns, fmt.Sprintf(
				"Django's %s does not cull, so it ignores %s (only the locmem, file and db backends use them); it hands OPTIONS to its client library as arguments",
				short, strings.Join(names, " and ")))
		}
	}
	redisCacheTCP := c.Lib == "redis-cache" && c.Socket == ""
	var ignored []string
	for k := range view {
		if djangoTopLevelKeys[k] || k == "LIB" {
			continue
		}
		if redisCacheTCP && (k == "PARSER_CLASS" || k == "CONNECTION_POOL_CLASS" || k == "MAX_CONNECTIONS") {
			continue // also copied into OPTIONS
		}
		ignored = append(ignored, k)
	}
	sort.Strings(ignored)
	if len(ignored) > 0 {
		warns = append(warns, fmt.Sprintf(
			"Django ignores the top-level %s %s: django-cache-url puts query parameters it does not know there, not in OPTIONS",
			plural(len(ignored), "key", "keys"), strings.Join(ignored, ", ")))
	}
	if c.Scheme == "hiredis" && c.Lib == "" {
		warns = append(warns, "Django's built-in RedisCache takes its parser as OPTIONS parser_class (lower case); it hands django-cache-url's PARSER_CLASS to redis-py as a connection argument, so hiredis is not selected this way")
	}
	if redisCacheTCP && c.TTL.IsSet() {
		warns = append(warns, "with lib=redis-cache, timeout is both Django's TIMEOUT and the connection pool's timeout (OPTIONS.CONNECTION_POOL_CLASS_KWARGS)")
	}
	return warns
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}
