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
// # Meaning
//
// The hook is a thin adapter: what a value means is decided by
// [core.Decode] (a core.Config field), [core.DecodeNamed] (a
// map[string]core.Config field) and [core.DecodeTTL] (a core.TTL field),
// the same functions the koanf provider uses, so a config means the same in
// viper, koanf and plain mapstructure. The rules are in docs/structured.md:
// a string is a URL; a map is an optional url plus the keys of the
// structured layout (keys beside the url win over its values); keys match
// case-insensitively; unknown keys are errors with a suggestion; null, "",
// empty lists and maps are "not set".
//
// # Missing values
//
// Viper drops null and empty subtrees before any hook runs, and
// mapstructure never calls a hook for a key that is not in the input. So
// that a missing, null, "" or empty cache still means the default
// (locmem://) and never a zero Config, the hook also runs when a map is
// decoded into a struct: for each core.Config field (also inside nested
// struct fields and embedded ",squash" structs) that the map does not have,
// it decodes the default. The field's key is its mapstructure tag, else its
// koanf tag, else its name. A *core.Config field that is missing stays nil,
// and a map[string]core.Config field stays as it is (no names, no caches).
//
// # Errors
//
// Errors wrap a [*core.Error], whose Key is the key path inside the struct
// being decoded ("cache.ttl", "caches.sessions.url"), so
// errors.Is(err, core.ErrInvalidPort) and errors.As work through
// mapstructure v2 (and viper); the archived mitchellh/mapstructure keeps
// only the error's text. Errors never contain a password.
package viperhook

import (
	"reflect"
	"strings"

	"github.com/cacheurl/cacheurl/core"
	"github.com/go-viper/mapstructure/v2"
)

var (
	configType = reflect.TypeOf(core.Config{})
	ttlType    = reflect.TypeOf(core.TTL{})
	ptrType    = reflect.TypeOf((*core.Config)(nil))
	namedType  = reflect.TypeOf(map[string]core.Config(nil))
)

// Hook returns the decode hook: a plain
// func(reflect.Type, reflect.Type, any) (any, error), the shape of
// mapstructure's DecodeHookFuncType, so it works with
// github.com/go-viper/mapstructure/v2 (viper, koanf) and with the archived
// github.com/mitchellh/mapstructure alike.
//
// Target [core.Config]: [core.Decode]. Target map[string]core.Config:
// [core.DecodeNamed]. Target [core.TTL]: [core.DecodeTTL]. Target a struct
// decoded from a map: the struct's core.Config and map[string]core.Config
// fields are decoded with their key path, and missing core.Config fields
// get the default (see the package documentation). Anything else is
// returned unchanged for the next hook or mapstructure itself.
func Hook() func(from reflect.Type, to reflect.Type, data any) (any, error) {
	return hook
}

// DecoderOption returns an option for viper's Unmarshal (a
// viper.DecoderConfigOption; this package does not import viper) that puts
// [Hook] in front of the decode hook already set (viper's defaults,
// viper.WithDecodeHook, or a viper.DecodeHook option given earlier), so
// those keep working:
//
//	err := v.Unmarshal(&cfg, viperhook.DecoderOption())
//
// Viper applies options in order, and viper.DecodeHook replaces the hook:
// give viper.DecodeHook before DecoderOption, never after it.
func DecoderOption() func(*mapstructure.DecoderConfig) {
	return func(dc *mapstructure.DecoderConfig) {
		if dc.DecodeHook == nil {
			dc.DecodeHook = Hook()
			return
		}
		dc.DecodeHook = mapstructure.ComposeDecodeHookFunc(Hook(), dc.DecodeHook)
	}
}

// failed carries the error of a field the struct step decoded, to the
// hook call mapstructure makes for that field, so that mapstructure reports
// it under the field's name beside the errors of the other fields.
type failed struct{ err error }

