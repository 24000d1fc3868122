package cache

import (
	"context"
	"errors"
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
	c   *memcache.Client
	now func() time.Time
}

func newMemcached(cfg core.Config, allowUnknown bool) (*memcached, error) {
	var opts []gomemcache.Option
	if allowUnknown {
		opts = append(opts, gomemcache.AllowUnknownOptions())
	}
	c, err := gomemcache.New(cfg, opts...)
	if err != nil {
		return nil, err
	}
	return &memcached{c: c, now: time.Now}, nil
}

// validKey applies Django's memcache_key_warnings as errors.
func (m *memcached) validKey(key string) error {
	if len(key) > MaxMemcachedKeyLength {
		return fmt.Errorf("%w: a memcached key is at most %d bytes, this one is %d (%q)", ErrInvalidKey, MaxMemcachedKeyLength, len(key), truncate(key))
	}
	for i := 0; i < len(key); i++ {
		if b := key[i]; b < 33 || b == 127 {
			return fmt.Errorf("%w: memcached keys have no spaces or control characters (byte 0x%02x at %d in %q)", ErrInvalidKey, b, i, truncate(key))
		}
	}
	return nil
}

// exp converts an expiry to memcached's: seconds up to 30 days, an absolute
// Unix time beyond, -1 for "already expired", 0 for never.
func (m *memcached) exp(e expiry) (int32, error) {
	switch {
	case e.never:
		return 0, nil
	case e.remove():
		return -1, nil
	}
	return gomemcache.Expiration(core.TTLSeconds(e.secs), m.now())
}

func (m *memcached) get(_ context.Context, key string) ([]byte, error) {
	it, err := m.c.Get(key)
	if errors.Is(err, memcache.ErrCacheMiss) {
		return nil, ErrNotFound
	}
	if err != nil {
		return nil, err
	}
	return it.Value, nil
}

func (m *memcached) set(_ context.Context, key string, value []byte, e expiry) error {
	if e.remove() {
		if err := m.c.Delete(key); err != nil && !errors.Is(err, memcache.ErrCacheMiss) {
			return err
		}
		return nil
	}
	x, err := m.exp(e)
	if err != nil {
		return err
	}
	return m.c.Set(&memcache.Item{Key: key, Value: value, Expiration: x})
}

func (m *memcached) add(_ context.Context, key string, value []byte, e expiry) (bool, error) {
	x, err := m.exp(e)
	if err != nil {
		return false, err
	}
	err = m.c.Add(&memcache.Item{Key: key, Value: value, Expiration: x})
	if errors.Is(err, memcache.ErrNotStored) {
		return false, nil
	}
	return err == nil, err
}

func (m *memcached) delete(_ context.Context, key string) (bool, error) {
	err := m.c.Delete(key)
	if errors.Is(err, memcache.ErrCacheMiss) {
		return false, nil
	}
	return err == nil, err
}

func (m *memcached) has(ctx context.Context, key string) (bool, error) {
	_, err := m.get(ctx, key)
	if errors.Is(err, ErrNotFound) {
		return false, nil
	}
	return err == nil, err
}

func (m *memcached) getMany(_ context.Context, keys []string) (map[string][]byte, error) {
	its, err := m.c.GetMulti(keys)
	if err != nil {
		return nil, err
	}
	out := make(map[string][]byte, len(its))
	for k, it := range its {
		out[k] = it.Value
	}
	return out, nil
}

func (m *memcached) setMany(ctx context.Context, keys []string, values [][]byte, e expiry) error {
	for i, k := range keys {
		if err := m.set(ctx, k, values[i], e); err != nil {
			return err
		}
	}
	return nil
}

func (m *memcached) deleteMany(ctx context.Context, keys []string) error {
	for _, k := range keys {
		if _, err := m.delete(ctx, k); err != nil {
			return err
		}
	}
	return nil
}

func (m *memcached) incr(_ context.Context, key string, delta int64) (int64, error) {
	var n uint64
	var err error
	if delta >= 0 {
		n, err = m.c.Increment(key, uint64(delta))
	} else {
		n, err = m.c.Decrement(key, uint64(-delta))
	}
	if errors.Is(err, memcache.ErrCacheMiss) {
		return 0, ErrNotFound
	}
	if err != nil {
		if strings.Contains(err.Error(), "non-numeric") {
			return 0, fmt.Errorf("%w: incr %q", ErrNotInteger, truncate(key))
		}
		return 0, err
	}
	if n > 1<<63-1 {
		return 0, fmt.Errorf("cache: memcached counter %s exceeds int64", strconv.FormatUint(n, 10))
	}
	return int64(n), nil
}

func (m *memcached) touch(_ context.Context, key string, e expiry) (bool, error) {
	x, err := m.exp(e)
	if err != nil {
		return false, err
	}
	err = m.c.Touch(key, x)
	if errors.Is(err, memcache.ErrCacheMiss) {
		return false, nil
	}
	return err == nil, err
}

func (m *memcached) clear(context.Context, string) error { return m.c.FlushAll() }

func (m *memcached) close() error { return m.c.Close() }

func (m *memcached) as(target any) bool {
	if p, ok := target.(**memcache.Client); ok {
		*p = m.c
		return true
	}
	return false
}
