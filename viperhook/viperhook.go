// Package viperhook decodes cache configs with mapstructure, the decoder
// behind viper's and koanf's Unmarshal: a CACHE_URL string or a map becomes
// a typed [core.Config], in a plain field, through a pointer, or as the
// values of a map of named caches.
//
// With viper, add one option to Unmarshal:
//
//	var cfg struct {
//		Cache  core.Config            `mapstructure:"cache"`
//		Caches map[string]core.Config `mapstructure:"caches"`
//	}
//	err := v.Unmarshal(&cfg, viperhook.DecoderOption())
//
// [DecoderOption] puts [Hook] in front of the hooks viper already uses, so
// every other field (time.Duration, []string, ...) decodes exactly as before.
// Do not pass viper.DecodeHook(viperhook.Hook()) alone: viper.DecodeHook
// replaces viper's default hooks. Users who set their own hooks compose
// them explicitly:
//
//	viper.DecodeHook(mapstructure.ComposeDecodeHookFunc(
//		viperhook.Hook(),
//		mapstructure.StringToTimeDurationHookFunc(),
//		mapstructure.StringToSliceHookFunc(","),
//		myHook,
//	))
//
// # Accepted values
//
// A string is a CACHE_URL, parsed with [core.Parse]:
//
//	cache: redis://:secret@cache:6379/1?key_prefix=app
//
// A map with a "url" key starts from that URL; every other key given
// overrides the URL's value, and the result is checked with
// [core.Config.Normalize]. This keeps the secret or a per-environment value
// out of the URL:
//
//	cache:
//	  url: redis://cache:6379/1
//	  password: secret
//	  ttl: 60s
//
// A map without "url" is the structured layout of core.Config (scheme,
// hosts, ...), also checked with [core.Config.Normalize].
//
// The keys are the snake_case names of [core.Config]'s fields plus "url",
// matched case-insensitively as mapstructure matches field names:
// url, scheme, backend, tls, topology, master, hosts, socket, path,
// username, password, db, ttl, key_prefix, version, key_function,
// max_entries, cull_frequency, lib, options. Any other key is an error
// naming it (typo protection), with a suggestion where one is close.
//
// Values are taken in the types config formats and environment variables
// produce:
//   - ttl: a string ("60s", "5m", "300", "never", "none"; "" is unset), a
//     whole number of seconds as an integer or a float with no fraction
//     (JSON), a [time.Duration] of whole seconds, or a [core.TTL]. A null
//     ttl is an error: write "never" for entries that never expire.
//   - db, version, max_entries, cull_frequency: integers, floats with no
//     fraction, or strings of decimal digits (environment variables).
//   - tls: a bool or a string strconv.ParseBool accepts.
//   - hosts: a list of "host:port" strings, or one comma-separated string.
//   - options: a map; values may be strings, numbers, bools or durations and
//     are kept as strings. With "url", options merge with the URL's option by
//     option; an empty or null value removes the URL's option. An option
//     named like a cache argument (timeout, key_prefix, ...) is an error:
//     give it as its own key.
//   - the other keys: strings (numbers are written in decimal).
//
// A value given explicitly that the scheme does not use (a path on a redis
// config, a socket on locmem) is an error, never silently dropped.
//
// A null value is the same as leaving the key out, except for ttl. When
// "url" is given, an explicit "scheme" makes backend, tls and topology
// follow the new scheme, and any of hosts, socket and path replaces the
// URL's location as a whole (the other two are cleared).
//
// A decoded config replaces the field's previous value whole; it is not
// merged field by field, because it is checked as one value.
//
// The hook also decodes a [core.TTL] field on its own, from the same
// values as the ttl key above.
//
// # Errors
//
// Errors wrap a [*core.Error], so errors.Is(err, core.ErrInvalidPort) and
// errors.As work through mapstructure v2 (and viper); mapstructure adds the
// field's key path ("'cache'", "'caches[sessions]'"); the archived
// mitchellh/mapstructure keeps only the error's text. Errors never contain a
// password: URLs are shown redacted, and the values of the password key and
// of credential options are never shown.
package viperhook

import (
	"errors"
	"fmt"
	"math"
	"reflect"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/cacheurl/cacheurl/core"
	"github.com/go-viper/mapstructure/v2"
	"github.com/spf13/viper"
)

