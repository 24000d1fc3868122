package fuzz

import (
	"encoding/json"
	"fmt"
	"reflect"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/cacheurl/cacheurl/core"
	"github.com/cacheurl/cacheurl/internal/djangoref"
	"github.com/leanovate/gopter/prop"
)

// This file is the differential test of the Django view (docs/django.md):
// for every URL core accepts, core.Config.Django() must equal what
// django-cache-url 3.4.6 returns (internal/djangoref, the model of the
// reference checked against all its recorded outputs), except for the
// deliberate fixes docs/django.md lists. The oracle, referenceView, shares
// no logic with core: it rewrites the input text by the fixes that are a
// canonical spelling (fix 6: trimmed whitespace, decoded db, canonical
// userinfo, timeout in seconds, ...), asks the reference model, and
// rewrites the model's output by the fixes that change a value's shape
// (username kept, IPv6 brackets, sockets, a list for several hosts, ...),
// from the input text alone.

// FuzzDjangoReference checks the Django view of every URL core accepts
// against referenceView.
func FuzzDjangoReference(f *testing.F) { fuzzText(f, checkDjangoReference) }

// TestDjangoReferenceProperty runs the same check on the canonical URLs of
// generated configs of every family.
func TestDjangoReferenceProperty(t *testing.T) {
	t.Parallel()
	props := newProperties(t)
	props.Property("Django() is the reference's parse() but for the documented fixes", prop.ForAll(
		func(c core.Config) string { return checkDjangoReference(core.Format(c)) }, genConfig()))
	run(t, props)
}

// TestDjangoReferenceFixes pins the oracle on one URL per deliberate fix
// (docs/django.md's table), so that a change to it is seen.
func TestDjangoReferenceFixes(t *testing.T) {
	for _, in := range []string{
		"redis://u:p@h/2", "redis://u@h/0", // 1 username
		"redis://[::1]:6379/0", "redis://[fe80::1%25eth0]/0", "memcached://h1,[::1]:11211", // 2 IPv6
		"redis:///run/redis-6379.sock/1", "unix://u:pw@/run/r.sock?db=2", "unix:///var/run/redis/3", "unix:///1", // 3 socket db
		"redis://", "redis:///", "redis:///3", // 4 localhost
		"redis://h1:6379,H2:6380/0", "valkeys://:pw@a,b/1?max_entries=5", // 5 several hosts
		"redis://h/00", "redis://user:p@ss@h/0", "redis://:p%21@h/0", "file:///tmp/a%20b", // 6 canonical
		"locmem://%41", "redis://h/%31", "file://relative/dir", "file://C:/foo/bar",
		"db:///t", "uwsgicache:///x", "locmem://?version=02", " locmem:// ", "memcached://mc1:,mc2:011211", "memcached://u:a,b@h1,h2",
		"locmem://?timeout=5m", "locmem://?timeout=none", "locmem://?ttl=60", // 7 values
		"redis://h/?db=3", "redis://h/0?lib=redis-cache&timeout=5m&max_connections=4",
		"valkey://h/0", "rediscache://h/0", "dbcache://t", "dummycache://", // 8 new schemes
		"filecache:///tmp/c", "locmemcache://x", "memcache://h:11211", "pylibmc://h:11211",
		"redis:///tmp/ü.sock",               // 9 socket path encoded
		"redis://u:pw@h/1?lib=django-redis", // lib=django-redis
	} {
		if _, err := core.Parse(in); err != nil {
			t.Errorf("Parse(%q): %v", in, err)
			continue
		}
		if msg := checkDjangoReference(in); msg != "" {
			t.Error(msg)
		}
	}
}

// checkDjangoReference compares the Django view of in, when core accepts
// it, with referenceView; it returns what differs, or "".
func checkDjangoReference(in string) string {
	c, err := core.Parse(in)
	if err != nil || c.Topology == core.Sentinel || c.Topology == core.Cluster {
		return "" // rejected, or no Django view (FuzzDjango checks the error)
	}
	view, err := c.Django()
	if err != nil {
		return fmt.Sprintf("Django() of %q: %v", in, err)
	}
	want, err := referenceView(in)
	if err != nil {
		return fmt.Sprintf("the reference model rejects %q, which core accepts, after the documented rewrites: %v", in, err)
	}
	got, exp := asJSON(view), asJSON(want)
	if !reflect.DeepEqual(got, exp) {
		g, _ := json.Marshal(got)
		w, _ := json.Marshal(exp)
		return fmt.Sprintf("Django view of %q differs from the reference with the documented fixes:\n got %s\nwant %s", in, g, w)
	}
	return ""
}

// asJSON is v as encoding/json decodes its JSON (numbers as float64).
func asJSON(v any) any {
	b, err := json.Marshal(v)
	if err != nil {
		return err.Error()
	}
	var out any
	if err := json.Unmarshal(b, &out); err != nil {
		return err.Error()
	}
	return out
}

