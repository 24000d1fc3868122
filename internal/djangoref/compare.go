package djangoref

import (
	"bytes"
	"encoding/json"
	"fmt"
	"slices"
	"sort"
	"strings"

	"github.com/cacheurl/cacheurl/core"
)

// Differences says, one sentence each, where django-cache-url 3.4.6 reads
// raw differently from core's Django view ([core.Config.Django]), and why:
// each difference of a URL both accept comes from a deliberate fix of the
// view (docs/django.md). For a URL core rejects it says what the reference
// does with it instead. Secrets are shown as [core.Redacted] unless reveal.
// It returns nil when the reference gives exactly the Django view.
func Differences(raw string, reveal bool) []string {
	ref, refErr := parse(raw, !reveal)
	c, err := core.Parse(raw)
	if err != nil {
		if refErr != nil {
			return []string{"django-cache-url 3.4.6 rejects it too (" + refErr.Error() + ")"}
		}
		w := "django-cache-url 3.4.6 accepts it, and a Django service reading it gets " + jsonText(ref)
		if to, ok := ref["TIMEOUT"].(string); ok {
			if _, err := pyInt(to); err != nil {
				w += fmt.Sprintf("; Django cannot read TIMEOUT %s as a number and silently uses 300 s", jsonText(to))
			}
		}
		return []string{w}
	}
	if refErr != nil {
		s, _ := core.LookupScheme(c.Scheme)
		w := "django-cache-url 3.4.6 rejects this URL (" + refErr.Error() + ")"
		switch {
		case c.Topology == core.Sentinel || c.Topology == core.Cluster:
			topology := string(c.Topology)
			w += ": it has no Redis " + strings.ToUpper(topology[:1]) + topology[1:] + " support"
		case s.Dialect != "django-cache-url" && s.DjangoScheme != "":
			w += fmt.Sprintf(": it does not know %s://, which cacheurl renders as its %s://", s.Name, s.DjangoScheme)
		case c.Backend == core.BackendRedis && len(c.Hosts) > 1:
			w += ": it cannot read several redis hosts; cacheurl's Django view gives LOCATION as a list (primary first, then replicas), which Django's RedisCache takes"
		case c.Backend == core.BackendMemcached && len(c.Hosts) > 1 && strings.Contains(strings.Join(c.Hosts, ","), "["):
			w += ": urllib checks the host list as one host, which an IPv6 address in it fails; cacheurl gives the hosts as written, joined with ;"
		}
		return []string{w}
	}
	shown := c
	if !reveal {
		shown = c.Redact()
	}
	view, err := shown.Django()
	if err != nil {
		return []string{"django-cache-url 3.4.6 accepts it and gives " + jsonText(ref) + ", but cacheurl has no Django view of it"}
	}
	var diffs []string
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
					diffs = append(diffs, difference("OPTIONS."+sub, r, v, rin, vin, ""))
				}
				continue
			}
		}
		if rok && vok && jsonText(rv) == jsonText(vv) {
			continue
		}
		diffs = append(diffs, difference(k, rv, vv, rok, vok, reason(k, raw, c, rv, vv, rok, vok)))
	}
	return diffs
}

var firstKeys = []string{"BACKEND", "LOCATION", "OPTIONS", "TIMEOUT", "KEY_PREFIX", "VERSION", "KEY_FUNCTION"}

// KeyOrder lists the keys of a CACHES entry in the order people read them:
// BACKEND, LOCATION, OPTIONS, TIMEOUT, KEY_PREFIX, VERSION, KEY_FUNCTION,
// then the others sorted.
func KeyOrder(view map[string]any) []string {
	var keys, rest []string
	for _, k := range firstKeys {
		if _, ok := view[k]; ok {
			keys = append(keys, k)
		}
	}
	for k := range view {
		if !slices.Contains(firstKeys, k) {
			rest = append(rest, k)
		}
	}
	sort.Strings(rest)
	return append(keys, rest...)
}

func unionKeys(a, b map[string]any) []string {
	m := make(map[string]any, len(a)+len(b))
	for k := range a {
		m[k] = nil
	}
	for k := range b {
		m[k] = nil
	}
	return KeyOrder(m)
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

func difference(key string, rv, vv any, rok, vok bool, reason string) string {
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

// reason explains a difference between django-cache-url and the Django
// view of c, by the deliberate fix it comes from.
func reason(key, raw string, c core.Config, rv, vv any, rok, vok bool) string {
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