var (
	configType   = reflect.TypeOf(core.Config{})
	ttlType      = reflect.TypeOf(core.TTL{})
	durationType = reflect.TypeOf(time.Duration(0))
)

// Hook returns the decode hook: a plain
// func(reflect.Type, reflect.Type, any) (any, error), the shape of
// mapstructure's DecodeHookFuncType, so it works with
// github.com/go-viper/mapstructure/v2 (viper, koanf) and with the archived
// github.com/mitchellh/mapstructure alike.
//
// When the target type is [core.Config] it turns a URL string or a map (see
// the package documentation) into a core.Config; when the target is
// [core.TTL] it turns a string, a number or a duration into a TTL. Anything
// else is returned unchanged for the next hook or mapstructure itself.
// Pointers to, and maps and slices of, core.Config need nothing more:
// mapstructure calls the hook for each element.
func Hook() func(from reflect.Type, to reflect.Type, data any) (any, error) {
	return hook
}

// DecoderOption returns a viper.DecoderConfigOption that puts [Hook] in
// front of the decode hook already set (viper's defaults, viper.WithDecodeHook,
// or a viper.DecodeHook option given earlier), so those keep working:
//
//	err := v.Unmarshal(&cfg, viperhook.DecoderOption())
//
// Viper applies options in order, and viper.DecodeHook replaces the hook:
// give viper.DecodeHook before DecoderOption, never after it.
func DecoderOption() viper.DecoderConfigOption {
	return func(dc *mapstructure.DecoderConfig) {
		if dc.DecodeHook == nil {
			dc.DecodeHook = Hook()
			return
		}
		dc.DecodeHook = mapstructure.ComposeDecodeHookFunc(Hook(), dc.DecodeHook)
	}
}

func hook(_ reflect.Type, to reflect.Type, data any) (any, error) {
	switch to {
	case configType:
		return decodeConfig(data)
	case ttlType:
		v := elem(reflect.ValueOf(data))
		if !v.IsValid() || v.Type() == ttlType {
			return data, nil
		}
		t, err := toTTL("", v)
		if err != nil {
			return nil, err
		}
		return t, nil
	}
	return data, nil
}

// decodeConfig turns a URL string or a map into a core.Config. Other values
// (a core.Config already, a pointer to one) are returned as they are.
func decodeConfig(data any) (any, error) {
	v := elem(reflect.ValueOf(data))
	if !v.IsValid() {
		return data, nil
	}
	switch v.Kind() {
	case reflect.String:
		c, err := core.Parse(v.String())
		if err != nil {
			return nil, wrap("", err)
		}
		return c, nil
	case reflect.Map:
		return decodeMap(v)
	}
	return data, nil
}

// keys are the keys of the map form: "url" and the structured layout.
var keys = []string{"url", "scheme", "backend", "tls", "topology", "master", "hosts", "socket",
	"path", "username", "password", "db", "ttl", "key_prefix", "version", "key_function",
	"max_entries", "cull_frequency", "lib", "options"}

// setters apply one explicit key to a config.
var setters = map[string]func(c *core.Config, key string, v reflect.Value) error{
	"scheme":         stringSetter(func(c *core.Config, s string) { c.Scheme = s }),
	"backend":        stringSetter(func(c *core.Config, s string) { c.Backend = core.Backend(s) }),
	"topology":       stringSetter(func(c *core.Config, s string) { c.Topology = core.Topology(s) }),
	"master":         stringSetter(func(c *core.Config, s string) { c.Master = s }),
	"socket":         stringSetter(func(c *core.Config, s string) { c.Socket = s }),
	"path":           stringSetter(func(c *core.Config, s string) { c.Path = s }),
	"username":       stringSetter(func(c *core.Config, s string) { c.Username = s }),
	"password":       stringSetter(func(c *core.Config, s string) { c.Password = s }),
	"key_prefix":     stringSetter(func(c *core.Config, s string) { c.KeyPrefix = s }),
	"key_function":   stringSetter(func(c *core.Config, s string) { c.KeyFunction = s }),
	"lib":            stringSetter(func(c *core.Config, s string) { c.Lib = s }),
	"db":             intSetter(func(c *core.Config, n int) { c.DB = n }),
	"version":        intSetter(func(c *core.Config, n int) { c.Version = &n }),
	"max_entries":    intSetter(func(c *core.Config, n int) { c.MaxEntries = &n }),
	"cull_frequency": intSetter(func(c *core.Config, n int) { c.CullFrequency = &n }),
	"tls": func(c *core.Config, key string, v reflect.Value) error {
		b, err := toBool(key, v)
		c.TLS = b
		return err
	},
	"hosts": func(c *core.Config, key string, v reflect.Value) error {
		h, err := toHosts(key, v)
		c.Hosts = h
		return err
	},
	"ttl": func(c *core.Config, key string, v reflect.Value) error {
		t, err := toTTL(key, v)
		c.TTL = t
		return err
	},
	// "options" is merged, not set: see decodeMap.
}