// newSchemes are fix 8: the schemes the reference does not know, as the
// reference scheme they render as.
var newSchemes = map[string]string{
	"valkey": "redis", "rediscache": "redis", "valkeys": "rediss", "unix": "redis",
	"dbcache": "db", "dummycache": "dummy", "filecache": "file", "locmemcache": "locmem",
	"memcache": "pymemcached", "pylibmc": "memcached",
}

// referenceView is the Django view docs/django.md requires for in, a URL
// core accepts (not Sentinel or Cluster), from the reference model and the
// input text alone.
func referenceView(in string) (map[string]any, error) {
	s := strings.Trim(in, " \t\r\n") // fix 6: surrounding whitespace
	i := strings.Index(s, "://")
	scheme, rest := strings.ToLower(s[:i]), s[i+3:]
	unix := scheme == "unix" // takes the db from ?db= only (docs/grammar.md)
	if ref, ok := newSchemes[scheme]; ok {
		scheme = ref // fix 8
	}
	rest, rawQuery, _ := strings.Cut(rest, "?")
	authority, path := rest, ""
	if j := strings.IndexByte(rest, '/'); j >= 0 {
		authority, path = rest[:j], rest[j:]
	}
	q := canonQuery(rawQuery, scheme == "redis" || scheme == "rediss" || scheme == "hiredis")

	var view map[string]any
	var err error
	switch scheme {
	case "redis", "rediss", "hiredis":
		view, err = redisReferenceView(scheme, unix, authority, path, q)
	case "memcached", "pymemcached", "pymemcache", "djangopylibmc", "elasticache":
		view, err = memcachedReferenceView(scheme, authority, path, q)
	case "file":
		// Fix 6: the whole directory, decoded (the reference keeps the
		// first segment of a relative one, as written).
		if view, err = djangoref.Parse("file:///x" + q.query); err == nil {
			view["LOCATION"] = pctDecode(rest, false)
		}
	default: // locmem, db, dummy, uwsgicache: a name
		if view, err = djangoref.Parse(scheme + "://" + q.query); err == nil {
			// Fix 6: the name decoded, without the leading '/' of
			// locmem:///x (and a lone trailing '/').
			name := authority
			if name == "" {
				name = strings.TrimSuffix(strings.TrimPrefix(path, "/"), "/")
			}
			if name = pctDecode(name, false); name != "" || scheme != "uwsgicache" {
				view["LOCATION"] = name
			}
		}
	}
	if err != nil {
		return nil, err
	}
	if q.never {
		view["TIMEOUT"] = nil // fix 7: none is never expire
	}
	return view, nil
}

// query is a query rewritten by the fixes that are canonical spellings.
type query struct {
	query string // "" or "?..." for the reference
	never bool   // timeout=none (fix 7)
	db    string // ?db= on a redis URL, canonical (fix 7), or ""
	lib   string // the lib parameter, decoded
}

// canonQuery rewrites a raw query for the reference: timeout (or its alias
// ttl) in whole seconds and none dropped (fix 7), version canonical (fix
// 6), and on redis ?db= taken out for LOCATION (fix 7); empty values are
// dropped, as both do.
func canonQuery(raw string, redis bool) query {
	var q query
	var kept []string
	for _, f := range strings.Split(raw, "&") {
		name, value, _ := strings.Cut(f, "=")
		if value == "" {
			continue
		}
		v := pctDecode(value, true)
		switch strings.ToLower(pctDecode(name, true)) {
		case "timeout", "ttl":
			if strings.EqualFold(v, "none") {
				q.never = true
				continue
			}
			f = "timeout=" + wholeSeconds(v)
		case "version":
			f = "version=" + canonInt(v)
		case "db":
			if redis {
				q.db = canonInt(v)
				continue
			}
		case "lib":
			q.lib = v
		}
		kept = append(kept, f)
	}
	if len(kept) > 0 {
		q.query = "?" + strings.Join(kept, "&")
	}
	return q
}

// wholeSeconds is a timeout in seconds: an integer, or a Go duration.
func wholeSeconds(v string) string {
	if d, err := time.ParseDuration(v); err == nil {
		return strconv.FormatInt(int64(d/time.Second), 10)
	}
	return canonInt(v)
}

// canonInt writes an integer of ASCII digits without leading zeros.
func canonInt(v string) string {
	if t := strings.TrimLeft(v, "0"); t != "" || v == "" {
		return t
	}
	return "0"
}

func allDigits(s string) bool {
	return s != "" && strings.Trim(s, "0123456789") == ""
}

// userinfo splits a raw userinfo as docs/grammar.md says (at the first
// ':') and decodes both parts; an empty password is none.
func userinfo(raw string) (user, password string) {
	u, p, _ := strings.Cut(raw, ":")
	return pctDecode(u, false), pctDecode(p, false)
}

// canonUserinfo is the canonical "user:password@", "user@", ":password@"
// or "" (fix 6).
func canonUserinfo(user, password string) string {
	switch {
	case password != "":
		return specEscape(user, false) + ":" + specEscape(password, false) + "@"
	case user != "":
		return specEscape(user, false) + "@"
	}
	return ""
}

