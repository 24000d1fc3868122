package cache

import (
	"context"
	"fmt"
	"strconv"
	"time"

	"github.com/cacheurl/cacheurl/cache/locmem"
	"github.com/cacheurl/cacheurl/core"
)

// locmemDriver is the locmem backend on [locmem.LRU], keyed by
// [LocmemKey] (no string is made per call): capacity max_entries, least
// recently used evicted first, a deadline per entry; add, incr and touch
// are atomic (locmem.LRU.Compute). Django culls 1/cull_frequency of the
// entries when full; this evicts the least recently used entry instead.
// Values are copied in and out, as Django's pickling does: a caller
// changing a slice changes no entry. It never blocks, so it does not look
// at the context.
type locmemDriver struct {
	l *locmem.LRU[key, []byte]
}

// newLocmemDriver builds the locmem driver.
func newLocmemDriver(cfg core.Config) (driver, error) {
	n := cfg.MaxEntriesOrDefault()
	l, err := locmem.New[key, []byte](n, 0)
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

func (m *locmemDriver) get(_ context.Context, k key) ([]byte, error) {
	v, ok := m.l.Get(k)
	if !ok {
		return nil, ErrNotFound
	}
	return clone(v), nil
}

func (m *locmemDriver) set(_ context.Context, k key, value []byte, e expiry) error {
	if e.remove() {
		m.l.Remove(k)
		return nil
	}
	var ttl time.Duration // never
	if !e.never {
		ttl = e.duration()
	}
	m.l.AddFor(k, clone(value), ttl)
	return nil
}

func (m *locmemDriver) add(_ context.Context, k key, value []byte, e expiry) (bool, error) {
	stored := false
	m.l.Compute(k, func(old []byte, d time.Time, found bool) ([]byte, time.Time, locmem.Op) {
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

func (m *locmemDriver) delete(_ context.Context, k key) (bool, error) {
	return m.l.Remove(k), nil
}

func (m *locmemDriver) has(_ context.Context, k key) (bool, error) {
	return m.l.Contains(k), nil
}

func (m *locmemDriver) getMany(_ context.Context, keys []key) (map[int][]byte, error) {
	out := make(map[int][]byte, len(keys))
	for i, k := range keys {
		if v, ok := m.l.Get(k); ok {
			out[i] = clone(v)
		}
	}
	return out, nil
}

func (m *locmemDriver) setMany(ctx context.Context, keys []key, values [][]byte, e expiry) error {
	for i, k := range keys {
		_ = m.set(ctx, k, values[i], e)
	}
	return nil
}

func (m *locmemDriver) deleteMany(_ context.Context, keys []key) error {
	for _, k := range keys {
		m.l.Remove(k)
	}
	return nil
}

func (m *locmemDriver) incr(_ context.Context, k key, delta int64) (int64, error) {
	var n int64
	var err error
	m.l.Compute(k, func(old []byte, d time.Time, found bool) ([]byte, time.Time, locmem.Op) {
		if !found {
			err = ErrNotFound
			return nil, d, locmem.Keep
		}
		v, perr := strconv.ParseInt(string(old), 10, 64)
		if perr != nil {
			err = fmt.Errorf("%w: incr %q", ErrNotInteger, truncate(k.made()))
			return nil, d, locmem.Keep
		}
		n = v + delta
		return strconv.AppendInt(nil, n, 10), d, locmem.Write // the deadline is kept
	})
	return n, err
}

func (m *locmemDriver) touch(_ context.Context, k key, e expiry) (bool, error) {
	existed := false
	m.l.Compute(k, func(old []byte, d time.Time, found bool) ([]byte, time.Time, locmem.Op) {
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

// as gives the store: target *(*locmem.LRU[LocmemKey, []byte]).
func (m *locmemDriver) as(target any) bool {
	p, ok := target.(**locmem.LRU[key, []byte])
	if ok {
		*p = m.l
	}
	return ok
}

func (m *locmemDriver) validKey(key) error { return nil }
