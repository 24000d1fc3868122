package koanfprovider

import (
	"errors"
	"reflect"
	"sort"
	"strings"
	"sync"

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
// into the structured keys of [core.Config]. Create it with [Expand], once
// per koanf instance, and load it after every source.
type ExpandProvider struct {
	k   Koanf
	opt Opt

	mu sync.Mutex
	// caches holds, per cache key path, what the last expansion saw and
	// emitted: the bookkeeping that makes layering and reloads work.
	caches map[string]*layered
}

// layered is the state of one cache across expansions.
type layered struct {
	// given is the cache's value as the sources gave it, layer by layer: a
	// map of url and keys (raw names), the keys an expansion derived from
	// a URL left out.
	given map[string]any
	// emitted is the flat form of what the last expansion put into koanf.
	emitted map[string]any
}

// Expand returns a koanf provider that turns the cache value under
// opt.Prefix ("cache") — a URL string, or a map of url and the keys of the
// structured layout, as file, env, confmap or flag providers load them —
// into the keys of [core.Config], so that k.Unmarshal("cache", &cfg)
// gives the config. With opt.Named it does so for every cache under
// "caches". What a value means is decided by [core.Decode] (see
// docs/structured.md): the same rules as viperhook and plain mapstructure.
//
// Load it after each source, reusing one provider:
//
//	x := koanfprovider.Expand(k, koanfprovider.Opt{})
//	k.Load(file.Provider("config.yaml"), yaml.Parser())
//	k.Load(x, nil)
//	k.Load(env.Provider(...), nil)
//	k.Load(x, nil)
//	k.Unmarshal("cache", &cfg)
//
// Layering follows koanf: sources merge key by key and a later source
// wins. The provider remembers what it expanded, so it tells the keys a
// source set from the keys an earlier expansion derived from a URL:
//
//   - A later source's url sets scheme, backend, tls, topology, master,
//     hosts, socket, path and db, and the values the URL carries (?timeout=
//     beats an earlier ttl key); keys set by earlier sources that it does
//     not carry stay. What an earlier URL carried goes with that URL.
//   - A later source's key (cache.ttl: never) beats the URL's value.
//   - Loading a changed source again (a reload) gives its new values.
//     koanf keeps keys the source no longer has: to drop them, load every
//     source into a new koanf instance.
//
// Run once after all sources, it applies the rules to the merged value, as
// viperhook does under viper. Expand replaces the cache's subtree in k (it
// deletes it and loads the result), so keys differing only in case become
// one and named caches get lower-case names. An error is an [*Error]
// naming the key path; the subtree is then left as the sources loaded it.
func Expand(k Koanf, opt Opt) *ExpandProvider {
	return &ExpandProvider{k: k, opt: opt, caches: map[string]*layered{}}
}

// ReadBytes is not supported: it returns [ErrNotSupported].
func (p *ExpandProvider) ReadBytes() ([]byte, error) { return nil, ErrNotSupported }

// Read expands the cache values and returns the keys to merge as a nested
// map. Errors are [*Error] values naming the key path.
func (p *ExpandProvider) Read() (map[string]any, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	delim := p.k.Delim()
	prefix := p.opt.prefix()
	v := p.k.Get(prefix)
	if !p.opt.Named {
		st, m, err := p.expandOne(prefix, prefix, v)
		if err != nil {
			return nil, err
		}
		p.caches[prefix] = st
		p.k.Delete(prefix)
		return nest(prefix, delim, m), nil
	}
	groups, err := nameGroups(prefix, v)
	if err != nil {
		return nil, err
	}
	out := make(map[string]any, len(groups))
	states := make(map[string]*layered, len(groups))
	for _, g := range groups {
		path := prefix + "." + g.name
		val := g.vals[0]
		if len(g.vals) > 1 {
			if p.caches[path] == nil {
				return nil, &Error{Key: path, Err: &core.Error{Kind: core.ErrDuplicateParameter, Key: path,
					Msg: path + ": cache names " + strings.Join(g.raw, " and ") + " are one name (names are case-insensitive); give one"}}
			}
			val = mergeRaw(g.vals)
		}
		st, m, err := p.expandOne(path, joinPath(delim, prefix, g.name), val)
		if err != nil {
			return nil, err
		}
		states[path] = st
		out[g.name] = m
	}
	for path, st := range states {
		p.caches[path] = st
	}
	if len(out) == 0 {
		return map[string]any{}, nil
	}
	p.k.Delete(prefix)
	return nest(prefix, delim, out), nil
}

// group is the raw names of one cache name, and their values.
type group struct {
	name string
	raw  []string
	vals []any
}

// nameGroups groups the named caches under prefix by lower-cased name.
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
		out[i].raw = append(out[i].raw, `"`+raw+`"`)
		out[i].vals = append(out[i].vals, m[raw])
	}
	return out, nil
}

