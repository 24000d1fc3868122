package koanfprovider

import (
	"errors"
	"reflect"
	"sort"
	"strings"

	"github.com/cacheurl/cacheurl/core"
)

// Koanf is the part of *koanf.Koanf that [Expand] uses. Declaring it here
// keeps koanf out of this package's imports, as koanf's own providers do.
type Koanf interface {
	// Get returns the value at a key path: a nested map[string]any for a
	// subtree, nil when the path does not exist.
	Get(path string) any
	// Delim returns the key path delimiter.
	Delim() string
	// Delete removes a key path and everything under it.
	Delete(path string)
}

// ExpandProvider expands the cache values loaded into a koanf instance
// into the structured keys of [core.Config]. Create it with [Expand]. It
// holds no state of its own: a new one per Load and one reused give the
// same results.
type ExpandProvider struct {
	k   Koanf
	opt Opt
}

// Expand returns a koanf provider that turns the cache value under
// opt.Prefix ("cache") — a URL string, or a map of url and the keys of the
// structured layout, as file, env, confmap or flag providers load them —
// into the keys of [core.Config], so that k.Unmarshal("cache", &cfg)
// gives the config. With opt.Named it does so for every cache under
// "caches". What a value means is decided by [core.Decode] (see
// docs/structured.md): the same rules as viperhook and plain mapstructure.
//
// Load it after each source:
//
//	k.Load(file.Provider("config.yaml"), yaml.Parser())
//	k.Load(koanfprovider.Expand(k, koanfprovider.Opt{}), nil)
//	k.Load(koanfprovider.Env(".", koanfprovider.Opt{}), nil)
//	k.Load(koanfprovider.Expand(k, koanfprovider.Opt{}), nil)
//	k.Unmarshal("cache", &cfg)
//
// Layering follows koanf: sources merge key by key and a later source
// wins, its URL included. The result depends only on what the sources
// hold now and their order — not on how many times Expand ran, nor on
// whether the provider value is new or reused:
//
//   - A later source's url sets scheme, backend, tls, topology, master,
//     hosts, socket, path and db, and the values the URL carries (?timeout=
//     beats an earlier ttl key); keys set by earlier sources that it does
//     not carry stay. The keys an earlier URL carried go with that URL.
//   - A later source's key (cache.ttl: never) beats the URL's value.
//   - A key that is null or "" changes nothing (but koanf's merge has
//     already replaced the earlier value with it: see docs/koanf.md).
//   - With no key set by any source, the cache is opt.Default (locmem://).
//
// Expand tells the keys a source set from the keys it derived from a URL by
// the types of the values it writes (named string, int and bool types that
// koanf reads as plain values), so the koanf instance holds all the state.
// It writes the whole result in one koanf merge: a concurrent reader never
// sees the cache missing. Keys it no longer has (the socket of an earlier
// URL) are written as null; keys that differ from the canonical ones only
// in case (TTL, a named cache Sessions) and options that are gone are
// deleted first.
//
// Run once after all sources, it applies the rules to koanf's merged value,
// as viperhook does under viper. An error is an [*Error] naming the key
// path; k is then left as it was.
func Expand(k Koanf, opt Opt) *ExpandProvider {
	return &ExpandProvider{k: k, opt: opt}
}

// ReadBytes is not supported: it returns [ErrNotSupported].
func (p *ExpandProvider) ReadBytes() ([]byte, error) { return nil, ErrNotSupported }