func stringSetter(set func(*core.Config, string)) func(*core.Config, string, reflect.Value) error {
	return func(c *core.Config, key string, v reflect.Value) error {
		s, err := toString(key, v)
		set(c, s)
		return err
	}
}

func intSetter(set func(*core.Config, int)) func(*core.Config, string, reflect.Value) error {
	return func(c *core.Config, key string, v reflect.Value) error {
		n, err := toInt(key, v)
		if err == nil {
			set(c, n)
		}
		return err
	}
}

// decodeMap decodes the map form: the URL (if any) first, then the explicit
// keys, then Normalize.
func decodeMap(m reflect.Value) (any, error) {
	given := map[string]reflect.Value{}
	names := map[string]string{} // lower-cased key -> key as written
	for _, k := range sortedKeys(m) {
		name, ok := stringKey(k)
		if !ok {
			return nil, newErr("", core.ErrInvalidParameter, fmt.Sprintf("a cache config map needs string keys, got %s key", typeName(k)))
		}
		key := strings.ToLower(name)
		if prev, dup := names[key]; dup {
			return nil, newErr(name, core.ErrDuplicateParameter, fmt.Sprintf("key %s and key %s are the same key; give it once", quote(prev), quote(name)))
		}
		if !isKey(key) {
			return nil, newErr(name, core.ErrInvalidParameter, unknownKeyMsg(name))
		}
		names[key] = name
		val := elem(m.MapIndex(k))
		if !val.IsValid() { // null: the same as not given, except for ttl
			if key == "ttl" {
				return nil, newErr(name, core.ErrInvalidParameter, `ttl is null; write "never" for entries that never expire, or leave the key out`)
			}
			continue
		}
		given[key] = val
	}
	if len(given) == 0 {
		return nil, newErr("", core.ErrMalformed, `a cache config map needs a "url" or a "scheme" key`)
	}

	var c core.Config
	if u, ok := given["url"]; ok {
		s, err := toString(names["url"], u)
		if err != nil {
			return nil, err
		}
		if s == "" {
			return nil, newErr(names["url"], core.ErrMalformed, `url is empty; give a CACHE_URL such as "redis://cache:6379/0", or leave the key out`)
		}
		c, err = core.Parse(s)
		if err != nil {
			return nil, wrap(names["url"], err)
		}
		if _, ok := given["scheme"]; ok {
			// The derived fields follow the new scheme unless given too.
			c.Backend, c.TLS, c.Topology = "", false, ""
		}
		if given["hosts"].IsValid() || given["socket"].IsValid() || given["path"].IsValid() {
			// One location replaces the URL's location as a whole.
			c.Hosts, c.Socket, c.Path = nil, "", ""
		}
	} else if _, ok := given["scheme"]; !ok {
		return nil, newErr("", core.ErrMalformed, fmt.Sprintf(`a cache config map needs a "url" or a "scheme" key (it has %s)`, quotedKeys(names)))
	}

	for _, key := range keys {
		v, ok := given[key]
		if !ok || key == "url" {
			continue
		}
		if key == "options" {
			if err := mergeOptions(&c, names[key], v); err != nil {
				return nil, err
			}
			continue
		}
		if err := setters[key](&c, names[key], v); err != nil {
			return nil, err
		}
	}

	n, err := c.Normalize()
	if err != nil {
		return nil, wrap("", err)
	}
	if err := checkKept(c, n, given, names); err != nil {
		return nil, err
	}
	return n, nil
}

// fieldIndex maps each key of the structured layout to its Config field.
var fieldIndex = func() map[string]int {
	m := map[string]int{}
	for i := 0; i < configType.NumField(); i++ {
		m[configType.Field(i).Tag.Get("mapstructure")] = i
	}
	return m
}()