// redisReferenceView is referenceView for the redis schemes.
func redisReferenceView(scheme string, unix bool, authority, path string, q query) (map[string]any, error) {
	rawUserinfo, hostList := "", authority
	if at := strings.LastIndexByte(authority, '@'); at >= 0 {
		rawUserinfo, hostList = authority[:at], authority[at+1:]
	}
	user, password := userinfo(rawUserinfo)
	locPassword := password
	if q.lib == "django-redis" {
		locPassword = "" // in OPTIONS.PASSWORD, as the reference 3.4.5 did
	}
	var view map[string]any
	var err error
	if hostList == "" && (unix || rawUserinfo != "" || path != "" && path != "/" && !allDigits(path[1:])) {
		// A unix socket: the reference reads the first digits of the path as
		// the db (fix 3), and writes the path raw and without the userinfo
		// (fix 9; unix:// URLs).
		socket, db := pctDecode(path, false), "0"
		if j := strings.LastIndexByte(path, '/'); j > 0 && allDigits(path[j+1:]) && !unix {
			socket, db = pctDecode(path[:j], false), canonInt(path[j+1:])
		}
		if q.db != "" {
			db = q.db
		}
		if view, err = djangoref.Parse(scheme + ":///socket" + q.query); err != nil {
			return nil, err
		}
		view["LOCATION"] = "unix://" + canonUserinfo(user, locPassword) + specEscape(socket, true) + "?db=" + db
	} else {
		if hostList == "" {
			hostList = "localhost" // fix 4
		}
		db := "0"
		if p := strings.TrimPrefix(path, "/"); p != "" {
			db = canonInt(pctDecode(p, false)) // fix 6
		}
		if q.db != "" {
			db = q.db
		}
		var locs []string
		for _, h := range strings.Split(hostList, ",") { // fix 5: one URL per host
			ui := ""
			if locPassword != "" {
				ui = ":" + specEscape(locPassword, false) + "@" // fix 6
			}
			if view, err = djangoref.Parse(scheme + "://" + ui + h + "/" + db + q.query); err != nil {
				return nil, err
			}
			loc := view["LOCATION"].(string)
			// The reference's LOCATION is scheme://[:password@]host:port/db.
			head, tail, _ := strings.Cut(loc, "://")
			at := strings.LastIndexByte(tail, '@') + 1
			hostPort := tail[at:strings.LastIndexByte(tail, '/')]
			colon := strings.LastIndexByte(hostPort, ':')
			host := hostPort[:colon]
			if strings.HasPrefix(h, "[") {
				host = "[" + host + "]" // fix 2
			}
			// Fix 1: the username kept.
			locs = append(locs, head+"://"+canonUserinfo(user, locPassword)+host+hostPort[colon:]+tail[strings.LastIndexByte(tail, '/'):])
		}
		if len(locs) == 1 {
			view["LOCATION"] = locs[0]
		} else {
			view["LOCATION"] = locs
		}
	}
	if q.lib == "django-redis" {
		view["BACKEND"] = "django_redis.cache.RedisCache"
		if password != "" {
			opts, _ := view["OPTIONS"].(map[string]any)
			if opts == nil {
				opts = map[string]any{}
				view["OPTIONS"] = opts
			}
			opts["PASSWORD"] = password
		}
	}
	return view, nil
}

// memcachedReferenceView is referenceView for the memcached schemes.
func memcachedReferenceView(scheme, authority, path string, q query) (map[string]any, error) {
	rawUserinfo, hostList := "", authority
	if at := strings.LastIndexByte(authority, '@'); at >= 0 {
		rawUserinfo, hostList = authority[:at], authority[at+1:]
	}
	if hostList == "" {
		// A socket: the path as decoded (fix 6).
		view, err := djangoref.Parse(scheme + ":///socket" + q.query)
		if err == nil {
			view["LOCATION"] = "unix://" + pctDecode(path, false)
		}
		return view, err
	}
	// Fix 6: canonical userinfo and ports (leading zeros and an empty port
	// dropped); the hosts as written.
	hosts := strings.Split(hostList, ",")
	for i, h := range hosts {
		j := strings.LastIndexByte(h, ':')
		if j < 0 || strings.HasSuffix(h, "]") {
			continue
		}
		if port := canonInt(h[j+1:]); port != "" {
			hosts[i] = h[:j+1] + port
		} else {
			hosts[i] = h[:j]
		}
	}
	ui := canonUserinfo(userinfo(rawUserinfo))
	view, err := djangoref.Parse(scheme + "://" + ui + strings.Join(hosts, ",") + q.query)
	if err != nil && err.Error() == "ValueError: Invalid IPv6 URL" && len(hosts) > 1 && strings.Contains(hostList, "[") {
		// Fix 2: an IPv6 host in a list, which urllib rejects (it checks
		// the netloc as one host): the reference's rule, the netloc with
		// ';' for ',', applies.
		view, err = djangoref.Parse(scheme + "://h" + q.query)
	}
	if err == nil && (ui != "" || len(hosts) > 1) {
		// Fix 6: the userinfo canonical, a ',' in it included (the
		// reference's ';' for ',' is for the host list).
		view["LOCATION"] = ui + strings.Join(hosts, ";")
	}
	return view, err
}