// Read expands the cache values and returns the keys to merge as a nested
// map. Errors are [*Error] values naming the key path.
func (p *ExpandProvider) Read() (map[string]any, error) {
	delim := p.k.Delim()
	prefix := p.opt.prefix()
	v := p.k.Get(prefix)
	if !p.opt.Named {
		r, err := p.expandOne(prefix, prefix, []rawValue{{name: prefix, v: v}})
		if err != nil {
			return nil, err
		}
		r.deleteStale(p.k, prefix, delim)
		return nest(prefix, delim, r.out), nil
	}
	groups, err := nameGroups(prefix, v)
	if err != nil {
		return nil, err
	}
	out := make(map[string]any, len(groups))
	results := make([]expansion, 0, len(groups))
	for _, g := range groups {
		path := prefix + "." + g.name
		r, err := p.expandOne(path, joinPath(delim, prefix, g.name), g.vals)
		if err != nil {
			return nil, err
		}
		results = append(results, r)
		out[g.name] = r.out
	}
	// Nothing has changed in k until every cache expanded without error.
	for i, g := range groups {
		for _, rv := range g.vals {
			if rv.name != g.name {
				p.k.Delete(joinPath(delim, prefix, rv.name))
			}
		}
		results[i].deleteStale(p.k, joinPath(delim, prefix, g.name), delim)
	}
	if len(out) == 0 {
		return map[string]any{}, nil
	}
	return nest(prefix, delim, out), nil
}

// rawValue is a cache value in koanf under one spelling of its name.
type rawValue struct {
	name string
	v    any
}

// group is the spellings of one cache name and their values.
type group struct {
	name string // lower-cased
	vals []rawValue
}

// nameGroups groups the named caches under prefix by lower-cased name,
// spellings in sort order.
func nameGroups(prefix string, v any) ([]group, error) {
	if v == nil {
		return nil, nil
	}
	m, ok := stringMap(v)
	if !ok {
		_, err := core.DecodeNamed(prefix, v) // the error for a wrong shape
		return nil, &Error{Key: prefix, Err: err}
	}
	raws := make([]string, 0, len(m))
	for raw := range m {
		raws = append(raws, raw)
	}
	sort.Strings(raws)
	var out []group
	index := map[string]int{}
	for _, raw := range raws {
		name := strings.ToLower(raw)
		i, ok := index[name]
		if !ok {
			i = len(out)
			index[name] = i
			out = append(out, group{name: name})
		}
		out[i].vals = append(out[i].vals, rawValue{raw, m[raw]})
	}
	return out, nil
}

// expansion is the result of expanding one cache.
type expansion struct {
	// out is the nested map of keys to merge: typed values, null for keys
	// that are gone.
	out map[string]any
	// stale are flat keys (relative to the cache) to delete before the
	// merge: spellings that differ from the canonical key only in case,
	// and options that are gone.
	stale []string
}

// deleteStale deletes r's stale keys from k under the key path at.
func (r expansion) deleteStale(k Koanf, at, delim string) {
	for _, s := range r.stale {
		parts := []string{at}
		if name, ok := strings.CutPrefix(s, optionsKey); ok {
			parts = append(parts, "options", name)
		} else {
			parts = append(parts, s)
		}
		k.Delete(joinPath(delim, parts...))
	}
}

// entry is one flat key of a cache value in koanf.
type entry struct {
	key string // as spelled in koanf; options as "options.<name>"
	val any
}

