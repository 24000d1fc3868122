package koanfprovider

import (
	"reflect"
	"strings"

	"github.com/cacheurl/cacheurl/core"
)

// Every value this package writes into koanf says where it came from in its
// type, so that a later expansion can tell it from a value a source loaded
// since (a plain string, int, bool, list or map) without any state of its
// own: the koanf instance holds everything the layering needs.
//
//   - kept: a source set the key (the file's ttl: 60s, a flag's
//     --cache.ttl, a url key); it stays until a later source replaces it.
//   - derived: the key follows from a URL or the scheme (hosts, db,
//     backend, the timeout a URL carries); a later URL replaces it.
//
// They are named string, int and bool types, which koanf's Unmarshal (and
// mapstructure), its getters (k.String, k.Int, k.Bool, k.Strings) and its
// parsers (yaml, json, toml) read as plain values.
type (
	keptString    string
	keptInt       int
	keptBool      bool
	derivedString string
	derivedInt    int
	derivedBool   bool
)

// gone is the value of a key an expansion no longer has (the socket of an
// earlier URL): a nil *gone, which koanf's Unmarshal (mapstructure) skips
// like null, which core reads as not set, and which prints as "".
// Writing it, instead of deleting the key, keeps the whole result in one
// koanf merge.
type gone struct{}

// String returns "", so that koanf's k.String of a gone key is "".
func (*gone) String() string { return "" }

// origin is where a value in koanf came from.
type origin uint8

const (
	fromSource  origin = iota // loaded by a source since the last expansion
	fromKept                  // written by an expansion: a source set it
	fromDerived               // written by an expansion or a provider: derived from a URL
)

// originOf returns the origin of v. A list is of the origin of its
// elements (hosts are written as []any of one typed kind).
func originOf(v any) origin {
	switch x := v.(type) {
	case keptString, keptInt, keptBool:
		return fromKept
	case derivedString, derivedInt, derivedBool, *gone:
		return fromDerived
	case []any:
		if len(x) == 0 {
			return fromSource
		}
		o := originOf(x[0])
		for _, e := range x[1:] {
			if originOf(e) != o {
				return fromSource
			}
		}
		return o
	}
	return fromSource
}

// plain returns v with this package's typed values turned back into the
// plain values a source would have given (for core.Decode).
func plain(v any) any {
	switch x := v.(type) {
	case keptString:
		return string(x)
	case derivedString:
		return string(x)
	case keptInt:
		return int(x)
	case derivedInt:
		return int(x)
	case keptBool:
		return bool(x)
	case derivedBool:
		return bool(x)
	case []any:
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = plain(e)
		}
		return out
	}
	return v
}

// tag returns the plain value v (a string, int, bool or []string) as a
// value of origin o.
func tag(o origin, v any) any {
	switch x := v.(type) {
	case string:
		if o == fromKept {
			return keptString(x)
		}
		return derivedString(x)
	case int:
		if o == fromKept {
			return keptInt(x)
		}
		return derivedInt(x)
	case bool:
		if o == fromKept {
			return keptBool(x)
		}
		return derivedBool(x)
	case []string:
		out := make([]any, len(x))
		for i, s := range x {
			out[i] = tag(o, s)
		}
		return out
	}
	return v
}

// configKeys returns the keys of c as plain values, by core's key table
// ([core.Keys]): every set value, and the value of each key in force
// (lower-case names) even where it is the zero value (db: 0, tls: false),
// so that a key a source set stays set. Options are "options.<name>"
// entries. The password is included: the config must be usable.
func configKeys(c core.Config, force map[string]bool) map[string]any {
	m := make(map[string]any, 12)
	rv := reflect.ValueOf(c)
	for _, k := range core.Keys() {
		f := rv.FieldByName(k.Field)
		forced := force[k.Name]
		switch k.Type {
		case core.KeyString:
			if s := f.String(); s != "" || forced || k.Name == "scheme" || k.Name == "backend" {
				m[k.Name] = s
			}
		case core.KeyBool:
			if f.Bool() || forced {
				m[k.Name] = f.Bool()
			}
		case core.KeyInt:
			switch {
			case f.Kind() == reflect.Pointer && !f.IsNil():
				m[k.Name] = int(f.Elem().Int())
			case f.Kind() == reflect.Int && (f.Int() != 0 || forced):
				m[k.Name] = int(f.Int())
			}
		case core.KeyTTL:
			if c.TTL.IsSet() {
				m[k.Name] = c.TTL.String()
			}
		case core.KeyHosts:
			if len(c.Hosts) > 0 {
				m[k.Name] = append([]string(nil), c.Hosts...)
			}
		case core.KeyOptions:
			for name, v := range c.Options {
				m[optionsKey+name] = v
			}
		}
	}
	return m
}

// optionsKey is the prefix of the flat key of an option.
const optionsKey = "options."

// derivedKeys returns the keys of c, all derived, nested (options as a
// map): what Provider and Env load beside the url key.
func derivedKeys(c core.Config) map[string]any {
	flat := configKeys(c, nil)
	out := make(map[string]any, len(flat))
	for k, v := range flat {
		if name, ok := strings.CutPrefix(k, optionsKey); ok {
			o, _ := out["options"].(map[string]any)
			if o == nil {
				o = map[string]any{}
				out["options"] = o
			}
			o[name] = tag(fromDerived, v)
			continue
		}
		out[k] = tag(fromDerived, v)
	}
	return out
}