// keyKind is the error kind for a key whose value a scheme does not use.
var keyKind = map[string]*core.Kind{
	"hosts": core.ErrInvalidHost, "socket": core.ErrInvalidPath, "path": core.ErrInvalidPath,
	"db": core.ErrInvalidPath, "username": core.ErrInvalidUserinfo, "password": core.ErrInvalidUserinfo,
}

// checkKept reports an explicitly given value that Normalize dropped (a
// path on a redis config, a socket on locmem, ...): it would otherwise be
// lost without a word.
func checkKept(c, n core.Config, given map[string]reflect.Value, names map[string]string) error {
	cv, nv := reflect.ValueOf(c), reflect.ValueOf(n)
	for _, key := range keys {
		i, ok := fieldIndex[key]
		if _, given := given[key]; !given || !ok { // url and options are not fields
			continue
		}
		if !isZero(cv.Field(i)) && isZero(nv.Field(i)) {
			kind := keyKind[key]
			if kind == nil {
				kind = core.ErrInvalidParameter
			}
			return newErr(names[key], kind, fmt.Sprintf("%s is not used by %s URLs; it would be lost", key, n.Scheme))
		}
	}
	return nil
}

func isZero(v reflect.Value) bool {
	switch v.Kind() {
	case reflect.Slice, reflect.Map:
		return v.Len() == 0
	}
	return v.IsZero()
}

// mergeOptions merges an options map into c.Options, option by option. An
// empty or null value removes the option.
func mergeOptions(c *core.Config, key string, v reflect.Value) error {
	if v.Kind() != reflect.Map {
		return newErr(key, core.ErrInvalidParameter, fmt.Sprintf("%s must be a map of option names to values, got %s", key, typeName(v)))
	}
	seen := map[string]string{}
	for _, k := range sortedKeys(v) {
		name, ok := stringKey(k)
		if !ok {
			return newErr(key, core.ErrInvalidParameter, fmt.Sprintf("%s needs string keys, got %s key", key, typeName(k)))
		}
		opt := strings.ToLower(name)
		path := key + "." + name
		if !isOptionName(opt) {
			return newErr(path, core.ErrInvalidParameter, fmt.Sprintf("invalid option name %s; names are ASCII letters, digits, '_', '.' and '-'", quote(name)))
		}
		if arg := argumentKey(c, opt); arg != "" {
			return newErr(path, core.ErrInvalidParameter, fmt.Sprintf("%q is not an option but a cache argument; give it as the key %q", name, arg))
		}
		if prev, dup := seen[opt]; dup {
			return newErr(path, core.ErrDuplicateParameter, fmt.Sprintf("option %s and option %s are the same option (names are case-insensitive); give it once", quote(prev), quote(name)))
		}
		seen[opt] = name
		val := elem(v.MapIndex(k))
		s := ""
		if val.IsValid() {
			var err error
			if s, err = toOptionString(path, val); err != nil {
				return err
			}
		}
		if s == "" {
			delete(c.Options, opt)
			continue
		}
		if c.Options == nil {
			c.Options = map[string]string{}
		}
		c.Options[opt] = s
	}
	if len(c.Options) == 0 {
		c.Options = nil
	}
	return nil
}

// isOptionName reports whether name is a query parameter name of docs/grammar.md.
func isOptionName(name string) bool {
	if name == "" {
		return false
	}
	for i := 0; i < len(name); i++ {
		b := name[i]
		if !('a' <= b && b <= 'z' || 'A' <= b && b <= 'Z' || '0' <= b && b <= '9' || b == '_' || b == '.' || b == '-') {
			return false
		}
	}
	return true
}

// argumentKey returns the key to use instead when opt is a query name that
// Parse reads as a cache argument rather than an option (an option of that
// name would silently become the argument), or "".
func argumentKey(c *core.Config, opt string) string {
	switch opt {
	case "timeout", "ttl":
		return "ttl"
	case "key_prefix", "key_function", "version", "max_entries", "cull_frequency", "lib":
		return opt
	}
	for _, s := range core.Schemes() {
		if !strings.EqualFold(s.Name, c.Scheme) {
			continue
		}
		if opt == "db" && s.Backend == core.BackendRedis {
			return "db"
		}
		if opt == "master_name" && s.Topology == core.Sentinel {
			return "master"
		}
	}
	return ""
}

