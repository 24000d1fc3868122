package core

import (
	"fmt"
	"math"
	"reflect"
	"sort"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// Decode turns a structured cache value, as config libraries produce it, into
// a [Config]. path is the value's key path, used in errors ("cache"). The
// rules (docs/structured.md):
//
//  1. Shape: a string is a URL; a map is an optional "url" plus keys of the
//     structured layout ([Keys]); anything else is an [ErrInvalidParameter].
//  2. Names: keys match case-insensitively; two keys equal but for case are an
//     [ErrDuplicateParameter]; an unknown key is an [ErrInvalidParameter] with
//     a suggestion. Option names are lower-cased; an option named like a key
//     or a reserved parameter is an error.
//  3. Not set: a key that is absent, nil, "", an empty list or an empty map
//     changes nothing; a typed zero (db: 0, tls: false, ttl: 0) is set.
//  4. Keys beside a URL win over the URL's values; options merge one by one;
//     scheme re-derives backend, tls and topology (explicit ones must agree);
//     any of hosts, socket, path replaces all three.
//  5. Types: see [Key] types; strings only for string keys (quote numbers).
//  6. A missing value (nil, "", empty map) is [DefaultURL] (see
//     [DecodeStrict]); never a zero Config.
//  7. The result is validated field by field ([Config.Normalize]).
//
// Errors are *[Error] values carrying the key path in Error.Key.
func Decode(path string, v any) (Config, error) { return decode(path, v, false) }

// DecodeStrict is [Decode], but a missing value is an [ErrNotSet] error.
func DecodeStrict(path string, v any) (Config, error) { return decode(path, v, true) }

// DecodeNamed decodes a map of named caches (the "caches" key): the result
// has exactly the names of v, lower-cased; two names equal but for case are
// an [ErrDuplicateParameter]. A missing v gives an empty map.
func DecodeNamed(path string, v any) (map[string]Config, error) {
	out := map[string]Config{}
	if notSet(v) {
		return out, nil
	}
	m, ok := asMap(v)
	if !ok {
		return nil, keyError(path, ErrInvalidParameter, "is "+typeName(v)+"; give a map of cache names to URLs or maps")
	}
	entries, err := lowerKeys(path, m, "cache name")
	if err != nil {
		return nil, err
	}
	for _, e := range entries {
		c, err := Decode(join(path, e.name), e.val)
		if err != nil {
			return nil, err
		}
		out[e.name] = c
	}
	return out, nil
}

// DecodeTTL decodes a ttl value at key path path by the rules of [Decode]:
// whole seconds as an integer or a float without fraction, a string of
// seconds, a Go duration of whole seconds ("5m"), "never" or "none", a
// time.Duration of whole seconds, or a [TTL]. A missing value (nil, "") is
// the unset TTL.
func DecodeTTL(path string, v any) (TTL, error) {
	if notSet(v) {
		return TTL{}, nil
	}
	t, msg := toTTL(v)
	if msg != "" {
		return TTL{}, keyError(path, ErrInvalidParameter, msg)
	}
	return t, nil
}

func decode(path string, v any, strict bool) (Config, error) {
	v = basic(v)
	if notSet(v) {
		if strict {
			return Config{}, keyError(path, ErrNotSet, "is not set; give a cache URL")
		}
		return Parse(DefaultURL)
	}
	switch x := v.(type) {
	case string:
		return parseAt(path, x)
	case Config:
		return normalizeAt(path, x)
	case *Config:
		return normalizeAt(path, *x)
	}
	m, ok := asMap(v)
	if !ok {
		return Config{}, keyError(path, ErrInvalidParameter, "is "+typeName(v)+"; give a cache URL string or a map of keys")
	}
	entries, err := lowerKeys(path, m, "key")
	if err != nil {
		return Config{}, err
	}
	vals := map[string]any{}
	for _, e := range entries {
		if e.name != "url" && keyByName(e.name) == nil {
			return Config{}, keyError(join(path, e.name), ErrInvalidParameter, "unknown key "+quoteShort(e.raw)+inPath(path)+suggestKey(e.name))
		}
		if !notSet(e.val) {
			vals[e.name] = basic(e.val)
		}
	}
	// The base: the URL, else the default.
	var c Config
	if u, ok := vals["url"]; ok {
		s, ok := u.(string)
		if !ok {
			return Config{}, keyError(join(path, "url"), ErrInvalidParameter, "is "+typeName(u)+"; give a URL string")
		}
		if c, err = parseAt(join(path, "url"), s); err != nil {
			return Config{}, err
		}
	} else if strict && len(vals) == 0 {
		return Config{}, keyError(path, ErrNotSet, "is not set; give a cache URL")
	} else {
		c, _ = Parse(DefaultURL)
	}
	if _, ok := vals["scheme"]; ok {
		c.Backend, c.TLS, c.Topology = "", false, ""
	}
	location := false
	for _, k := range keys {
		if _, ok := vals[k.Name]; ok && k.Location {
			location = true
		}
	}
	if location {
		c.Hosts, c.Socket, c.Path = nil, "", ""
	}
	explicit := map[string]bool{}
	for _, k := range keys {
		raw, ok := vals[k.Name]
		if !ok {
			continue
		}
		kp := join(path, k.Name)
		if err := setKey(&c, k, kp, raw); err != nil {
			return Config{}, err
		}
		explicit[k.Name] = true
	}
	// Derived keys must agree with the scheme.
	if s, ok := lookupScheme(c.Scheme); ok {
		c.Scheme = s.Name
		mismatch := func(key, got, want string) error {
			return keyError(join(path, key), ErrInvalidParameter, fmt.Sprintf("%s %s does not match the scheme %q (which gives %s)", key, quoteShort(got), s.Name, want))
		}
		switch {
		case explicit["backend"] && c.Backend != s.Backend:
			return Config{}, mismatch("backend", string(c.Backend), string(s.Backend))
		case explicit["topology"] && c.Topology != s.Topology:
			return Config{}, mismatch("topology", string(c.Topology), orNone(string(s.Topology)))
		case explicit["tls"] && c.TLS != s.TLS:
			return Config{}, mismatch("tls", strconv.FormatBool(c.TLS), strconv.FormatBool(s.TLS))
		}
		c.Backend, c.TLS, c.Topology = s.Backend, s.TLS, s.Topology
	}
	prefer := map[string]bool{}
	for name := range vals {
		prefer[name] = true
	}
	if o, ok := asMap(vals["options"]); ok {
		it := o.MapRange()
		for it.Next() {
			if k := it.Key(); k.Kind() == reflect.String || k.Kind() == reflect.Interface {
				prefer["options."+strings.ToLower(fmt.Sprint(k.Interface()))] = true
			}
		}
	}
	return normalizeAtPrefer(path, c, prefer)
}

// setKey decodes raw into the field of key k.
func setKey(c *Config, k Key, kp string, raw any) error {
	switch k.Type {
	case KeyString:
		s, ok := raw.(string)
		if !ok {
			what := typeName(raw)
			if k.Secret {
				what = kindName(raw) // never the value of a secret
			}
			return keyError(kp, ErrInvalidParameter, "is "+what+"; "+k.Name+" takes a string (quote it: YAML reads 0123 or yes as a number or bool)")
		}
		switch k.Name {
		case "scheme":
			c.Scheme = strings.ToLower(s)
			if _, ok := lookupScheme(c.Scheme); !ok {
				return keyError(kp, ErrUnknownScheme, unknownSchemeMsg(s))
			}
		case "backend":
			c.Backend = Backend(strings.ToLower(s))
		case "topology":
			c.Topology = Topology(strings.ToLower(s))
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
	case KeyBool:
		switch b := raw.(type) {
		case bool:
			c.TLS = b
		case string:
			v, err := strconv.ParseBool(b)
			if err != nil {
				return keyError(kp, ErrInvalidParameter, quoteShort(b)+" is not a bool (true or false)")
			}
			c.TLS = v
		default:
			return keyError(kp, ErrInvalidParameter, "is "+typeName(raw)+"; give true or false")
		}
	case KeyInt:
		lo := 0
		if k.Name == "max_entries" {
			lo = 1
		}
		n, ok := toInt(raw)
		if !ok || n < int64(lo) || n > maxInt {
			what := "a whole number"
			if k.Name == "db" {
				what = "a db number"
			}
			return keyError(kp, ErrInvalidParameter, fmt.Sprintf("%s is not %s (%d-%d)", valueText(raw), what, lo, maxInt))
		}
		v := int(n)
		switch k.Name {
		case "db":
			c.DB = v
		case "version":
			c.Version = &v
		case "max_entries":
			c.MaxEntries = &v
		case "cull_frequency":
			c.CullFrequency = &v
		}
	case KeyTTL:
		t, err := toTTL(raw)
		if err != "" {
			return keyError(kp, ErrInvalidParameter, err)
		}
		c.TTL = t
	case KeyHosts:
		var items []string
		switch h := raw.(type) {
		case string:
			items = strings.Split(h, ",")
		default:
			rv := reflect.ValueOf(raw)
			if rv.Kind() != reflect.Slice && rv.Kind() != reflect.Array {
				return keyError(kp, ErrInvalidParameter, "is "+typeName(raw)+"; give a list of host:port strings or one comma-separated string")
			}
			for i := 0; i < rv.Len(); i++ {
				s, ok := basic(rv.Index(i).Interface()).(string)
				if !ok {
					return keyError(fmt.Sprintf("%s[%d]", kp, i), ErrInvalidParameter, "is "+typeName(rv.Index(i).Interface())+"; a host is a string (quote it)")
				}
				items = append(items, s)
			}
		}
		c.Hosts = make([]string, len(items))
		for i, it := range items {
			it = trimSpace(it)
			if it == "" {
				return keyError(fmt.Sprintf("%s[%d]", kp, i), ErrInvalidHost, "is empty; give host[:port]")
			}
			c.Hosts[i] = it
		}
	case KeyOptions:
		m, ok := asMap(raw)
		if !ok {
			return keyError(kp, ErrInvalidParameter, "is "+typeName(raw)+"; give a map of option names to values")
		}
		entries, err := lowerKeys(kp, m, "option")
		if err != nil {
			return err
		}
		for _, e := range entries {
			okp := join(kp, e.name)
			if notSet(e.val) {
				continue
			}
			if kind, msg := reservedOption(e.name, c.Scheme); kind != nil {
				return keyError(okp, kind, msg)
			}
			s, ok := optionText(basic(e.val))
			if !ok {
				return keyError(okp, ErrInvalidParameter, "is "+typeName(e.val)+"; an option value is a string, number, bool or duration")
			}
			if c.Options == nil {
				c.Options = map[string]string{}
			}
			c.Options[e.name] = s
		}
	}
	return nil
}

// reservedOption says why name cannot be an option of a cache of scheme
// scheme, as the URL's query says it: backend, location and options are
// reserved (they would overwrite Django's settings); a cache argument
// (timeout, key_prefix, ...), and db and master_name where the scheme
// reads them, are keys of their own. Any other name (password and username
// included: over a unix socket they are options) is an option.
func reservedOption(name, scheme string) (*Kind, string) {
	switch name {
	case "backend", "location", "options":
		return ErrReservedParameter, "option " + quoteShort(name) + " is reserved (it would overwrite Django's " + strings.ToUpper(name) + "); remove it"
	case "timeout", "ttl", "key_prefix", "key_function", "version", "max_entries", "cull_frequency", "lib":
	case "db":
		if s, ok := lookupScheme(scheme); !ok || s.Backend != BackendRedis {
			return nil, ""
		}
	case "master_name":
		if s, ok := lookupScheme(scheme); !ok || s.Topology != Sentinel {
			return nil, ""
		}
	default:
		return nil, ""
	}
	key := name
	switch name {
	case "timeout":
		key = "ttl"
	case "master_name":
		key = "master"
	}
	return ErrInvalidParameter, "option " + quoteShort(name) + " is a cache argument; give it as the key " + strconv.Quote(key) + ", not an option"
}

func keyByName(name string) *Key {
	for i := range keys {
		if keys[i].Name == name {
			return &keys[i]
		}
	}
	return nil
}

// keyHints are suggestions for common wrong keys.
var keyHints = map[string]string{
	"host": `"hosts"`, "location": `"hosts" or "path"`, "prefix": `"key_prefix"`,
	"timeout": `"ttl"`, "expiry": `"ttl"`, "database": `"db"`, "user": `"username"`,
	"pass": `"password"`, "passwd": `"password"`, "addr": `"hosts"`, "address": `"hosts"`,
}

func suggestKey(name string) string {
	if h, ok := keyHints[name]; ok {
		return "; did you mean " + h + "?"
	}
	var best []string
	bestD := 3
	for _, k := range append([]string{"url"}, keyNames()...) {
		switch d := editDistance(name, k); {
		case d < bestD:
			best, bestD = []string{strconv.Quote(k)}, d
		case d == bestD && len(best) > 0:
			best = append(best, strconv.Quote(k))
		}
	}
	if len(best) > 0 {
		return "; did you mean " + strings.Join(best, " or ") + "?"
	}
	return "; keys are url, " + strings.Join(keyNames()[:6], ", ") + " and " + strconv.Itoa(len(keys)-6) + " more"
}

func keyNames() []string {
	out := make([]string, len(keys))
	for i, k := range keys {
		out[i] = k.Name
	}
	return out
}

type entry struct {
	raw, name string
	val       any
}

// lowerKeys returns m's entries with lower-cased names, sorted, rejecting
// names equal but for case and non-string names.
func lowerKeys(path string, m reflect.Value, what string) ([]entry, error) {
	var out []entry
	seen := map[string]string{}
	it := m.MapRange()
	for it.Next() {
		kv := it.Key()
		if kv.Kind() == reflect.Interface {
			kv = kv.Elem()
		}
		if kv.Kind() != reflect.String {
			t := "null"
			if kv.IsValid() {
				t = kv.Type().String()
			}
			return nil, keyError(path, ErrInvalidParameter, fmt.Sprintf("has a %s of type %s; names are strings", what, t))
		}
		raw := kv.String()
		name := strings.ToLower(raw)
		if prev, dup := seen[name]; dup {
			a, b := prev, raw
			if a > b {
				a, b = b, a
			}
			return nil, keyError(join(path, name), ErrDuplicateParameter, fmt.Sprintf("%s %s and %s in %s are one %s (names are case-insensitive); give one", what, quoteShort(a), quoteShort(b), path, what))
		}
		seen[name] = raw
		out = append(out, entry{raw: raw, name: name, val: it.Value().Interface()})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].name < out[j].name })
	return out, nil
}

