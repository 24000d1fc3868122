package cache

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/bradfitz/gomemcache/memcache"

	"github.com/cacheurl/cacheurl/clients/gomemcache"
	"github.com/cacheurl/cacheurl/core"
)

// MaxMemcachedKeyLength is the longest key memcached accepts (Django's
// MEMCACHE_MAX_KEY_LENGTH).
const MaxMemcachedKeyLength = 250

type memcached struct {
	// c is the client As gives: the caller's (WithClient), or one on the
	// URL's servers and settings.
	c *memcache.Client
	// pool gives each call a client of its own, bounded by the call's
	// context (see mcPool); nil for a caller's client, whose calls are
	// bounded by a goroutine that watches the context.
	pool *mcPool
	now  func() time.Time
}

func newMemcached(ctx context.Context, cfg core.Config, allowUnknown bool) (*memcached, error) {
	var opts []gomemcache.Option
	if allowUnknown {
		opts = append(opts, gomemcache.AllowUnknownOptions())
	}
	ss, st, err := gomemcache.Selector(ctx, cfg, opts...)
	if err != nil {
		return nil, err
	}
	c, err := gomemcache.New(ctx, cfg, opts...)
	if err != nil {
		return nil, err
	}
	return &memcached{c: c, pool: newMCPool(ss, st.Timeout, st.ConnectTimeout, st.MaxIdleConns), now: time.Now}, nil
}

// do runs f, a gomemcache call, bounded by ctx.
func (m *memcached) do(ctx context.Context, f func(c *memcache.Client) error) error {
	if m.pool != nil {
		return m.pool.do(ctx, f)
	}
	return bound0(ctx, func() error { return f(m.c) })
}

// validKey applies Django's memcache_key_warnings as errors.
func (m *memcached) validKey(k key) error {
	if n := len(k.Prefix) + len(k.Name); n > MaxMemcachedKeyLength {
		return fmt.Errorf("%w: a memcached key is at most %d bytes, this one is %d (%q)", ErrInvalidKey, MaxMemcachedKeyLength, n, truncate(k.made()))
	}
	for _, part := range [2]string{k.Prefix, k.Name} {
		for i := 0; i < len(part); i++ {
			if b := part[i]; b < 33 || b == 127 {
				made := k.made()
				at := strings.IndexByte(made, b)
				return fmt.Errorf("%w: memcached keys have no spaces or control characters (byte 0x%02x at %d in %q)", ErrInvalidKey, b, at, truncate(made))
			}
		}
	}
	return nil
}

// exp converts an expiry to memcached's: seconds up to 30 days, an absolute
// Unix time beyond, -1 for "already expired", 0 for never.
func (m *memcached) exp(e expiry) (int32, error) {
	if e.never {
		return 0, nil
	}
	return gomemcache.ExpirationSeconds(e.secs, m.now())
}

// Every call goes through do: gomemcache takes no context.

func (m *memcached) get(ctx context.Context, k key) ([]byte, error) {
	it, err := m.getItem(ctx, k)
	return it.Value, err
}

// getItem, setFlags, addFlags, getManyItems and setManyFlags are the
// driver's calls with memcached's flags word (see flagsDriver); the plain
// calls store 0.
func (m *memcached) getItem(ctx context.Context, k key) (Item, error) {
	var v Item
	err := m.do(ctx, func(c *memcache.Client) error {
		it, err := c.Get(k.made())
		if err == memcache.ErrCacheMiss {
			return ErrNotFound
		}
		if err == nil {
			v = Item{Value: it.Value, Flags: it.Flags}
		}
		return err
	})
	return v, err
}

func (m *memcached) set(ctx context.Context, k key, value []byte, e expiry) error {
	return m.setFlags(ctx, k, value, 0, e)
}

func (m *memcached) setFlags(ctx context.Context, k key, value []byte, flags uint32, e expiry) error {
	return m.do(ctx, func(c *memcache.Client) error { return m.set1(c, k.made(), value, flags, e) })
}

func (m *memcached) set1(c *memcache.Client, made string, value []byte, flags uint32, e expiry) error {
	if e.remove() {
		if err := c.Delete(made); err != nil && err != memcache.ErrCacheMiss {
			return err
		}
		return nil
	}
	x, err := m.exp(e)
	if err != nil {
		return err
	}
	return c.Set(&memcache.Item{Key: made, Value: value, Flags: flags, Expiration: x})
}

func (m *memcached) add(ctx context.Context, k key, value []byte, e expiry) (bool, error) {
	return m.addFlags(ctx, k, value, 0, e)
}