// toString accepts a string, or an integer or float written in decimal
// (YAML and JSON turn key_prefix: 2024 into a number). Its errors name the
// type, never the value, so they are safe for the password key.
func toString(key string, v reflect.Value) (string, error) {
	switch v.Kind() {
	case reflect.String:
		return v.String(), nil
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		if v.Type() != durationType {
			return strconv.FormatInt(v.Int(), 10), nil
		}
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return strconv.FormatUint(v.Uint(), 10), nil
	case reflect.Float32, reflect.Float64:
		f := v.Float()
		if !math.IsInf(f, 0) && !math.IsNaN(f) {
			return strconv.FormatFloat(f, 'f', -1, 64), nil
		}
	}
	return "", newErr(key, core.ErrInvalidParameter, fmt.Sprintf("%s must be a string, got %s", key, typeName(v)))
}

// toOptionString accepts what toString accepts, and bools and durations.
func toOptionString(key string, v reflect.Value) (string, error) {
	switch {
	case v.Kind() == reflect.Bool:
		return strconv.FormatBool(v.Bool()), nil
	case v.Type() == durationType:
		return time.Duration(v.Int()).String(), nil
	}
	return toString(key, v)
}

// toInt accepts integers, floats with no fraction and strings of decimal
// digits (with an optional sign).
func toInt(key string, v reflect.Value) (int, error) {
	switch v.Kind() {
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		if v.Type() == durationType {
			break
		}
		n := v.Int()
		if n < math.MinInt || n > math.MaxInt {
			return 0, newErr(key, core.ErrInvalidParameter, fmt.Sprintf("%s %d is out of range", key, n))
		}
		return int(n), nil
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		n := v.Uint()
		if n > math.MaxInt {
			return 0, newErr(key, core.ErrInvalidParameter, fmt.Sprintf("%s %d is out of range", key, n))
		}
		return int(n), nil
	case reflect.Float32, reflect.Float64:
		f := v.Float()
		if f != math.Trunc(f) || math.IsInf(f, 0) {
			return 0, newErr(key, core.ErrInvalidParameter, fmt.Sprintf("%s %v is not a whole number", key, f))
		}
		if f < math.MinInt || f >= math.MaxInt {
			return 0, newErr(key, core.ErrInvalidParameter, fmt.Sprintf("%s %v is out of range", key, f))
		}
		return int(f), nil
	case reflect.String:
		s := v.String()
		if !isDecimal(s) {
			return 0, newErr(key, core.ErrInvalidParameter, fmt.Sprintf("%s %s is not a whole number (write decimal digits)", key, quote(s)))
		}
		n, err := strconv.Atoi(s)
		if err != nil {
			return 0, newErr(key, core.ErrInvalidParameter, fmt.Sprintf("%s %s is out of range", key, quote(s)))
		}
		return n, nil
	}
	return 0, newErr(key, core.ErrInvalidParameter, fmt.Sprintf("%s must be an integer, got %s", key, typeName(v)))
}