// mergeRaw merges the values of one cache loaded under names differing in
// case (an expanded "sessions" and a later source's "Sessions"): later
// names in sort order, the raw ones, win.
func mergeRaw(vals []any) any {
	out := map[string]any{}
	for i := len(vals) - 1; i >= 0; i-- {
		if s, ok := vals[i].(string); ok {
			vals[i] = map[string]any{URLKey: s}
		}
		if m, ok := stringMap(vals[i]); ok {
			for k, v := range m {
				out[k] = v
			}
		}
	}
	return out
}

// expandOne expands the cache at key path path (spelled with koanf's
// delimiter in kpath) whose value in k is v, given what the last expansion
// of it saw.
func (p *ExpandProvider) expandOne(path, kpath string, v any) (*layered, map[string]any, error) {
	cur := flatten(v)
	prev := p.caches[path]
	given := map[string]any{}
	layer := cur
	if prev != nil {
		for k, val := range prev.given {
			given[k] = val
		}
		layer = map[string]any{}
		for k, val := range cur {
			if old, ok := prev.emitted[k]; !ok || !reflect.DeepEqual(old, val) {
				layer[k] = val
			}
		}
		for k := range prev.emitted {
			if _, ok := cur[k]; !ok {
				deleteFold(given, k) // deleted from k since
			}
		}
	}
	applyLayer(given, layer)

	value := unflatten(given)
	if _, isString := v.(string); isString && len(given) == 1 {
		value = v // a URL string at the cache's key: errors name that key
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
		return nil, nil, &Error{Key: key, Err: err}
	}
	out := keysOf(c)
	if u, ok := lookupFold(cur, URLKey); ok {
		out[URLKey] = u
	}
	return &layered{given: given, emitted: flatten(out)}, out, nil
}

// applyLayer applies the keys a source set since the last expansion on top
// of given, the value the earlier layers gave.
func applyLayer(given, layer map[string]any) {
	if u, ok := lookupFold(layer, URLKey); ok {
		// The keys of the layer that only repeat what its URL says
		// (EnvProvider and Provider load both) are derived, not set.
		carried := map[string]any{}
		if s, ok := u.(string); ok {
			if c, err := core.Parse(s); err == nil {
				carried = flatten(keysOf(c))
			}
		}
		// Only a layer that repeats the derived keys (scheme and backend,
		// which users do not write beside a URL) is such a provider's.
		if same(layer, carried, "scheme") && same(layer, carried, "backend") {
			for k, val := range layer {
				if d, ok := carried[strings.ToLower(k)]; ok && reflect.DeepEqual(d, val) {
					delete(layer, k)
				}
			}
		}
		// A new URL replaces the location and what it carries.
		for k := range given {
			lk := strings.ToLower(k)
			if _, ok := carried[lk]; ok || isLocationUnit(lk) {
				delete(given, k)
			}
		}
	}
	for k := range layer {
		lk := strings.ToLower(k)
		switch {
		case lk == "scheme":
			for _, d := range []string{"backend", "tls", "topology"} {
				deleteFold(given, d)
			}
		case lk == "hosts" || lk == "socket" || lk == "path":
			for _, d := range []string{"hosts", "socket", "path"} {
				deleteFold(given, d)
			}
		}
	}
	for k := range layer {
		deleteFold(given, k)
		lk := strings.ToLower(k)
		if lk == "options" {
			deletePrefixFold(given, "options.")
		} else if strings.HasPrefix(lk, "options.") {
			deleteFold(given, "options")
		}
	}
	for k, val := range layer {
		given[k] = val
	}
}

// same reports whether layer holds key with carried's value.
func same(layer, carried map[string]any, key string) bool {
	v, ok := lookupFold(layer, key)
	return ok && reflect.DeepEqual(v, carried[key])
}

func deletePrefixFold(m map[string]any, prefix string) {
	for k := range m {
		if len(k) >= len(prefix) && strings.EqualFold(k[:len(prefix)], prefix) {
			delete(m, k)
		}
	}
}

// isLocationUnit reports whether a URL always sets the key lk.
func isLocationUnit(lk string) bool {
	switch lk {
	case "url", "scheme", "backend", "tls", "topology", "master", "hosts", "socket", "path", "db":
		return true
	}
	return false
}

// flatten turns a cache value into flat keys: the keys of the map, with
// the options map's entries as "options.<name>". A string is {url: s}.
func flatten(v any) map[string]any {
	out := map[string]any{}
	switch t := v.(type) {
	case nil:
	case string:
		out[URLKey] = t
	default:
		m, ok := stringMap(v)
		if !ok {
			out[""] = v // not a cache value: core.Decode says so
			break
		}
		for k, val := range m {
			if o, ok := stringMap(val); ok && strings.EqualFold(k, "options") && len(o) > 0 {
				for ok, ov := range o {
					out[k+"."+ok] = ov
				}
				continue
			}
			out[k] = val
		}
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