func (m *memcached) addFlags(ctx context.Context, k key, value []byte, flags uint32, e expiry) (bool, error) {
	x, err := m.exp(e)
	if err != nil {
		return false, err
	}
	stored := false
	err = m.do(ctx, func(c *memcache.Client) error {
		err := c.Add(&memcache.Item{Key: k.made(), Value: value, Flags: flags, Expiration: x})
		if err == memcache.ErrNotStored {
			return nil
		}
		stored = err == nil
		return err
	})
	return stored, err
}

func (m *memcached) delete(ctx context.Context, k key) (bool, error) {
	existed := false
	err := m.do(ctx, func(c *memcache.Client) error {
		var err error
		existed, err = delete1(c, k.made())
		return err
	})
	return existed, err
}

func delete1(c *memcache.Client, made string) (bool, error) {
	err := c.Delete(made)
	if err == memcache.ErrCacheMiss {
		return false, nil
	}
	return err == nil, err
}

func (m *memcached) has(ctx context.Context, k key) (bool, error) {
	_, err := m.get(ctx, k)
	if err == ErrNotFound {
		return false, nil
	}
	return err == nil, err
}

// getMany is gomemcache's GetMulti: one "gets" per server (the servers in
// parallel).
func (m *memcached) getMany(ctx context.Context, keys []key) (map[int][]byte, error) {
	its, err := m.getManyItems(ctx, keys)
	if err != nil {
		return nil, err
	}
	out := make(map[int][]byte, len(its))
	for i, it := range its {
		out[i] = it.Value
	}
	return out, nil
}

func (m *memcached) getManyItems(ctx context.Context, keys []key) (map[int]Item, error) {
	if len(keys) == 0 {
		return map[int]Item{}, nil
	}
	made := madeKeys(keys)
	var its map[string]*memcache.Item
	err := m.do(ctx, func(c *memcache.Client) error {
		var err error
		its, err = c.GetMulti(made)
		return err
	})
	if err != nil {
		return nil, err
	}
	out := make(map[int]Item, len(its))
	for i, k := range made {
		if it, ok := its[k]; ok {
			out[i] = Item{Value: it.Value, Flags: it.Flags}
		}
	}
	return out, nil
}

// setMany and deleteMany are one request per key (memcached's text
// protocol has no multi-set, and gomemcache no pipelining), in one bounded
// call.
func (m *memcached) setMany(ctx context.Context, keys []key, values [][]byte, e expiry) error {
	return m.setManyFlags(ctx, keys, values, nil, e)
}

// setManyFlags stores values[i] with flags[i] (0 for all when flags is
// nil).
func (m *memcached) setManyFlags(ctx context.Context, keys []key, values [][]byte, flags []uint32, e expiry) error {
	return m.do(ctx, func(c *memcache.Client) error {
		for i, k := range keys {
			var f uint32
			if flags != nil {
				f = flags[i]
			}
			if err := m.set1(c, k.made(), values[i], f, e); err != nil {
				return err
			}
		}
		return nil
	})
}

func (m *memcached) deleteMany(ctx context.Context, keys []key) error {
	return m.do(ctx, func(c *memcache.Client) error {
		for _, k := range keys {
			if _, err := delete1(c, k.made()); err != nil {
				return err
			}
		}
		return nil
	})
}

func (m *memcached) incr(ctx context.Context, k key, delta int64) (int64, error) {
	var n uint64
	made := k.made()
	err := m.do(ctx, func(c *memcache.Client) error {
		var err error
		if delta >= 0 {
			n, err = c.Increment(made, uint64(delta))
		} else {
			n, err = c.Decrement(made, uint64(-delta))
		}
		return err
	})
	if err == memcache.ErrCacheMiss {
		return 0, ErrNotFound
	}
	if err != nil {
		if strings.Contains(err.Error(), "non-numeric") {
			return 0, fmt.Errorf("%w: incr %q", ErrNotInteger, truncate(made))
		}
		return 0, err
	}
	if n > 1<<63-1 {
		return 0, fmt.Errorf("cache: memcached counter %s exceeds int64", strconv.FormatUint(n, 10))
	}
	return int64(n), nil
}

func (m *memcached) touch(ctx context.Context, k key, e expiry) (bool, error) {
	x, err := m.exp(e)
	if err != nil {
		return false, err
	}
	existed := false
	err = m.do(ctx, func(c *memcache.Client) error {
		err := c.Touch(k.made(), x)
		if err == memcache.ErrCacheMiss {
			return nil
		}
		existed = err == nil
		return err
	})
	return existed, err
}

func (m *memcached) clear(ctx context.Context, _ string) error {
	return m.do(ctx, func(c *memcache.Client) error { return c.FlushAll() })
}

func (m *memcached) close() error {
	err := m.c.Close()
	if m.pool != nil {
		if perr := m.pool.close(); err == nil {
			err = perr
		}
	}
	return err
}

func (m *memcached) as(target any) bool {
	if p, ok := target.(**memcache.Client); ok {
		*p = m.c
		return true
	}
	return false
}