// isDecimal reports whether s is ASCII decimal digits with an optional sign.
func isDecimal(s string) bool {
	if s != "" && (s[0] == '-' || s[0] == '+') {
		s = s[1:]
	}
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

func toBool(key string, v reflect.Value) (bool, error) {
	switch v.Kind() {
	case reflect.Bool:
		return v.Bool(), nil
	case reflect.String:
		b, err := strconv.ParseBool(v.String())
		if err != nil {
			return false, newErr(key, core.ErrInvalidParameter, fmt.Sprintf("%s %s is not a bool (write true or false)", key, quote(v.String())))
		}
		return b, nil
	}
	return false, newErr(key, core.ErrInvalidParameter, fmt.Sprintf("%s must be a bool, got %s", key, typeName(v)))
}

// toHosts accepts a list of strings or one comma-separated string.
func toHosts(key string, v reflect.Value) ([]string, error) {
	var hosts []string
	switch v.Kind() {
	case reflect.String:
		for _, h := range strings.Split(v.String(), ",") {
			if h = strings.TrimSpace(h); h != "" {
				hosts = append(hosts, h)
			}
		}
		return hosts, nil
	case reflect.Slice, reflect.Array:
		for i := 0; i < v.Len(); i++ {
			e := elem(v.Index(i))
			if !e.IsValid() || e.Kind() != reflect.String {
				return nil, newErr(fmt.Sprintf("%s[%d]", key, i), core.ErrInvalidHost, fmt.Sprintf(`%s must be a list of "host:port" strings, got %s at index %d`, key, typeName(e), i))
			}
			hosts = append(hosts, e.String())
		}
		return hosts, nil
	}
	return nil, newErr(key, core.ErrInvalidHost, fmt.Sprintf(`%s must be a list of "host:port" strings or one comma-separated string, got %s`, key, typeName(v)))
}

// toTTL accepts a core.TTL, a time.Duration of whole seconds, whole seconds
// as an integer or a float with no fraction, or a string for core.ParseTTL
// ("" is unset). key is "" when the target is a core.TTL field itself.
func toTTL(key string, v reflect.Value) (core.TTL, error) {
	name := key
	if name == "" {
		name = "ttl"
	}
	bad := func(format string, args ...any) (core.TTL, error) {
		return core.TTL{}, newErr(key, core.ErrInvalidParameter, name+" "+fmt.Sprintf(format, args...))
	}
	switch {
	case v.Type() == ttlType:
		return v.Interface().(core.TTL), nil
	case v.Type() == durationType:
		d := time.Duration(v.Int())
		if d < 0 {
			return bad("%s is negative; write a whole number of seconds or never", d)
		}
		if d%time.Second != 0 {
			return bad("%s is not a whole number of seconds", d)
		}
		return core.TTLSeconds(int64(d / time.Second)), nil
	}
	switch v.Kind() {
	case reflect.String:
		s := v.String()
		if s == "" {
			return core.TTL{}, nil
		}
		t, err := core.ParseTTL(s)
		if err != nil {
			var ce *core.Error
			if errors.As(err, &ce) { // the message quotes the value already
				err = &core.Error{Kind: ce.Kind, Msg: ce.Msg}
			}
			return core.TTL{}, wrap(key, err)
		}
		return t, nil
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		n := v.Int()
		if n < 0 {
			return bad("%d is negative; write a whole number of seconds or never", n)
		}
		if n > core.MaxTTLSeconds {
			return bad("%d is more than the largest TTL, %d seconds", n, core.MaxTTLSeconds)
		}
		return core.TTLSeconds(n), nil
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		n := v.Uint()
		if n > uint64(core.MaxTTLSeconds) {
			return bad("%d is more than the largest TTL, %d seconds", n, core.MaxTTLSeconds)
		}
		return core.TTLSeconds(int64(n)), nil
	case reflect.Float32, reflect.Float64:
		f := v.Float()
		switch {
		case f != math.Trunc(f) || math.IsInf(f, 0):
			return bad("%v is not a whole number of seconds", f)
		case f < 0:
			return bad("%v is negative; write a whole number of seconds or never", f)
		case f > float64(core.MaxTTLSeconds):
			return bad("%v is more than the largest TTL, %d seconds", f, core.MaxTTLSeconds)
		}
		return core.TTLSeconds(int64(f)), nil
	}
	return bad(`must be seconds, a duration such as "60s" or "never", got %s`, typeName(v))
}

// elem returns the concrete value inside an interface value (an invalid
// Value for nil).
func elem(v reflect.Value) reflect.Value {
	for v.IsValid() && (v.Kind() == reflect.Interface || v.Kind() == reflect.Ptr) {
		if v.IsNil() {
			return reflect.Value{}
		}
		v = v.Elem()
	}
	return v
}

// stringKey returns a map key as a string: string keys (and keys of
// interface type holding a string, as YAML v2 produces).
func stringKey(k reflect.Value) (string, bool) {
	k = elem(k)
	if k.IsValid() && k.Kind() == reflect.String {
		return k.String(), true
	}
	return "", false
}

// sortedKeys returns the keys of a map in a fixed order, so the first error
// reported does not depend on map iteration order.
func sortedKeys(m reflect.Value) []reflect.Value {
	ks := m.MapKeys()
	sort.SliceStable(ks, func(i, j int) bool {
		return fmt.Sprint(ks[i].Interface()) < fmt.Sprint(ks[j].Interface())
	})
	return ks
}

func isKey(key string) bool {
	for _, k := range keys {
		if k == key {
			return true
		}
	}
	return false
}

// aliases are names people write for a key from Django or the URL grammar.
var aliases = map[string]string{
	"timeout":  "ttl",
	"location": "url",
	"host":     "hosts",
	"prefix":   "key_prefix",
	"option":   "options",
}

func unknownKeyMsg(name string) string {
	key := strings.ToLower(name)
	msg := "unknown key " + quote(name) + " in a cache config"
	if s, ok := aliases[key]; ok {
		return msg + fmt.Sprintf("; did you mean %q?", s)
	}
	var best []string
	bestDist := 3 // suggest keys at most two edits away
	for _, k := range keys {
		if abs(len(key)-len(k)) >= bestDist {
			continue // too far apart to suggest, and keeps distance small
		}
		switch d := distance(key, k); {
		case d < bestDist:
			best, bestDist = []string{strconv.Quote(k)}, d
		case d == bestDist:
			best = append(best, strconv.Quote(k))
		}
	}
	if len(best) > 0 {
		return msg + "; did you mean " + strings.Join(best, " or ") + "?"
	}
	return msg + "; the keys are " + strings.Join(keys, ", ")
}

func abs(n int) int {
	if n < 0 {
		return -n
	}
	return n
}

// distance is the Levenshtein distance between two short ASCII strings,
// with an adjacent transposition counted as one edit.
func distance(a, b string) int {
	d := make([][]int, len(a)+1)
	for i := range d {
		d[i] = make([]int, len(b)+1)
		d[i][0] = i
	}
	for j := 0; j <= len(b); j++ {
		d[0][j] = j
	}
	for i := 1; i <= len(a); i++ {
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			d[i][j] = min(d[i-1][j]+1, d[i][j-1]+1, d[i-1][j-1]+cost)
			if i > 1 && j > 1 && a[i-1] == b[j-2] && a[i-2] == b[j-1] {
				d[i][j] = min(d[i][j], d[i-2][j-2]+1)
			}
		}
	}
	return d[len(a)][len(b)]
}

