package django

import (
	"context"
	"encoding/json"
	"errors"
	"reflect"

	"github.com/cacheurl/cacheurl/cache"
	"github.com/cacheurl/cacheurl/core"
)

// Cache is a portable cache ([cache.Cache]) whose values are Django's: it
// reads what a Django service stored under a key into Go values, and
// stores Go values as that Django service would store the equivalent
// Python values, so both read each other's entries. Keys are made as
// Django makes them (KEY_PREFIX and VERSION from the URL), and the values
// follow the codec of the URL's Django backend ([New]); on memcached the
// flags word beside each value travels with it ([cache.Item]).
//
// The operations that do not look at values (Delete, Has, Touch, Incr,
// Decr, Clear, IncrVersion, ...) are those of [Cache.Cache]: counters are
// decimal text for Django too, so Incr works on an int either side stored.
// A Cache is safe for concurrent use.
type Cache struct {
	c     *cache.Cache
	codec *Codec
}

// Open parses rawURL and opens its cache with Django's values: [OpenConfig].
func Open(ctx context.Context, rawURL string, opts ...cache.Option) (*Cache, error) {
	cfg, err := core.Parse(rawURL)
	if err != nil {
		return nil, err
	}
	return OpenConfig(ctx, cfg, opts...)
}

// OpenConfig opens the cache cfg describes ([cache.New], with opts) with
// the codec of its Django backend ([New]). Backends whose values no Go
// client reads (file, db, uwsgicache) are an error.
func OpenConfig(ctx context.Context, cfg core.Config, opts ...cache.Option) (*Cache, error) {
	codec, err := New(cfg)
	if err != nil {
		return nil, err
	}
	c, err := cache.New(ctx, cfg, opts...)
	if err != nil {
		return nil, err
	}
	return &Cache{c: c, codec: codec}, nil
}

// Wrap returns c with the values of codec: for a cache opened with options
// of its own. The codec should be the one of c's URL (New of the same
// config).
func Wrap(c *cache.Cache, codec *Codec) *Cache { return &Cache{c: c, codec: codec} }

// Cache returns the underlying cache, which reads and writes bytes.
func (c *Cache) Cache() *cache.Cache { return c.c }

// Codec returns the codec of the cache's values.
func (c *Cache) Codec() *Codec { return c.codec }

// Version returns a view of c whose keys have version v (Django's
// version= argument): see [cache.Cache.Version].
func (c *Cache) Version(v int) *Cache { return &Cache{c: c.c.Version(v), codec: c.codec} }

// Close closes the underlying cache.
func (c *Cache) Close() error { return c.c.Close() }

// Get returns the value Django stores under key, as [Codec.Decode] reads
// it: a map[string]any for a dict with str keys, a string for a str, an
// int64 or *big.Int for an int, and so on (the package documentation has
// the table). A miss is [cache.ErrNotFound]; a value that is not Django's
// plain data is an error of this package's kinds ([ErrUnsupported] names
// the Python class; nothing is run).
func (c *Cache) Get(ctx context.Context, key string) (any, error) {
	it, err := c.c.GetItem(ctx, key)
	if err != nil {
		return nil, err
	}
	return c.decode("get", it)
}

func (c *Cache) decode(op string, it cache.Item) (any, error) {
	v, err := c.codec.Decode(it.Value, it.Flags)
	if err != nil {
		return nil, c.codec.opError(op, err)
	}
	return v, nil
}

// opError sets the operation and the cache's redacted URL on an error of
// this package.
func (c *Codec) opError(op string, err error) error {
	var e *Error
	if !errors.As(err, &e) || e.Package != pkgName {
		return err
	}
	out := *e
	out.Op, out.URL = op, c.url
	return &out
}

// GetInto stores the value Django stores under key in dst, a non-nil
// pointer, as [Into] does: dict keys to struct fields as encoding/json
// maps object keys.
func (c *Cache) GetInto(ctx context.Context, key string, dst any) error {
	v, err := c.Get(ctx, key)
	if err != nil {
		return err
	}
	return c.codec.opError("get", Into(v, dst))
}

