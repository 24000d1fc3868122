package cache

import (
	"context"
	"fmt"
	"strconv"
	"time"

	"github.com/maypok86/otter/v2"

	"github.com/cacheurl/cacheurl/core"
)

// neverTTL stands for "no expiry" in otter, which wants a duration: a
// century ("an excessively long period", in otter's words).
const neverTTL = 100 * 365 * 24 * time.Hour

// otterLocmem, a test file, is the candidate the locmem driver was measured
// against (BenchmarkLocmem, impl=cache=otter): locmem on otter/v2: per-entry expiry through an
// ExpiryCalculator that reads each entry's own TTL; add, incr and touch
// are atomic through Compute.
type otterLocmem struct {
	c *otter.Cache[string, otterEntry]
}

type otterEntry struct {
	v   []byte
	ttl time.Duration // from this write; neverTTL for no expiry
	// keep: this write keeps the entry's expiry (incr).
	keep bool
}

type otterExpiry struct{}

func (otterExpiry) ExpireAfterCreate(e otter.Entry[string, otterEntry]) time.Duration {
	return e.Value.ttl
}

func (otterExpiry) ExpireAfterUpdate(e otter.Entry[string, otterEntry], _ otterEntry) time.Duration {
	if e.Value.keep {
		return e.ExpiresAfter()
	}
	return e.Value.ttl
}

func (otterExpiry) ExpireAfterRead(e otter.Entry[string, otterEntry]) time.Duration {
	return e.ExpiresAfter()
}

func newOtterLocmem(cfg core.Config) (*otterLocmem, error) {
	n := DefaultMaxEntries
	if cfg.MaxEntries != nil {
		n = *cfg.MaxEntries
	}
	c, err := otter.New(&otter.Options[string, otterEntry]{
		MaximumSize:      n,
		ExpiryCalculator: otterExpiry{},
	})
	if err != nil {
		return nil, fmt.Errorf("cache: locmem max_entries %d: %w", n, err)
	}
	return &otterLocmem{c: c}, nil
}

func otterTTL(e expiry) time.Duration {
	if e.never {
		return neverTTL
	}
	return e.duration()
}

func (m *otterLocmem) get(_ context.Context, key string) ([]byte, error) {
	en, ok := m.c.GetIfPresent(key)
	if !ok {
		return nil, ErrNotFound
	}
	return clone(en.v), nil
}

func (m *otterLocmem) set(_ context.Context, key string, value []byte, e expiry) error {
	if e.remove() {
		m.c.Invalidate(key)
		return nil
	}
	m.c.Set(key, otterEntry{v: clone(value), ttl: otterTTL(e)})
	return nil
}

func (m *otterLocmem) add(_ context.Context, key string, value []byte, e expiry) (bool, error) {
	stored := false
	m.c.Compute(key, func(old otterEntry, found bool) (otterEntry, otter.ComputeOp) {
		if found {
			return old, otter.CancelOp
		}
		stored = true
		if e.remove() {
			return old, otter.CancelOp
		}
		return otterEntry{v: clone(value), ttl: otterTTL(e)}, otter.WriteOp
	})
	return stored, nil
}

func (m *otterLocmem) delete(_ context.Context, key string) (bool, error) {
	existed := false
	m.c.Compute(key, func(old otterEntry, found bool) (otterEntry, otter.ComputeOp) {
		existed = found
		if !found {
			return old, otter.CancelOp
		}
		return old, otter.InvalidateOp
	})
	return existed, nil
}

func (m *otterLocmem) has(_ context.Context, key string) (bool, error) {
	_, ok := m.c.GetIfPresent(key)
	return ok, nil
}

func (m *otterLocmem) getMany(_ context.Context, keys []string) (map[string][]byte, error) {
	out := make(map[string][]byte, len(keys))
	for _, k := range keys {
		if en, ok := m.c.GetIfPresent(k); ok {
			out[k] = clone(en.v)
		}
	}
	return out, nil
}

func (m *otterLocmem) setMany(ctx context.Context, keys []string, values [][]byte, e expiry) error {
	for i, k := range keys {
		_ = m.set(ctx, k, values[i], e)
	}
	return nil
}

func (m *otterLocmem) deleteMany(_ context.Context, keys []string) error {
	for _, k := range keys {
		m.c.Invalidate(k)
	}
	return nil
}

func (m *otterLocmem) incr(_ context.Context, key string, delta int64) (int64, error) {
	var n int64
	var err error
	m.c.Compute(key, func(old otterEntry, found bool) (otterEntry, otter.ComputeOp) {
		if !found {
			err = ErrNotFound
			return old, otter.CancelOp
		}
		v, perr := strconv.ParseInt(string(old.v), 10, 64)
		if perr != nil {
			err = fmt.Errorf("%w: incr %q", ErrNotInteger, truncate(key))
			return old, otter.CancelOp
		}
		n = v + delta
		return otterEntry{v: strconv.AppendInt(nil, n, 10), keep: true}, otter.WriteOp
	})
	return n, err
}

func (m *otterLocmem) touch(_ context.Context, key string, e expiry) (bool, error) {
	existed := false
	m.c.Compute(key, func(old otterEntry, found bool) (otterEntry, otter.ComputeOp) {
		existed = found
		switch {
		case !found:
			return old, otter.CancelOp
		case e.remove():
			return old, otter.InvalidateOp
		}
		return otterEntry{v: old.v, ttl: otterTTL(e)}, otter.WriteOp
	})
	return existed, nil
}

func (m *otterLocmem) clear(context.Context, string) error {
	m.c.InvalidateAll()
	return nil
}

func (m *otterLocmem) close() error {
	m.c.StopAllGoroutines()
	return nil
}

func (m *otterLocmem) as(any) bool           { return false }
func (m *otterLocmem) validKey(string) error { return nil }