func hook(_ reflect.Type, to reflect.Type, data any) (any, error) {
	if f, ok := data.(failed); ok {
		return nil, f.err
	}
	switch {
	case to == configType:
		switch data.(type) {
		case core.Config, *core.Config:
			return data, nil // decoded already (by the struct step below), or the user's own
		}
		return core.Decode("", data)
	case to == namedType:
		if _, ok := data.(map[string]core.Config); ok {
			return data, nil
		}
		return core.DecodeNamed("", data)
	case to == ttlType:
		if _, ok := data.(core.TTL); ok {
			return data, nil
		}
		return core.DecodeTTL("", data)
	case to.Kind() == reflect.Struct:
		return decodeStruct(to, data)
	}
	return data, nil
}

// decodeStruct decodes the core.Config and map[string]core.Config fields of
// struct type to from the map data, returning a copy of data with those
// entries replaced by their decoded values (and missing core.Config fields
// added with the default).
func decodeStruct(to reflect.Type, data any) (any, error) {
	m, ok := data.(map[string]any)
	if !ok || !holdsConfig(to, map[reflect.Type]bool{}) {
		return data, nil
	}
	out := make(map[string]any, len(m)+1)
	for k, v := range m {
		out[k] = v
	}
	fillFields(to, m, out)
	return out, nil
}

// fillFields decodes the fields of to into out. A field's error is put in
// its place (see failed), so every field's error is reported.
func fillFields(to reflect.Type, m, out map[string]any) {
	for i := 0; i < to.NumField(); i++ {
		f := to.Field(i)
		if !f.IsExported() {
			continue
		}
		name, squash := fieldKey(f)
		if name == "-" {
			continue
		}
		if squash && f.Type.Kind() == reflect.Struct {
			fillFields(f.Type, m, out)
			continue
		}
		key, val, found, err := lookup(m, name)
		if err != nil {
			out[key] = failed{err}
			continue
		}
		var v any
		switch {
		case f.Type == configType || (f.Type == ptrType && found && val != nil):
			if !found {
				key = name
			}
			v, err = core.Decode(key, val)
		case f.Type == namedType && found:
			v, err = core.DecodeNamed(key, val)
		case f.Type.Kind() == reflect.Struct && !found && holdsConfig(f.Type, map[reflect.Type]bool{}):
			// An absent struct holding a Config: decode it from an empty
			// map so that its Config fields get the default.
			v = map[string]any{}
			key = name
		default:
			continue
		}
		if err != nil {
			v = failed{err}
		}
		out[key] = v
	}
}

// lookup finds name in m as mapstructure does, case-insensitively; two keys
// equal but for case are an error.
func lookup(m map[string]any, name string) (key string, val any, found bool, err error) {
	for k, v := range m {
		if !strings.EqualFold(k, name) {
			continue
		}
		if found {
			a, b := key, k
			if a > b {
				a, b = b, a
			}
			return key, nil, false, &core.Error{Kind: core.ErrDuplicateParameter, Key: strings.ToLower(name),
				Msg: strings.ToLower(name) + ": keys " + quote(a) + " and " + quote(b) + " are one key (names are case-insensitive); give one"}
		}
		key, val, found = k, v, true
	}
	return key, val, found, nil
}

// fieldKey is the map key of a struct field: its mapstructure tag, else its
// koanf tag, else its name; squash reports ",squash".
func fieldKey(f reflect.StructField) (name string, squash bool) {
	for _, tag := range []string{"mapstructure", "koanf"} {
		v, ok := f.Tag.Lookup(tag)
		if !ok {
			continue
		}
		n, opts, _ := strings.Cut(v, ",")
		squash = strings.Contains(","+opts+",", ",squash,")
		if n != "" {
			return n, squash
		}
	}
	return f.Name, squash
}

// holdsConfig reports whether struct type t has a core.Config or
// map[string]core.Config field, directly or in nested struct fields.
func holdsConfig(t reflect.Type, seen map[reflect.Type]bool) bool {
	if t.Kind() != reflect.Struct || t == configType || seen[t] {
		return false
	}
	seen[t] = true
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		if !f.IsExported() {
			continue
		}
		if f.Type == configType || f.Type == ptrType || f.Type == namedType || holdsConfig(f.Type, seen) {
			return true
		}
	}
	return false
}

func quote(s string) string {
	if len(s) > 40 {
		s = s[:40] + "..."
	}
	return `"` + s + `"`
}
