package koanfprovider

import (
	"fmt"
	"math"
	"reflect"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/cacheurl/cacheurl/core"
)

// Koanf is the part of *koanf.Koanf that [Expand] reads. Declaring it here
// keeps koanf out of this package's imports, as koanf's own providers do.
type Koanf interface {
	// Get returns the value at a key path: a nested map[string]any for a
	// subtree, nil when the path does not exist.
	Get(path string) any
	// Delim returns the key path delimiter.
	Delim() string
}

// ExpandProvider expands URL keys already loaded into a koanf instance.
// Create it with [Expand].
type ExpandProvider struct {
	k   Koanf
	opt Opt
}

// Expand returns a koanf provider that reads cache.url (opt.Prefix + ".url")
// from k, after a file, env, confmap or flag provider has loaded it, and
// returns the URL's structured keys beside it. With opt.Named it does so for
// every caches.<name>.url (and caches.default is always present).
//
// Load it after the providers that set the keys, once:
//
//	k.Load(file.Provider("config.yaml"), yaml.Parser())
//	k.Load(koanfprovider.Expand(k, koanfprovider.Opt{}), nil)
//	k.Unmarshal("cache", &cfg)
//
// The rules:
//
//   - Keys set explicitly beside the URL win over values from the URL
//     (cache.ttl: 60s beats ?timeout=300; a password kept out of the URL
//     in cache.password is used), unless opt.URLWins is set, in which case
//     they only fill in what the URL leaves unset. A key whose value is
//     empty ("", an empty list, false, db 0, null) counts as not set, so a
//     flag's empty default does not clear the URL's value.
//   - hosts, socket and path are one location: setting any of them replaces
//     the URL's whole location. Setting scheme replaces the backend, tls and
//     topology the URL's scheme implied.
//   - Explicit values are normalised to the key layout, so koanf's default
//     Unmarshal decodes them: ttl: 60 (a number of seconds) becomes "60s",
//     numbers given as strings by env or flag providers become ints,
//     hosts: "a:11211,b:11211" becomes a list.
//   - The merged result is checked with [core.Config.Normalize] and returned
//     in its canonical form (redis ports filled in, backend from scheme), so
//     cache.backend: memcached beside a redis URL is an error.
//   - A value at the prefix that is a URL string (cache: redis://...) is
//     expanded too, into cache.url and the keys.
//   - When neither the url key nor any other key is set, the URL is
//     opt.Default (locmem://), or with opt.Strict an error matching
//     [core.ErrNotSet].
//
// Keys under the prefix that core.Config does not have are left alone.
// Expand reads k when koanf calls Read, so run it after every provider
// whose keys it should see; running it again after loading a different URL
// would treat the first expansion's keys as explicit.
func Expand(k Koanf, opt Opt) *ExpandProvider {
	return &ExpandProvider{k: k, opt: opt}
}

// ReadBytes is not supported: it returns [ErrNotSupported].
func (p *ExpandProvider) ReadBytes() ([]byte, error) { return nil, ErrNotSupported }

// Read expands the URL keys and returns the keys to merge as a nested map.
// Errors are [*Error] values naming the key path.
func (p *ExpandProvider) Read() (map[string]any, error) {
	delim := p.k.Delim()
	prefix := p.opt.prefix()
	v := p.k.Get(prefix)
	if !p.opt.Named {
		m, err := p.expandOne(prefix, delim, v)
		if err != nil {
			return nil, err
		}
		return nest(prefix, delim, m), nil
	}
	caches, ok := asMap(v)
	if !ok && v != nil {
		return nil, &Error{Key: prefix, Err: &core.Error{Kind: core.ErrMalformed,
			Msg: fmt.Sprintf("%s must be a map of named caches, not %s", prefix, describe(v, true))}}
	}
	names := make([]string, 0, len(caches)+1)
	for name := range caches {
		names = append(names, name)
	}
	if _, ok := caches[DefaultName]; !ok {
		names = append(names, DefaultName)
	}
	sort.Strings(names)
	out := make(map[string]any, len(names))
	for _, name := range names {
		m, err := p.expandOne(joinPath(delim, prefix, name), delim, caches[name])
		if err != nil {
			return nil, err
		}
		out[name] = m
	}
	return nest(prefix, delim, out), nil
}