// expandOne expands the cache at key path path (spelled with koanf's
// delimiter in kpath) whose value in koanf is vals (one per spelling of a
// named cache's name; the spelling equal to the last part of path is the
// canonical one).
func (p *ExpandProvider) expandOne(path, kpath string, vals []rawValue) (expansion, error) {
	// Sort the keys in koanf by origin: what earlier expansions kept, and
	// the newest layer (what sources loaded since).
	var (
		all     []entry
		kept    = map[string]any{}
		layer   = map[string]any{}
		unset   = map[string]any{}  // newest-layer keys that are null or "": checked, but change nothing
		layerOf = map[string]bool{} // spellings of the name that hold a newest-layer value
		str     any                 // the value, when it is a URL string
	)
	for _, rv := range vals {
		if s, ok := rv.v.(string); ok {
			str = s
		}
		for _, e := range flatten(rv.v) {
			all = append(all, e)
			switch originOf(e.val) {
			case fromKept:
				kept[strings.ToLower(e.key)] = plain(e.val)
			case fromSource:
				if core.NotSet(e.val) {
					unset[e.key] = e.val
					continue
				}
				layer[e.key] = e.val
				layerOf[rv.name] = true
			}
		}
	}
	if len(layerOf) > 1 {
		var names []string
		for _, rv := range vals {
			if layerOf[rv.name] {
				names = append(names, `"`+rv.name+`"`)
			}
		}
		return expansion{}, &Error{Key: kpath, Err: &core.Error{Kind: core.ErrDuplicateParameter, Key: path,
			Msg: path + ": cache names " + strings.Join(names, " and ") + " are one name (names are case-insensitive); give one"}}
	}
	given := kept
	applyLayer(given, layer)

	// Keys that are null or "" change nothing, but core still checks their
	// names (an unknown key, two spellings of one key).
	checked := given
	if len(unset) > 0 {
		checked = make(map[string]any, len(given)+len(unset))
		for k, v := range unset {
			checked[k] = v
		}
		for k, v := range given {
			checked[k] = v
		}
	}
	value := unflatten(checked)
	if str != nil && len(vals) == 1 && len(given) == 1 && len(layer) == 1 {
		value = str // a URL string at the cache's key: errors name that key
	}
	var (
		c   core.Config
		err error
	)
	switch {
	case p.opt.Strict:
		c, err = core.DecodeStrict(path, value)
	case len(given) == 0 && p.opt.Default != "":
		c, err = core.Decode(path, p.opt.Default)
	default:
		c, err = core.Decode(path, value)
	}
	if err != nil {
		key := kpath
		var ce *core.Error
		if errors.As(err, &ce) && strings.HasPrefix(ce.Key, path) {
			key = kpath + strings.ReplaceAll(ce.Key[len(path):], ".", p.k.Delim())
		}
		return expansion{}, &Error{Key: key, Err: err}
	}
	return result(c, given, all), nil
}

// result is the expansion of c: its keys, kept where a source set them
// (given) and derived otherwise; null for the keys in koanf (all) that it
// no longer has; the other spellings and the options that are gone, stale.
func result(c core.Config, given map[string]any, all []entry) expansion {
	set := make(map[string]bool, len(given))
	for k := range given {
		set[strings.ToLower(k)] = true
	}
	flat := configKeys(c, set)
	out := make(map[string]any, len(flat)+2)
	var options map[string]any
	for k, v := range flat {
		o := fromDerived
		if set[k] || (strings.HasPrefix(k, optionsKey) && set["options"]) {
			o = fromKept
		}
		if name, ok := strings.CutPrefix(k, optionsKey); ok {
			if options == nil {
				options = map[string]any{}
			}
			options[name] = tag(o, v)
			continue
		}
		out[k] = tag(o, v)
	}
	if options != nil {
		out["options"] = options
	}
	if u, ok := lookupFold(given, URLKey); ok {
		if s, ok := u.(string); ok {
			out[URLKey] = keptString(s)
		}
	}
	var r expansion
	for _, e := range all {
		lk := strings.ToLower(e.key)
		if name, ok := strings.CutPrefix(lk, optionsKey); ok {
			if _, ok := options[name]; !ok || e.key[len(optionsKey):] != name {
				r.stale = append(r.stale, e.key)
			}
			continue
		}
		if e.key != lk {
			r.stale = append(r.stale, e.key) // TTL: ttl is written
			continue
		}
		if _, ok := out[lk]; !ok && lk != "" {
			out[lk] = (*gone)(nil)
		}
	}
	sort.Strings(r.stale)
	r.out = out
	return r
}