// asMap returns v as a map value with string (or interface) keys.
func asMap(v any) (reflect.Value, bool) {
	rv := reflect.ValueOf(v)
	if rv.Kind() != reflect.Map {
		return rv, false
	}
	k := rv.Type().Key().Kind()
	return rv, k == reflect.String || k == reflect.Interface
}

// NotSet reports whether a structured value v (a cache value, or the value
// of one of its keys, as a configuration library loaded it) is not set: nil,
// "", an empty list or an empty map. A value that is not set changes
// nothing: it is as if the key were absent. A typed zero (0, false) is set.
func NotSet(v any) bool { return notSet(basic(v)) }

// basic returns v as its basic type when v is of a named string or bool
// type (a configuration library's own kinds), so that such values mean
// what a plain string or bool means. Integers are read by kind already;
// other values are returned as they are.
func basic(v any) any {
	switch v.(type) {
	case nil, string, bool:
		return v
	}
	rv := reflect.ValueOf(v)
	if rv.Type().PkgPath() == "" {
		return v
	}
	switch rv.Kind() {
	case reflect.String:
		return rv.String()
	case reflect.Bool:
		return rv.Bool()
	}
	return v
}

// notSet reports whether v is absent by rule 3: nil, "", an empty list or an
// empty map.
func notSet(v any) bool {
	if v == nil {
		return true
	}
	if s, ok := v.(string); ok {
		return s == ""
	}
	rv := reflect.ValueOf(v)
	switch rv.Kind() {
	case reflect.Map, reflect.Slice:
		return rv.Len() == 0
	case reflect.Pointer:
		return rv.IsNil()
	}
	return false
}