// expandOne expands the cache at key path path whose current value is v.
func (p *ExpandProvider) expandOne(path, delim string, v any) (map[string]any, error) {
	urlPath := joinPath(delim, path, URLKey)
	var (
		raw     string
		sub     map[string]any
		emitURL bool // the url key is not in k yet
	)
	m, isMap := asMap(v)
	switch t := v.(type) {
	case nil:
	case string:
		raw, emitURL, urlPath = t, true, path
	default:
		if !isMap {
			return nil, &Error{Key: path, Err: &core.Error{Kind: core.ErrMalformed,
				Msg: fmt.Sprintf("%s must be a URL string or a map of keys, not %s", path, describe(v, true))}}
		}
		sub = m
		if u, ok := lookupKey(m, URLKey); ok && u != nil {
			s, ok := u.(string)
			if !ok {
				return nil, &Error{Key: urlPath, Err: &core.Error{Kind: core.ErrMalformed,
					Msg: fmt.Sprintf("%s must be a URL string, not %s", urlPath, describe(u, true))}}
			}
			raw = s
		}
	}
	hasURL := strings.TrimSpace(raw) != ""

	x, err := decodeExplicit(sub, path, delim)
	if err != nil {
		return nil, err
	}
	if !hasURL && len(x.set) == 0 && len(x.opts) == 0 {
		if p.opt.Strict {
			return nil, &Error{Key: urlPath, Err: &core.Error{Kind: core.ErrNotSet, Msg: urlPath + " is not set"}}
		}
		raw, hasURL, emitURL = p.opt.defaultURL(), true, true
	}

	var u core.Config
	if hasURL {
		if u, err = core.Parse(raw); err != nil {
			return nil, &Error{Key: urlPath, Err: err}
		}
	} else if !x.set["scheme"] {
		return nil, &Error{Key: urlPath, Err: &core.Error{Kind: core.ErrMalformed,
			Msg: fmt.Sprintf("neither %s nor %s is set", urlPath, joinPath(delim, path, "scheme"))}}
	}

	merged := combine(u, hasURL, x, p.opt.URLWins)
	n, err := merged.Normalize()
	if err != nil {
		if hasURL && (len(x.set) > 0 || len(x.opts) > 0) {
			err = fmt.Errorf("explicit %s over %s: %w", x.list(path, delim), urlPath, err)
		}
		return nil, &Error{Key: path, Err: err}
	}

	out := keysOf(n)
	// An explicit key that lost (to the URL, or to the scheme it implies)
	// and has no value in the result would survive the merge in koanf: give
	// it its empty value.
	for name := range x.set {
		if _, ok := out[name]; !ok {
			if z, ok := zeroValue(fields[name]); ok {
				out[name] = z
			}
		}
	}
	if emitURL {
		out[URLKey] = strings.TrimSpace(raw)
	}
	return out, nil
}

// fieldKind is how an explicit key is decoded.
type fieldKind uint8

const (
	kindString fieldKind = iota
	kindBool
	kindInt    // db: 0 is "not set"
	kindOptInt // version, max_entries, cull_frequency: 0 is a value
	kindTTL
	kindHosts
	kindOptions
)

// fields are the keys of core.Config (its koanf tags), by kind.
var fields = map[string]fieldKind{
	"scheme":         kindString,
	"backend":        kindString,
	"tls":            kindBool,
	"topology":       kindString,
	"master":         kindString,
	"hosts":          kindHosts,
	"socket":         kindString,
	"path":           kindString,
	"username":       kindString,
	"password":       kindString,
	"db":             kindInt,
	"ttl":            kindTTL,
	"key_prefix":     kindString,
	"version":        kindOptInt,
	"key_function":   kindString,
	"max_entries":    kindOptInt,
	"cull_frequency": kindOptInt,
	"lib":            kindString,
	"options":        kindOptions,
}

// zeroValue is the plain value of an unset field.
func zeroValue(k fieldKind) (any, bool) {
	switch k {
	case kindString, kindTTL:
		return "", true
	case kindBool:
		return false, true
	case kindInt:
		return 0, true
	case kindHosts:
		return []string{}, true
	}
	return nil, false
}

// explicit is what the keys beside the URL set.
type explicit struct {
	c    core.Config
	set  map[string]bool // field names with a non-empty value
	opts map[string]bool // option names with a non-empty value
}

// list names the explicit keys, sorted, as key paths.
func (x explicit) list(path, delim string) string {
	var names []string
	for name := range x.set {
		names = append(names, joinPath(delim, path, name))
	}
	for name := range x.opts {
		names = append(names, joinPath(delim, path, "options", name))
	}
	sort.Strings(names)
	return strings.Join(names, ", ")
}

