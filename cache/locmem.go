package cache

import (
	"context"
	"fmt"
	"strconv"
	"sync"
	"time"

	"github.com/hashicorp/golang-lru/v2/simplelru"

	"github.com/cacheurl/cacheurl/core"
)

// DefaultMaxEntries is locmem's capacity when the URL has no max_entries
// (Django's default).
const DefaultMaxEntries = 300

// locmem is an in-process LRU of capacity max_entries; each entry carries
// its own deadline, checked on read. One mutex guards it, so add, incr and
// touch are atomic. Django culls 1/cull_frequency of the entries when full;
// this evicts the least recently used entry instead.
type locmem struct {
	mu  sync.Mutex
	lru *simplelru.LRU[string, locEntry]
	now func() time.Time
}

type locEntry struct {
	v        []byte
	deadline int64 // unix nanoseconds; 0 = never
}

func newLocmem(cfg core.Config) (*locmem, error) {
	n := DefaultMaxEntries
	if cfg.MaxEntries != nil {
		n = *cfg.MaxEntries
	}
	l, err := simplelru.NewLRU[string, locEntry](n, nil)
	if err != nil {
		return nil, fmt.Errorf("cache: locmem max_entries %d: %w", n, err)
	}
	return &locmem{lru: l, now: time.Now}, nil
}

func (m *locmem) deadline(e expiry) int64 {
	if e.never {
		return 0
	}
	return m.now().Add(e.duration()).UnixNano()
}

// live returns the entry if present and not expired (removing it if expired).
// m.mu is held.
func (m *locmem) live(key string) (locEntry, bool) {
	en, ok := m.lru.Get(key)
	if !ok {
		return en, false
	}
	if en.deadline != 0 && m.now().UnixNano() >= en.deadline {
		m.lru.Remove(key)
		return en, false
	}
	return en, true
}

func clone(b []byte) []byte { return append(make([]byte, 0, len(b)), b...) }

func (m *locmem) get(_ context.Context, key string) ([]byte, error) {
	m.mu.Lock()
	en, ok := m.live(key)
	m.mu.Unlock()
	if !ok {
		return nil, ErrNotFound
	}
	return clone(en.v), nil
}

func (m *locmem) setLocked(key string, value []byte, e expiry) {
	if e.remove() {
		m.lru.Remove(key)
		return
	}
	m.lru.Add(key, locEntry{v: clone(value), deadline: m.deadline(e)})
}

func (m *locmem) set(_ context.Context, key string, value []byte, e expiry) error {
	m.mu.Lock()
	m.setLocked(key, value, e)
	m.mu.Unlock()
	return nil
}

func (m *locmem) add(_ context.Context, key string, value []byte, e expiry) (bool, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if _, ok := m.live(key); ok {
		return false, nil
	}
	m.setLocked(key, value, e)
	return true, nil
}

func (m *locmem) delete(_ context.Context, key string) (bool, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	_, ok := m.live(key)
	if ok {
		m.lru.Remove(key)
	}
	return ok, nil
}

func (m *locmem) has(_ context.Context, key string) (bool, error) {
	m.mu.Lock()
	_, ok := m.live(key)
	m.mu.Unlock()
	return ok, nil
}

func (m *locmem) getMany(_ context.Context, keys []string) (map[string][]byte, error) {
	out := make(map[string][]byte, len(keys))
	m.mu.Lock()
	defer m.mu.Unlock()
	for _, k := range keys {
		if en, ok := m.live(k); ok {
			out[k] = clone(en.v)
		}
	}
	return out, nil
}

func (m *locmem) setMany(_ context.Context, keys []string, values [][]byte, e expiry) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	for i, k := range keys {
		m.setLocked(k, values[i], e)
	}
	return nil
}

func (m *locmem) deleteMany(_ context.Context, keys []string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	for _, k := range keys {
		m.lru.Remove(k)
	}
	return nil
}

func (m *locmem) incr(_ context.Context, key string, delta int64) (int64, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	en, ok := m.live(key)
	if !ok {
		return 0, ErrNotFound
	}
	n, err := strconv.ParseInt(string(en.v), 10, 64)
	if err != nil {
		return 0, fmt.Errorf("%w: incr %q", ErrNotInteger, truncate(key))
	}
	n += delta
	en.v = strconv.AppendInt(nil, n, 10)
	m.lru.Add(key, en)
	return n, nil
}

func (m *locmem) touch(_ context.Context, key string, e expiry) (bool, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	en, ok := m.live(key)
	if !ok {
		return false, nil
	}
	if e.remove() {
		m.lru.Remove(key)
		return true, nil
	}
	en.deadline = m.deadline(e)
	m.lru.Add(key, en)
	return true, nil
}

func (m *locmem) clear(context.Context, string) error {
	m.mu.Lock()
	m.lru.Purge()
	m.mu.Unlock()
	return nil
}

func (m *locmem) close() error          { return nil }
func (m *locmem) as(any) bool           { return false }
func (m *locmem) validKey(string) error { return nil }