func quotedKeys(names map[string]string) string {
	ks := make([]string, 0, len(names))
	for _, n := range names {
		ks = append(ks, strconv.Quote(n))
	}
	sort.Strings(ks)
	return strings.Join(ks, ", ")
}

// typeName describes a value's type for an error message, never its value.
func typeName(v reflect.Value) string {
	if !v.IsValid() {
		return "null"
	}
	switch v.Kind() {
	case reflect.Map:
		return "a map"
	case reflect.Slice, reflect.Array:
		return "a list"
	case reflect.Bool:
		return "a bool"
	case reflect.String:
		return "a string"
	case reflect.Float32, reflect.Float64:
		return "a float"
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		if v.Type() == durationType {
			return "a time.Duration"
		}
		return "an integer"
	}
	return "a " + v.Type().String()
}

// quote quotes a (non-secret) value for a message, shortened when long.
func quote(s string) string {
	const max = 64
	if len(s) > max {
		s = s[:max] + "..."
	}
	return strconv.Quote(s)
}

// decodeError is an error for one cache config, or one key of it. It names
// the key and the kind, and unwraps to the *core.Error (itself redacted).
type decodeError struct {
	key string
	err error
}

func (e *decodeError) Error() string {
	var b strings.Builder
	b.WriteString("cacheurl: ")
	if e.key != "" {
		fmt.Fprintf(&b, "key %s: ", quote(e.key))
	}
	var ce *core.Error
	if errors.As(e.err, &ce) {
		b.WriteString(ce.Kind.Error())
		b.WriteString(": ")
		b.WriteString(ce.Msg)
		if ce.Input != "" {
			b.WriteString(" (in ")
			b.WriteString(strconv.Quote(ce.Input))
			b.WriteString(")")
		}
		return b.String()
	}
	b.WriteString(e.err.Error())
	return b.String()
}

func (e *decodeError) Unwrap() error { return e.err }

// wrap attaches the key to an error from core (already redacted).
func wrap(key string, err error) error { return &decodeError{key: key, err: err} }

// newErr makes an error of the given kind for a key. msg must not contain a
// secret.
func newErr(key string, kind *core.Kind, msg string) error {
	return &decodeError{key: key, err: &core.Error{Kind: kind, Msg: msg}}
}