// asMap returns v as a map[string]any: koanf's nested maps are that type,
// but a value set with k.Set keeps its own map type (map[string]string).
func asMap(v any) (map[string]any, bool) {
	if m, ok := v.(map[string]any); ok {
		return m, true
	}
	rv := reflect.ValueOf(v)
	if rv.Kind() != reflect.Map || rv.Type().Key().Kind() != reflect.String {
		return nil, false
	}
	m := make(map[string]any, rv.Len())
	iter := rv.MapRange()
	for iter.Next() {
		m[iter.Key().String()] = iter.Value().Interface()
	}
	return m, true
}

// lookupKey finds key in m, exactly or else case-insensitively, as
// mapstructure (koanf's Unmarshal) matches field names.
func lookupKey(m map[string]any, key string) (any, bool) {
	if v, ok := m[key]; ok {
		return v, true
	}
	for k, v := range m {
		if strings.EqualFold(k, key) {
			return v, true
		}
	}
	return nil, false
}

// decodeExplicit decodes the keys of sub (the subtree at path) that are
// core.Config fields.
func decodeExplicit(sub map[string]any, path, delim string) (explicit, error) {
	x := explicit{set: map[string]bool{}, opts: map[string]bool{}}
	keys := make([]string, 0, len(sub))
	for k := range sub {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		name := strings.ToLower(k)
		kind, ok := fields[name]
		if !ok {
			continue
		}
		if _, exact := sub[name]; exact && name != k {
			continue // the exact key wins, as in mapstructure
		}
		v := sub[k]
		if v == nil {
			continue
		}
		keyPath := joinPath(delim, path, k)
		if err := x.decode(name, kind, keyPath, v, delim); err != nil {
			if ke, ok := err.(*Error); ok {
				return explicit{}, ke // an option's error, already naming its key
			}
			return explicit{}, &Error{Key: keyPath, Err: err}
		}
	}
	return x, nil
}

// decode decodes the value v of the field name into x.
func (x *explicit) decode(name string, kind fieldKind, keyPath string, v any, delim string) error {
	secret := name == "password"
	switch kind {
	case kindString:
		s, ok := toString(v)
		if !ok {
			return typeError(name, "a string", v, secret)
		}
		if s == "" {
			return nil
		}
		setString(&x.c, name, s)
	case kindBool:
		b, ok := toBool(v)
		if !ok {
			return typeError(name, "true or false", v, secret)
		}
		if !b {
			return nil
		}
		x.c.TLS = true
	case kindInt, kindOptInt:
		if s, ok := v.(string); ok && strings.TrimSpace(s) == "" {
			return nil
		}
		n, ok := toInt(v)
		if !ok {
			return typeError(name, "an integer", v, secret)
		}
		switch name {
		case "db":
			if n == 0 {
				return nil
			}
			x.c.DB = n
		case "version":
			x.c.Version = &n
		case "max_entries":
			x.c.MaxEntries = &n
		case "cull_frequency":
			x.c.CullFrequency = &n
		}
	case kindTTL:
		t, err := toTTL(v)
		if err != nil {
			return err
		}
		if !t.IsSet() {
			return nil
		}
		x.c.TTL = t
	case kindHosts:
		hs, ok := toHosts(v)
		if !ok {
			return typeError(name, `a list of "host:port" strings`, v, secret)
		}
		if len(hs) == 0 {
			return nil
		}
		x.c.Hosts = hs
	case kindOptions:
		m, ok := asMap(v)
		if !ok {
			return typeError(name, "a map of option names to values", v, secret)
		}
		for _, k := range sortedKeys(m) {
			ov := m[k]
			if ov == nil {
				continue
			}
			on := strings.ToLower(k)
			if on != k {
				return &Error{Key: joinPath(delim, keyPath, k), Err: &core.Error{Kind: core.ErrInvalidParameter,
					Msg: fmt.Sprintf("option names are lower-case in keys, as in URLs: write %s", joinPath(delim, keyPath, on))}}
			}
			s, ok := toString(ov)
			if !ok {
				optPath := joinPath(delim, keyPath, k)
				return &Error{Key: optPath, Err: typeError("option "+on, "a string", ov, core.IsCredentialOption(on))}
			}
			if s == "" {
				continue
			}
			if x.c.Options == nil {
				x.c.Options = map[string]string{}
			}
			x.c.Options[on] = s
			x.opts[on] = true
		}
		return nil
	}
	x.set[name] = true
	return nil
}

func sortedKeys(m map[string]any) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