func toInt(v any) (int64, bool) {
	rv := reflect.ValueOf(v)
	switch rv.Kind() {
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		if _, isDur := v.(time.Duration); isDur {
			return 0, false
		}
		return rv.Int(), true
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		if rv.Uint() > math.MaxInt64 {
			return math.MaxInt64, true
		}
		return int64(rv.Uint()), true
	case reflect.Float32, reflect.Float64:
		f := rv.Float()
		if f != math.Trunc(f) || math.IsInf(f, 0) || f > 1<<62 || f < -(1<<62) {
			return 0, false
		}
		return int64(f), true
	case reflect.String:
		s := rv.String()
		if !allDigits(s) || s == "" {
			return 0, false
		}
		n, ok := parseUint64(s, math.MaxInt64)
		if !ok {
			return math.MaxInt64, true
		}
		return n, true
	}
	return 0, false
}

func toTTL(v any) (TTL, string) {
	switch t := v.(type) {
	case TTL:
		return t, ""
	case *TTL:
		return *t, ""
	case time.Duration:
		if t < 0 || t%time.Second != 0 {
			return TTL{}, t.String() + " is not a whole, non-negative number of seconds"
		}
		return TTL{secs: int64(t / time.Second), state: ttlSeconds}, ""
	case string:
		if t == "never" {
			return NeverExpire, ""
		}
		r, msg := parseTimeout(t)
		return r, msg
	case bool:
		return TTL{}, "is a bool; give whole seconds (300), a duration (5m) or never"
	}
	n, ok := toInt(v)
	if !ok {
		return TTL{}, valueText(v) + " must be whole seconds (300), a Go duration of whole seconds (5m, 1h30m) or never"
	}
	if n < 0 || n > MaxTTLSeconds {
		return TTL{}, valueText(v) + " is out of range (0-" + strconv.FormatInt(MaxTTLSeconds, 10) + " seconds)"
	}
	return TTL{secs: n, state: ttlSeconds}, ""
}