// applyLayer applies the keys sources set since the last expansion (layer)
// on top of given, the keys earlier sources set, by the rules of core's key
// table ([core.Key]): a URL replaces the keys it always sets (FromURL) and
// those it carries; scheme replaces the keys it derives (Derived); one
// location key replaces all of them (Location); options merge one by one.
func applyLayer(given, layer map[string]any) {
	if u, ok := lookupFold(layer, URLKey); ok {
		carried := map[string]any{}
		if s, ok := u.(string); ok {
			if c, err := core.Parse(s); err == nil {
				carried = configKeys(c, nil)
			}
		}
		deleteFold(given, URLKey)
		for k := range given {
			lk := strings.ToLower(k)
			if _, ok := carried[lk]; ok || keyIs(lk, func(k core.Key) bool { return k.FromURL }) {
				delete(given, k)
			}
		}
	}
	for k := range layer {
		lk := strings.ToLower(k)
		switch {
		case lk == "scheme":
			deleteKeys(given, func(k core.Key) bool { return k.Derived })
		case keyIs(lk, func(k core.Key) bool { return k.Location }):
			deleteKeys(given, func(k core.Key) bool { return k.Location })
		}
	}
	for k := range layer {
		deleteFold(given, k)
		lk := strings.ToLower(k)
		if lk == "options" {
			deletePrefixFold(given, optionsKey)
		} else if strings.HasPrefix(lk, optionsKey) {
			deleteFold(given, "options")
		}
	}
	for k, val := range layer {
		given[k] = val
	}
}

// keyIs reports whether the key named lk is in core's key table and has
// the property is.
func keyIs(lk string, is func(core.Key) bool) bool {
	for _, k := range core.Keys() {
		if k.Name == lk {
			return is(k)
		}
	}
	return false
}

// deleteKeys deletes from m, in any case, the keys of core's key table that
// have the property is.
func deleteKeys(m map[string]any, is func(core.Key) bool) {
	for _, k := range core.Keys() {
		if is(k) {
			deleteFold(m, k.Name)
		}
	}
}

func deletePrefixFold(m map[string]any, prefix string) {
	for k := range m {
		if len(k) >= len(prefix) && strings.EqualFold(k[:len(prefix)], prefix) {
			delete(m, k)
		}
	}
}

// flatten turns a cache value into flat entries: the keys of the map, with
// the options map's entries as "options.<name>". A string is the url key.
// A value that is no map is the one entry "" (core.Decode says what is
// wrong with it).
func flatten(v any) []entry {
	switch t := v.(type) {
	case nil:
		return nil
	case string:
		return []entry{{URLKey, t}}
	}
	m, ok := stringMap(v)
	if !ok {
		return []entry{{"", v}}
	}
	out := make([]entry, 0, len(m))
	for k, val := range m {
		if o, ok := stringMap(val); ok && strings.EqualFold(k, "options") && len(o) > 0 {
			for name, ov := range o {
				out = append(out, entry{k + "." + name, ov})
			}
			continue
		}
		out = append(out, entry{k, val})
	}
	return out
}

// stringMap returns v as a map[string]any when it is a map with string
// keys (of any value type, or interface keys holding strings).
func stringMap(v any) (map[string]any, bool) {
	if m, ok := v.(map[string]any); ok {
		return m, true
	}
	rv := reflect.ValueOf(v)
	if rv.Kind() != reflect.Map {
		return nil, false
	}
	out := make(map[string]any, rv.Len())
	it := rv.MapRange()
	for it.Next() {
		k := it.Key()
		if k.Kind() == reflect.Interface {
			k = k.Elem()
		}
		if k.Kind() != reflect.String {
			return nil, false
		}
		out[k.String()] = it.Value().Interface()
	}
	return out, true
}

// unflatten is the inverse of flatten.
func unflatten(flat map[string]any) any {
	if v, ok := flat[""]; ok {
		return v
	}
	out := map[string]any{}
	for k, val := range flat {
		if base, name, ok := strings.Cut(k, "."); ok && strings.EqualFold(base, "options") {
			o, _ := out[base].(map[string]any)
			if o == nil {
				o = map[string]any{}
				out[base] = o
			}
			o[name] = val
			continue
		}
		out[k] = val
	}
	return out
}

func lookupFold(m map[string]any, key string) (any, bool) {
	for k, v := range m {
		if strings.EqualFold(k, key) {
			return v, true
		}
	}
	return nil, false
}

func deleteFold(m map[string]any, key string) {
	for k := range m {
		if strings.EqualFold(k, key) {
			delete(m, k)
		}
	}
}
