package cache

import (
	"context"
	"fmt"
	"strconv"
	"time"

	"github.com/cacheurl/cacheurl/cache/locmem"
	"github.com/cacheurl/cacheurl/core"
)

// DefaultMaxEntries is locmem's capacity when the URL has no max_entries
// (Django's default).
const DefaultMaxEntries = 300

// locmemDriver is the locmem backend on [locmem.LRU]: capacity
// max_entries, least recently used evicted first, a deadline per entry;
// add, incr and touch are atomic (locmem.LRU.Compute). Django culls
// 1/cull_frequency of the entries when full; this evicts the least recently
// used entry instead. Values are copied in and out, as Django's pickling
// does: a caller changing a slice changes no entry.
type locmemDriver struct {
	l store
}

// store is what the driver needs of its in-process store: [locmem.LRU]'s
// methods (a test plugs in the candidates measured against it).
type store interface {
	Get(key string) ([]byte, bool)
	AddUntil(key string, value []byte, deadline time.Time) bool
	Contains(key string) bool
	Remove(key string) bool
	Compute(key string, f func(old []byte, deadline time.Time, found bool) ([]byte, time.Time, locmem.Op))
	Purge()
}

// newLocmemDriver builds the locmem driver (a variable so that the
// benchmarks can measure another implementation side by side).
var newLocmemDriver = func(cfg core.Config) (driver, error) { return newLocmem(cfg) }

func newLocmem(cfg core.Config) (*locmemDriver, error) {
	return newLocmemOn(cfg, func(n int) (store, error) { return locmem.New[string, []byte](n, 0) })
}

// newLocmemOn builds the driver on the store newStore makes for a capacity
// of max_entries (300 by default).
func newLocmemOn(cfg core.Config, newStore func(n int) (store, error)) (*locmemDriver, error) {
	n := DefaultMaxEntries
	if cfg.MaxEntries != nil {
		n = *cfg.MaxEntries
	}
	l, err := newStore(n)
	if err != nil {
		return nil, fmt.Errorf("cache: locmem max_entries %d: %w", n, err)
	}
	return &locmemDriver{l: l}, nil
}

func deadline(e expiry) time.Time {
	if e.never {
		return time.Time{}
	}
	return time.Now().Add(e.duration())
}

func clone(b []byte) []byte { return append(make([]byte, 0, len(b)), b...) }

func (m *locmemDriver) get(_ context.Context, key string) ([]byte, error) {
	v, ok := m.l.Get(key)
	if !ok {
		return nil, ErrNotFound
	}
	return clone(v), nil
}

func (m *locmemDriver) set(_ context.Context, key string, value []byte, e expiry) error {
	if e.remove() {
		m.l.Remove(key)
		return nil
	}
	m.l.AddUntil(key, clone(value), deadline(e))
	return nil
}

func (m *locmemDriver) add(_ context.Context, key string, value []byte, e expiry) (bool, error) {
	stored := false
	m.l.Compute(key, func(old []byte, d time.Time, found bool) ([]byte, time.Time, locmem.Op) {
		if found {
			return nil, time.Time{}, locmem.Keep
		}
		stored = true // as Django: an absent key is "stored", even expired at once
		if e.remove() {
			return nil, time.Time{}, locmem.Keep
		}
		return clone(value), deadline(e), locmem.Write
	})
	return stored, nil
}

func (m *locmemDriver) delete(_ context.Context, key string) (bool, error) {
	return m.l.Remove(key), nil
}

func (m *locmemDriver) has(_ context.Context, key string) (bool, error) {
	return m.l.Contains(key), nil
}

func (m *locmemDriver) getMany(ctx context.Context, keys []string) (map[string][]byte, error) {
	out := make(map[string][]byte, len(keys))
	for _, k := range keys {
		if v, ok := m.l.Get(k); ok {
			out[k] = clone(v)
		}
	}
	return out, nil
}

func (m *locmemDriver) setMany(ctx context.Context, keys []string, values [][]byte, e expiry) error {
	for i, k := range keys {
		_ = m.set(ctx, k, values[i], e)
	}
	return nil
}

func (m *locmemDriver) deleteMany(_ context.Context, keys []string) error {
	for _, k := range keys {
		m.l.Remove(k)
	}
	return nil
}

func (m *locmemDriver) incr(_ context.Context, key string, delta int64) (int64, error) {
	var n int64
	var err error
	m.l.Compute(key, func(old []byte, d time.Time, found bool) ([]byte, time.Time, locmem.Op) {
		if !found {
			err = ErrNotFound
			return nil, d, locmem.Keep
		}
		v, perr := strconv.ParseInt(string(old), 10, 64)
		if perr != nil {
			err = fmt.Errorf("%w: incr %q", ErrNotInteger, truncate(key))
			return nil, d, locmem.Keep
		}
		n = v + delta
		return strconv.AppendInt(nil, n, 10), d, locmem.Write // the deadline is kept
	})
	return n, err
}

func (m *locmemDriver) touch(_ context.Context, key string, e expiry) (bool, error) {
	existed := false
	m.l.Compute(key, func(old []byte, d time.Time, found bool) ([]byte, time.Time, locmem.Op) {
		existed = found
		switch {
		case !found:
			return nil, d, locmem.Keep
		case e.remove():
			return nil, d, locmem.Delete
		}
		return old, deadline(e), locmem.Write
	})
	return existed, nil
}

func (m *locmemDriver) clear(context.Context, string) error {
	m.l.Purge()
	return nil
}

func (m *locmemDriver) close() error { return nil }

// as gives the store: target *(*locmem.LRU[string, []byte]).
func (m *locmemDriver) as(target any) bool {
	p, ok := target.(**locmem.LRU[string, []byte])
	l, isLRU := m.l.(*locmem.LRU[string, []byte])
	if ok && isLRU {
		*p = l
	}
	return ok && isLRU
}

func (m *locmemDriver) validKey(string) error { return nil }