func setString(c *core.Config, name, s string) {
	switch name {
	case "scheme":
		c.Scheme = s
	case "backend":
		c.Backend = core.Backend(s)
	case "topology":
		c.Topology = core.Topology(s)
	case "master":
		c.Master = s
	case "socket":
		c.Socket = s
	case "path":
		c.Path = s
	case "username":
		c.Username = s
	case "password":
		c.Password = s
	case "key_prefix":
		c.KeyPrefix = s
	case "key_function":
		c.KeyFunction = s
	case "lib":
		c.Lib = s
	}
}

// combine merges the explicit keys x over the URL's config u (hasURL false:
// there is no URL). With urlWins, an explicit value is taken only where the
// URL leaves the field unset.
func combine(u core.Config, hasURL bool, x explicit, urlWins bool) core.Config {
	r := u
	r.Hosts = append([]string(nil), u.Hosts...)
	if len(r.Hosts) == 0 {
		r.Hosts = nil
	}
	r.Options = nil
	if len(u.Options) > 0 {
		r.Options = make(map[string]string, len(u.Options)+len(x.opts))
		for k, v := range u.Options {
			r.Options[k] = v
		}
	}
	e := x.c
	// take reports whether the explicit value of name replaces the URL's;
	// urlHas says whether the URL sets the field.
	take := func(name string, urlHas bool) bool {
		return x.set[name] && (!urlWins || !hasURL || !urlHas)
	}
	if take("scheme", true) {
		r.Scheme, r.Backend, r.TLS, r.Topology = e.Scheme, "", false, ""
	}
	// backend, tls and topology come with the URL's scheme.
	if take("backend", true) {
		r.Backend = e.Backend
	}
	if take("tls", true) {
		r.TLS = e.TLS
	}
	if take("topology", true) {
		r.Topology = e.Topology
	}
	urlLocation := len(u.Hosts) > 0 || u.Socket != "" || u.Path != ""
	if (x.set["hosts"] || x.set["socket"] || x.set["path"]) && (!urlWins || !hasURL || !urlLocation) {
		r.Hosts, r.Socket, r.Path = e.Hosts, e.Socket, e.Path
	}
	if take("master", u.Master != "") {
		r.Master = e.Master
	}
	if take("username", u.Username != "") {
		r.Username = e.Username
	}
	if take("password", u.Password != "") {
		r.Password = e.Password
	}
	if take("db", u.DB != 0) {
		r.DB = e.DB
	}
	if take("ttl", u.TTL.IsSet()) {
		r.TTL = e.TTL
	}
	if take("key_prefix", u.KeyPrefix != "") {
		r.KeyPrefix = e.KeyPrefix
	}
	if take("version", u.Version != nil) {
		r.Version = e.Version
	}
	if take("key_function", u.KeyFunction != "") {
		r.KeyFunction = e.KeyFunction
	}
	if take("max_entries", u.MaxEntries != nil) {
		r.MaxEntries = e.MaxEntries
	}
	if take("cull_frequency", u.CullFrequency != nil) {
		r.CullFrequency = e.CullFrequency
	}
	if take("lib", u.Lib != "") {
		r.Lib = e.Lib
	}
	for k, v := range e.Options {
		if _, urlHas := u.Options[k]; urlWins && hasURL && urlHas {
			continue
		}
		if r.Options == nil {
			r.Options = map[string]string{}
		}
		r.Options[k] = v
	}
	return r
}

// toString converts a scalar (string, bool, number, duration) to a string.
func toString(v any) (string, bool) {
	switch t := v.(type) {
	case string:
		return t, true
	case bool:
		return strconv.FormatBool(t), true
	case time.Duration:
		return t.String(), true
	}
	rv := reflect.ValueOf(v)
	switch rv.Kind() {
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return strconv.FormatInt(rv.Int(), 10), true
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return strconv.FormatUint(rv.Uint(), 10), true
	case reflect.Float32, reflect.Float64:
		return strconv.FormatFloat(rv.Float(), 'f', -1, 64), true
	case reflect.String:
		return rv.String(), true
	}
	return "", false
}

// toBool accepts a bool or a string strconv.ParseBool understands.
func toBool(v any) (bool, bool) {
	switch t := v.(type) {
	case bool:
		return t, true
	case string:
		if strings.TrimSpace(t) == "" {
			return false, true
		}
		b, err := strconv.ParseBool(t)
		return b, err == nil
	}
	return false, false
}