// GetMany returns the values of the keys present, as Get reads them, in
// one round trip ([cache.Cache.GetManyItems]). A value that cannot be read
// fails the whole call, as in Django; the error names its key.
func (c *Cache) GetMany(ctx context.Context, keys []string) (map[string]any, error) {
	its, err := c.c.GetManyItems(ctx, keys)
	if err != nil {
		return nil, err
	}
	out := make(map[string]any, len(its))
	for _, k := range keys {
		it, ok := its[k]
		if !ok {
			continue
		}
		v, err := c.decode("get_many", it)
		if err != nil {
			var e *Error
			if errors.As(err, &e) {
				e.Msg = "the value of key " + short(k) + ": " + e.Msg
			}
			return nil, err
		}
		out[k] = v
	}
	return out, nil
}

// Set stores v under key as Django would store the equivalent Python value
// ([Codec.Encode]: an int as decimal text, a str on memcached as text,
// anything else pickled), with the memcached flags word the Python client
// writes. opts are package cache's ([cache.WithTTL], [cache.WithExpiry]).
//
// A struct, or a pointer to one, that Encode does not take (any struct
// other than time.Time, big.Int, [Date], [Time], [DateTime]) is stored as
// encoding/json marshals it, read back by [FromJSON]: a dict of its JSON
// fields, the reverse of [Cache.GetInto].
func (c *Cache) Set(ctx context.Context, key string, v any, opts ...cache.SetOption) error {
	it, err := c.encode("set", v)
	if err != nil {
		return err
	}
	return c.c.Set(ctx, key, it.Value, append(opts[:len(opts):len(opts)], cache.WithFlags(it.Flags))...)
}

// Add stores v as Set does, only when key is absent, and reports whether
// it stored (Django's add).
func (c *Cache) Add(ctx context.Context, key string, v any, opts ...cache.SetOption) (bool, error) {
	it, err := c.encode("add", v)
	if err != nil {
		return false, err
	}
	return c.c.Add(ctx, key, it.Value, append(opts[:len(opts):len(opts)], cache.WithFlags(it.Flags))...)
}

// SetMany stores every value as Set does, in one round trip where the
// server has one ([cache.Cache.SetManyItems]). A value that cannot be
// encoded stores nothing; the error names its key.
func (c *Cache) SetMany(ctx context.Context, items map[string]any, opts ...cache.SetOption) error {
	enc := make(map[string]cache.Item, len(items))
	for k, v := range items {
		it, err := c.encode("set_many", v)
		if err != nil {
			var e *Error
			if errors.As(err, &e) {
				e.Msg = "the value of key " + short(k) + ": " + e.Msg
			}
			return err
		}
		enc[k] = it
	}
	return c.c.SetManyItems(ctx, enc, opts...)
}

func (c *Cache) encode(op string, v any) (cache.Item, error) {
	data, flags, err := c.codec.Encode(v)
	if err != nil && isKind(err, ErrUnsupported) {
		if s, ok := structValue(v); ok {
			data, flags, err = c.codec.Encode(s)
		}
	}
	if err != nil {
		return cache.Item{}, c.codec.opError(op, err)
	}
	return cache.Item{Value: data, Flags: flags}, nil
}

// structValue returns v, a struct or a pointer to one, as FromJSON reads
// its encoding/json form.
func structValue(v any) (any, bool) {
	rv := reflect.ValueOf(v)
	for rv.Kind() == reflect.Pointer && !rv.IsNil() {
		rv = rv.Elem()
	}
	if rv.Kind() != reflect.Struct {
		return nil, false
	}
	b, err := json.Marshal(v)
	if err != nil {
		return nil, false
	}
	s, err := FromJSON(b)
	return s, err == nil
}