// optionText is an option value's text: strings as they are, numbers in
// decimal, bools as true/false, durations as time.Duration text.
func optionText(v any) (string, bool) {
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
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		return strconv.FormatUint(rv.Uint(), 10), true
	case reflect.Float32, reflect.Float64:
		return strconv.FormatFloat(rv.Float(), 'f', -1, 64), true
	}
	return "", false
}

func typeName(v any) string {
	switch v.(type) {
	case nil:
		return "null"
	case bool:
		return "a bool"
	case string:
		return "a string"
	}
	rv := reflect.ValueOf(v)
	switch rv.Kind() {
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64,
		reflect.Float32, reflect.Float64:
		return "a number (" + valueText(v) + ")"
	case reflect.Slice, reflect.Array:
		return "a list"
	case reflect.Map:
		return "a map"
	}
	return "a " + rv.Type().String()
}

// kindName is typeName without the value.
func kindName(v any) string {
	n := typeName(v)
	if i := strings.Index(n, " ("); i >= 0 {
		return n[:i]
	}
	return n
}

func valueText(v any) string {
	if s, ok := v.(string); ok {
		return quoteShort(s)
	}
	if s, ok := optionText(v); ok {
		return s
	}
	return typeName(v)
}

// keyError is an error about the value at key path kp.
func keyError(kp string, kind *Kind, msg string) *Error {
	if kp == "" {
		return &Error{Kind: kind, Msg: "the value " + msg}
	}
	kp = shortPath(kp)
	return &Error{Kind: kind, Key: kp, Msg: kp + ": " + msg}
}