// toInt accepts integers, floats with no fraction (JSON numbers) and
// decimal strings (env and flag values), within the range of int.
func toInt(v any) (int, bool) {
	if s, ok := v.(string); ok {
		n, err := strconv.Atoi(s)
		return n, err == nil
	}
	rv := reflect.ValueOf(v)
	switch rv.Kind() {
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		n := rv.Int()
		if n < math.MinInt || n > math.MaxInt {
			return 0, false
		}
		return int(n), true
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		n := rv.Uint()
		if n > math.MaxInt {
			return 0, false
		}
		return int(n), true
	case reflect.Float32, reflect.Float64:
		f := rv.Float()
		if f != math.Trunc(f) || f < math.MinInt || f >= math.MaxInt {
			return 0, false
		}
		return int(f), true
	}
	return 0, false
}

// toTTL accepts the TTL text forms of [core.ParseTTL] ("300s", "5m",
// "300", "never", "none"), a number of seconds (YAML ttl: 60), or a
// time.Duration of whole seconds (a pflag duration flag). "" is unset.
func toTTL(v any) (core.TTL, error) {
	invalid := func(msg string) error {
		return &core.Error{Kind: core.ErrInvalidParameter, Msg: "ttl " + msg}
	}
	var secs int64
	switch t := v.(type) {
	case string:
		s := strings.TrimSpace(t)
		if s == "" {
			return core.TTL{}, nil
		}
		return core.ParseTTL(s)
	case time.Duration:
		if t < 0 || t%time.Second != 0 {
			return core.TTL{}, invalid(fmt.Sprintf("must be a non-negative whole number of seconds, not %s", t))
		}
		return core.TTLSeconds(int64(t / time.Second)), nil
	case bool:
		return core.TTL{}, typeError("ttl", `seconds, a duration ("5m") or "never"`, v, false)
	}
	rv := reflect.ValueOf(v)
	switch rv.Kind() {
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		secs = rv.Int()
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		if rv.Uint() > uint64(core.MaxTTLSeconds) {
			return core.TTL{}, invalid(fmt.Sprintf("must be at most %d seconds, not %d", core.MaxTTLSeconds, rv.Uint()))
		}
		secs = int64(rv.Uint())
	case reflect.Float32, reflect.Float64:
		f := rv.Float()
		if f != math.Trunc(f) || math.IsInf(f, 0) {
			return core.TTL{}, invalid(fmt.Sprintf("must be a whole number of seconds, not %v", f))
		}
		if f < 0 || f > float64(core.MaxTTLSeconds) {
			return core.TTL{}, invalid(fmt.Sprintf("must be from 0 to %d seconds, not %v", core.MaxTTLSeconds, f))
		}
		secs = int64(f)
	default:
		return core.TTL{}, typeError("ttl", `seconds, a duration ("5m") or "never"`, v, false)
	}
	if secs < 0 || secs > core.MaxTTLSeconds {
		return core.TTL{}, invalid(fmt.Sprintf("must be from 0 to %d seconds, not %d", core.MaxTTLSeconds, secs))
	}
	return core.TTLSeconds(secs), nil
}

// toHosts accepts a list of strings or one comma-separated string (an env
// or flag value); blank entries are dropped.
func toHosts(v any) ([]string, bool) {
	var raw []string
	switch t := v.(type) {
	case string:
		raw = strings.Split(t, ",")
	case []string:
		raw = t
	case []any:
		for _, e := range t {
			s, ok := toString(e)
			if !ok {
				return nil, false
			}
			raw = append(raw, s)
		}
	default:
		return nil, false
	}
	var hs []string
	for _, h := range raw {
		if h = strings.TrimSpace(h); h != "" {
			hs = append(hs, h)
		}
	}
	return hs, true
}

// typeError reports a value of the wrong type for what (a field name, or
// "option <name>"); a secret value is not shown.
func typeError(what, want string, v any, secret bool) error {
	return &core.Error{Kind: core.ErrInvalidParameter,
		Msg: fmt.Sprintf("%s must be %s, not %s", what, want, describe(v, secret))}
}

// describe shows a value in a message: strings quoted (at most 64 bytes),
// numbers and bools as they are, anything else (and any secret) by type
// only, so a nested password never reaches the message.
func describe(v any, secret bool) string {
	if secret {
		return fmt.Sprintf("a value of type %T", v)
	}
	switch t := v.(type) {
	case string:
		if len(t) > 64 {
			t = t[:64] + "..."
		}
		return strconv.Quote(t)
	case bool, int, int8, int16, int32, int64, uint, uint8, uint16, uint32, uint64, float32, float64:
		return fmt.Sprintf("%v", t)
	}
	return fmt.Sprintf("a value of type %T", v)
}
