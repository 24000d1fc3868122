package cache

import "context"

// Item is a stored value with the flags word memcached keeps beside it.
// Clients in other languages use the flags to say how they encoded the
// value: Python's pymemcache and pylibmc mark text, ints and pickles (see
// package [github.com/cacheurl/cacheurl/cache/django]), PHP's and Java's
// clients do the same with their own numbers. redis, locmem and dummy keep
// no flags: their items read back with Flags 0.
//
// Code that stores bytes never needs an Item: Get, Set and the batches
// store and read the bytes alone (with flags 0 on memcached).
type Item struct {
	Value []byte
	Flags uint32
}

// WithFlags stores flags as the memcached flags word of the value written
// by Set, Add, SetMany and GetOrSet's store (read back by [Cache.GetItem]).
// redis, locmem and dummy ignore it.
func WithFlags(flags uint32) SetOption {
	return func(o *setOptions) { o.flags = flags }
}

// flagsDriver is implemented by the drivers whose server keeps a flags
// word beside each value (memcached). For the others the Item calls use the
// plain ones, with flags 0.
type flagsDriver interface {
	getItem(ctx context.Context, k key) (Item, error)
	getManyItems(ctx context.Context, keys []key) (map[int]Item, error)
	setFlags(ctx context.Context, k key, value []byte, flags uint32, e expiry) error
	addFlags(ctx context.Context, k key, value []byte, flags uint32, e expiry) (bool, error)
	// setManyFlags stores values[i] with flags[i].
	setManyFlags(ctx context.Context, keys []key, values [][]byte, flags []uint32, e expiry) error
}

// GetItem is [Cache.Get] with the memcached flags word stored beside the
// value (0 on the backends that keep none). A miss is [ErrNotFound].
func (c *Cache) GetItem(ctx context.Context, key string) (Item, error) {
	k, err := c.makeKey(key)
	if err != nil {
		return Item{}, err
	}
	it, err := c.getItem(ctx, k)
	if err != nil {
		return Item{}, c.fail(ctx, "get", err)
	}
	return it, nil
}

func (c *Cache) getItem(ctx context.Context, k key) (Item, error) {
	if fd, ok := c.d.(flagsDriver); ok {
		return fd.getItem(ctx, k)
	}
	v, err := c.d.get(ctx, k)
	return Item{Value: v}, err
}

// GetManyItems is [Cache.GetMany] with each value's memcached flags word:
// the same single round trip.
func (c *Cache) GetManyItems(ctx context.Context, keys []string) (map[string]Item, error) {
	made, err := c.makeKeys(keys)
	if err != nil {
		return nil, err
	}
	var got map[int]Item
	if fd, ok := c.d.(flagsDriver); ok {
		got, err = fd.getManyItems(ctx, made)
	} else {
		var vs map[int][]byte
		vs, err = c.d.getMany(ctx, made)
		got = make(map[int]Item, len(vs))
		for i, v := range vs {
			got[i] = Item{Value: v}
		}
	}
	if err != nil {
		return nil, c.fail(ctx, "get_many", err)
	}
	out := make(map[string]Item, len(got))
	for i, it := range got {
		out[keys[i]] = it
	}
	return out, nil
}

// SetManyItems is [Cache.SetMany] with a flags word per value, stored on
// memcached (a WithFlags option is ignored: each item has its own); on
// the other backends it is SetMany of the values.
func (c *Cache) SetManyItems(ctx context.Context, items map[string]Item, opts ...SetOption) error {
	keys := make([]key, 0, len(items))
	values := make([][]byte, 0, len(items))
	flags := make([]uint32, 0, len(items))
	for name, it := range items {
		k, err := c.makeKey(name)
		if err != nil {
			return err
		}
		keys = append(keys, k)
		values = append(values, it.Value)
		flags = append(flags, it.Flags)
	}
	e := c.expiry(opts)
	if fd, ok := c.d.(flagsDriver); ok {
		return c.fail(ctx, "set_many", fd.setManyFlags(ctx, keys, values, flags, e))
	}
	return c.fail(ctx, "set_many", c.d.setMany(ctx, keys, values, e))
}

// flagsOf returns the WithFlags of opts (0 without one).
func flagsOf(opts []SetOption) uint32 {
	if len(opts) == 0 {
		return 0
	}
	var o setOptions
	for _, f := range opts {
		f(&o)
	}
	return o.flags
}

// set, add and setMany store with the flags of opts where the driver keeps
// them.
func (c *Cache) set(ctx context.Context, k key, value []byte, opts []SetOption) error {
	if f := flagsOf(opts); f != 0 {
		if fd, ok := c.d.(flagsDriver); ok {
			return fd.setFlags(ctx, k, value, f, c.expiry(opts))
		}
	}
	return c.d.set(ctx, k, value, c.expiry(opts))
}

func (c *Cache) add(ctx context.Context, k key, value []byte, opts []SetOption) (bool, error) {
	if f := flagsOf(opts); f != 0 {
		if fd, ok := c.d.(flagsDriver); ok {
			return fd.addFlags(ctx, k, value, f, c.expiry(opts))
		}
	}
	return c.d.add(ctx, k, value, c.expiry(opts))
}

func (c *Cache) setMany(ctx context.Context, keys []key, values [][]byte, opts []SetOption) error {
	if f := flagsOf(opts); f != 0 {
		if fd, ok := c.d.(flagsDriver); ok {
			flags := make([]uint32, len(keys))
			for i := range flags {
				flags[i] = f
			}
			return fd.setManyFlags(ctx, keys, values, flags, c.expiry(opts))
		}
	}
	return c.d.setMany(ctx, keys, values, c.expiry(opts))
}
