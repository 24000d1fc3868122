package locmemcandidates

import (
	"context"
	"errors"
	"fmt"
	"runtime"
	"strconv"
	"testing"
	"time"

	lru "github.com/hashicorp/golang-lru/v2"
	"github.com/hashicorp/golang-lru/v2/expirable"
	"github.com/jellydator/ttlcache/v3"
	"github.com/maypok86/otter/v2"

	"github.com/cacheurl/cacheurl/cache"
	"github.com/cacheurl/cacheurl/cache/locmem"
)

// store is what the locmem driver uses of its store: cache/locmem's
// methods, which each candidate offers.
type store interface {
	Get(key string) ([]byte, bool)
	AddUntil(key string, value []byte, deadline time.Time) bool
	Contains(key string) bool
	Remove(key string) bool
	Compute(key string, f func(old []byte, deadline time.Time, found bool) ([]byte, time.Time, locmem.Op))
	Purge()
}

var (
	_ store = (*locmem.LRU[string, []byte])(nil)
	_ store = (*ttlStore[string, []byte])(nil)
	_ store = (*otterStore)(nil)
)

// candidates make a store of a capacity, by name.
var candidates = []struct {
	name string
	make func(n int) (store, error)
}{
	{"locmem", func(n int) (store, error) { return locmem.New[string, []byte](n, 0) }},
	{"otter", func(n int) (store, error) { return newOtterStore(n) }},
	{"ttlcache", func(n int) (store, error) { return newTTLStore[string, []byte](n, 0) }},
}

// driver is the locmem driver's work on a store, as cache's driver does
// it: the key made, the value copied in and out, a deadline per entry.
type driver struct{ s store }

var errMiss = errors.New("miss")

func clone(b []byte) []byte { return append(make([]byte, 0, len(b)), b...) }

func (d driver) get(key string) ([]byte, error) {
	v, ok := d.s.Get(":1:" + key)
	if !ok {
		return nil, errMiss
	}
	return clone(v), nil
}

func (d driver) set(key string, v []byte, ttl time.Duration) {
	d.s.AddUntil(":1:"+key, clone(v), time.Now().Add(ttl))
}

// TestLocmemCandidates records how the candidates behave (see
// docs/cache.md): with a capacity of N, writing 2N keys must leave exactly
// the N most recently written (Django's LocMemCache's least-recently-used
// eviction), at once. It asserts this of cache/locmem and of the ttlcache
// store, and logs what otter does.
func TestLocmemCandidates(t *testing.T) {
	for _, c := range candidates {
		for _, n := range []int{1, 3, 100} {
			s, err := c.make(n)
			if err != nil {
				t.Fatal(err)
			}
			d := driver{s}
			for i := range 2 * n {
				d.set(strconv.Itoa(i), []byte("v"), time.Minute)
			}
			recent, older := 0, 0
			for i := range 2 * n {
				if s.Contains(":1:" + strconv.Itoa(i)) {
					if i >= n {
						recent++
					} else {
						older++
					}
				}
			}
			if o, ok := s.(*otterStore); ok {
				o.c.StopAllGoroutines()
			}
			t.Logf("%s, capacity %d, %d keys written: %d of the %d newest kept, %d older kept", c.name, n, 2*n, recent, n, older)
			if c.name != "otter" && (recent != n || older != 0) {
				t.Errorf("%s: capacity %d: %d newest, %d older kept; want %d, 0", c.name, n, recent, older, n)
			}
		}
	}
}

// The locmem driver itself (through cache.Open) against the same check.
func TestLocmemDriverKeepsNewest(t *testing.T) {
	ctx := context.Background()
	for _, n := range []int{1, 3, 100} {
		c, err := cache.Open(ctx, "locmem://?max_entries="+strconv.Itoa(n))
		if err != nil {
			t.Fatal(err)
		}
		for i := range 2 * n {
			_ = c.Set(ctx, strconv.Itoa(i), []byte("v"))
		}
		for i := range 2 * n {
			if ok, _ := c.Has(ctx, strconv.Itoa(i)); ok != (i >= n) {
				t.Errorf("max_entries=%d: key %d present = %v", n, i, ok)
			}
		}
		_ = c.Close()
	}
}

const (
	benchKeys    = 1000
	benchEntries = 10000 // > benchKeys: hits, not eviction
)

var benchValue = make([]byte, 64)