// shortPath bounds a key path (which holds names from the input) for
// messages: a long name is cut, so no message grows with the input.
func shortPath(kp string) string {
	const max = 120
	if len(kp) <= max {
		return kp
	}
	cut := max - 3
	for cut > 0 && !utf8.RuneStart(kp[cut]) {
		cut--
	}
	return kp[:cut] + "..."
}

// parseAt parses a URL found at key path kp.
func parseAt(kp, s string) (Config, error) {
	c, err := Parse(s)
	if err != nil {
		if e, ok := err.(*Error); ok && kp != "" {
			e.Key = kp
			e.Msg = kp + ": " + e.Msg
		}
		return Config{}, err
	}
	return c, nil
}

// normalizeAt normalises c found at key path kp: Normalize's field keys
// become key paths under kp.
func normalizeAt(kp string, c Config) (Config, error) { return normalizeAtPrefer(kp, c, nil) }

func normalizeAtPrefer(kp string, c Config, prefer map[string]bool) (Config, error) {
	n, err := c.normalize(prefer)
	if err != nil {
		if e, ok := err.(*Error); ok && kp != "" {
			if e.Key != "" {
				e.Key = kp + "." + e.Key
				e.Msg = kp + "." + e.Msg
			} else {
				e.Key = kp
				e.Msg = kp + ": " + e.Msg
			}
		}
		return Config{}, err
	}
	return n, nil
}

// inPath is " in <path>" for messages, "" at the top.
func inPath(path string) string {
	if path == "" {
		return ""
	}
	return " in " + path
}

// join is the key path of name under path ("" is the top).
func join(path, name string) string {
	if path == "" {
		return name
	}
	return path + "." + name
}