type kv struct{ get, set func(i int) }

// parallel runs op in exactly g goroutines on g Ps.
func parallel(b *testing.B, g int, op func(i int)) {
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(g))
	b.SetParallelism(1)
	b.ReportAllocs()
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		i := 0
		for pb.Next() {
			op(i)
			i++
		}
	})
}

// BenchmarkLocmemCandidates: the locmem driver (cache.Open("locmem://"),
// impl=cache), the driver's work on each candidate store
// (impl=driver=...: key made, value copied in and out, a deadline per
// entry), and the libraries used directly (made keys precomputed, no
// copies), at 1 and 2 goroutines.
func BenchmarkLocmemCandidates(b *testing.B) {
	ctx := context.Background()
	keys := make([]string, benchKeys)
	made := make([]string, benchKeys)
	for i := range keys {
		keys[i] = "k" + strconv.Itoa(i)
		made[i] = ":1:" + keys[i]
	}
	const ttl = 300 * time.Second
	impls := []struct {
		name string
		make func(b *testing.B) kv
	}{
		{"cache", func(b *testing.B) kv {
			c, err := cache.Open(ctx, "locmem://?max_entries="+strconv.Itoa(benchEntries))
			if err != nil {
				b.Fatal(err)
			}
			b.Cleanup(func() { c.Close() })
			return kv{
				get: func(i int) { _, _ = c.Get(ctx, keys[i%benchKeys]) },
				set: func(i int) { _ = c.Set(ctx, keys[i%benchKeys], benchValue) },
			}
		}},
	}
	for _, c := range candidates {
		impls = append(impls, struct {
			name string
			make func(b *testing.B) kv
		}{"driver=" + c.name, func(b *testing.B) kv {
			s, err := c.make(benchEntries)
			if err != nil {
				b.Fatal(err)
			}
			if o, ok := s.(*otterStore); ok {
				b.Cleanup(func() { o.c.StopAllGoroutines() })
			}
			d := driver{s}
			return kv{
				get: func(i int) { _, _ = d.get(keys[i%benchKeys]) },
				set: func(i int) { d.set(keys[i%benchKeys], benchValue, ttl) },
			}
		}})
	}
	impls = append(impls, []struct {
		name string
		make func(b *testing.B) kv
	}{
		{"golang-lru.expirable", func(b *testing.B) kv {
			c := expirable.NewLRU[string, []byte](benchEntries, nil, ttl)
			return kv{
				get: func(i int) { c.Get(made[i%benchKeys]) },
				set: func(i int) { c.Add(made[i%benchKeys], benchValue) },
			}
		}},
		{"golang-lru.Cache", func(b *testing.B) kv {
			c, _ := lru.New[string, []byte](benchEntries)
			return kv{
				get: func(i int) { c.Get(made[i%benchKeys]) },
				set: func(i int) { c.Add(made[i%benchKeys], benchValue) },
			}
		}},
		{"otter", func(b *testing.B) kv {
			c := otter.Must(&otter.Options[string, []byte]{
				MaximumSize:      benchEntries,
				ExpiryCalculator: otter.ExpiryWriting[string, []byte](ttl),
			})
			b.Cleanup(func() { c.StopAllGoroutines() })
			return kv{
				get: func(i int) { c.GetIfPresent(made[i%benchKeys]) },
				set: func(i int) { c.Set(made[i%benchKeys], benchValue) },
			}
		}},
		{"ttlcache", func(b *testing.B) kv {
			c := ttlcache.New(
				ttlcache.WithCapacity[string, []byte](benchEntries),
				ttlcache.WithDisableTouchOnHit[string, []byte]())
			return kv{
				get: func(i int) { c.Get(made[i%benchKeys]) },
				set: func(i int) { c.Set(made[i%benchKeys], benchValue, ttl) },
			}
		}},
	}...)
	for _, g := range []int{1, 2} {
		for _, im := range impls {
			b.Run(fmt.Sprintf("op=Get/goroutines=%d/impl=%s", g, im.name), func(b *testing.B) {
				s := im.make(b)
				for i := range benchKeys {
					s.set(i)
				}
				parallel(b, g, s.get)
			})
			b.Run(fmt.Sprintf("op=Set/goroutines=%d/impl=%s", g, im.name), func(b *testing.B) {
				s := im.make(b)
				parallel(b, g, s.set)
			})
		}
	}
}
