package cache

import (
	"context"
	"runtime"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/bradfitz/gomemcache/memcache"
	lru "github.com/hashicorp/golang-lru/v2"
	"github.com/redis/go-redis/v9"

	"github.com/cacheurl/cacheurl/core"
	"github.com/cacheurl/cacheurl/internal/testserver/memcachedserver"
	"github.com/cacheurl/cacheurl/internal/testserver/redisserver"
)

// The benchmarks run side by side in one run:
//
//	go test ./cache -run '^$' -bench . -benchmem -count 5
//
// (the locmem ones alone: -bench Locmem). Locmem: the cache's locmem
// driver (through *Cache: key making, expiry, a copy of the value in and
// out) beside the floor (golang-lru/v2's Cache used directly plus what the
// driver must do on top: the copy of the value and the expiry check on a
// monotonic clock) and golang-lru's Cache alone, on the same keys and
// values, at 1 and 2 goroutines (GOMAXPROCS set to the number of
// goroutines, SetParallelism(1)). The candidates the driver was chosen
// over (otter, ttlcache) are measured in the compat module. Servers: the
// redis and memcached drivers against the native client they wrap, on the
// same server, connection pool, key and value.

const (
	benchKeys    = 1000
	benchEntries = 10000 // > benchKeys: the benchmarks measure hits, not eviction
)

var benchValue = make([]byte, 64)

func benchKeyList(prefix string) []string {
	ks := make([]string, benchKeys)
	for i := range ks {
		ks[i] = prefix + "k" + strconv.Itoa(i)
	}
	return ks
}

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

type kv struct {
	get func(i int)
	set func(i int)
}

// floorEntry is what the floor stores: the value and its deadline on a
// monotonic clock, as the driver does.
type floorEntry struct {
	v        []byte
	deadline time.Duration
}

var floorEpoch = time.Now()

func BenchmarkLocmem(b *testing.B) {
	ctx := context.Background()
	keys := benchKeyList("")
	made := benchKeyList(":1:")
	impls := []struct {
		name string
		make func(b *testing.B) kv
	}{
		{"cache", func(b *testing.B) kv {
			c, err := Open(ctx, "locmem://?max_entries="+strconv.Itoa(benchEntries))
			if err != nil {
				b.Fatal(err)
			}
			b.Cleanup(func() { c.Close() })
			return kv{
				get: func(i int) {
					if _, err := c.Get(ctx, keys[i%benchKeys]); err != nil {
						b.Fatal(err)
					}
				},
				set: func(i int) { _ = c.Set(ctx, keys[i%benchKeys], benchValue) },
			}
		}},
		// The floor: golang-lru's Cache with the work the driver cannot
		// skip: a copy of the value in and out, a deadline set and checked.
		{"floor", func(b *testing.B) kv {
			c, _ := lru.New[string, floorEntry](benchEntries)
			return kv{
				get: func(i int) {
					now := time.Since(floorEpoch)
					e, ok := c.Get(made[i%benchKeys])
					if !ok || now >= e.deadline {
						b.Fatal("floor: miss")
					}
					_ = clone(e.v)
				},
				set: func(i int) {
					c.Add(made[i%benchKeys], floorEntry{clone(benchValue), time.Since(floorEpoch) + core.DefaultTimeout})
				},
			}
		}},
		{"golang-lru.Cache", func(b *testing.B) kv {
			c, _ := lru.New[string, []byte](benchEntries)
			return kv{
				get: func(i int) { c.Get(made[i%benchKeys]) },
				set: func(i int) { c.Add(made[i%benchKeys], benchValue) },
			}
		}},
	}
	for _, g := range []int{1, 2} {
		for _, im := range impls {
			b.Run("op=Get/goroutines="+strconv.Itoa(g)+"/impl="+im.name, func(b *testing.B) {
				s := im.make(b)
				for i := range benchKeys {
					s.set(i)
				}
				parallel(b, g, s.get)
			})
			b.Run("op=Set/goroutines="+strconv.Itoa(g)+"/impl="+im.name, func(b *testing.B) {
				s := im.make(b)
				parallel(b, g, s.set)
			})
		}
	}
}

func serial(b *testing.B, op func(i int)) {
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		op(i)
	}
}

func BenchmarkRedis(b *testing.B) {
	s := redisserver.Start(b, redisserver.Config{})
	ctx := context.Background()
	c, err := Open(ctx, "redis://"+s.Addr+"/0")
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { c.Close() })
	var rc *redis.Client
	if !c.As(&rc) {
		b.Fatal("As(*redis.Client) = false")
	}
	key, made := "bench", c.MakeKey("bench")
	if err := c.Set(ctx, key, benchValue); err != nil {
		b.Fatal(err)
	}
	b.Run("op=Get/impl=cache", func(b *testing.B) {
		serial(b, func(int) {
			if _, err := c.Get(ctx, key); err != nil {
				b.Fatal(err)
			}
		})
	})
	b.Run("op=Get/impl=go-redis", func(b *testing.B) {
		serial(b, func(int) {
			if _, err := rc.Get(ctx, made).Bytes(); err != nil {
				b.Fatal(err)
			}
		})
	})
	b.Run("op=Set/impl=cache", func(b *testing.B) {
		serial(b, func(int) {
			if err := c.Set(ctx, key, benchValue); err != nil {
				b.Fatal(err)
			}
		})
	})
	b.Run("op=Set/impl=go-redis", func(b *testing.B) {
		serial(b, func(int) {
			if err := rc.Set(ctx, made, benchValue, core.DefaultTimeout).Err(); err != nil {
				b.Fatal(err)
			}
		})
	})
}

func BenchmarkMemcached(b *testing.B) {
	s := memcachedserver.Start(b)
	ctx := context.Background()
	c, err := Open(ctx, s.URL())
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { c.Close() })
	var mc *memcache.Client
	if !c.As(&mc) {
		b.Fatal("As(*memcache.Client) = false")
	}
	key, made := "bench", c.MakeKey("bench")
	if err := c.Set(ctx, key, benchValue); err != nil {
		b.Fatal(err)
	}
	b.Run("op=Get/impl=cache", func(b *testing.B) {
		serial(b, func(int) {
			if _, err := c.Get(ctx, key); err != nil {
				b.Fatal(err)
			}
		})
	})
	b.Run("op=Get/impl=gomemcache", func(b *testing.B) {
		serial(b, func(int) {
			if _, err := mc.Get(made); err != nil {
				b.Fatal(err)
			}
		})
	})
	b.Run("op=Set/impl=cache", func(b *testing.B) {
		serial(b, func(int) {
			if err := c.Set(ctx, key, benchValue); err != nil {
				b.Fatal(err)
			}
		})
	})
	b.Run("op=Set/impl=gomemcache", func(b *testing.B) {
		serial(b, func(int) {
			if err := mc.Set(&memcache.Item{Key: made, Value: benchValue, Expiration: int32(core.DefaultTimeout / time.Second)}); err != nil {
				b.Fatal(err)
			}
		})
	})
}

// interleaved times a and b alternately in one loop, so that a load that
// comes and goes on the machine weighs on both alike, and reports each
// one's time per operation and a's overhead over b in percent. (Allocations
// are the separate benchmarks'.)
func interleaved(b *testing.B, a, native func()) {
	var ta, tn time.Duration
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if i%2 == 0 { // alternate which goes first
			t0 := time.Now()
			a()
			t1 := time.Now()
			native()
			ta += t1.Sub(t0)
			tn += time.Since(t1)
		} else {
			t0 := time.Now()
			native()
			t1 := time.Now()
			a()
			tn += t1.Sub(t0)
			ta += time.Since(t1)
		}
	}
	b.ReportMetric(float64(ta.Nanoseconds())/float64(b.N), "cache-ns/op")
	b.ReportMetric(float64(tn.Nanoseconds())/float64(b.N), "native-ns/op")
	b.ReportMetric(100*(float64(ta)/float64(tn)-1), "overhead-%")
}

func BenchmarkInterleaved(b *testing.B) {
	ctx := context.Background()
	rs := redisserver.Start(b, redisserver.Config{})
	rcache, err := Open(ctx, "redis://"+rs.Addr+"/0")
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { rcache.Close() })
	var rc *redis.Client
	rcache.As(&rc)
	ms := memcachedserver.Start(b)
	mcache, err := Open(ctx, ms.URL())
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { mcache.Close() })
	var mc *memcache.Client
	mcache.As(&mc)
	key, made := "bench", rcache.MakeKey("bench")
	_ = rcache.Set(ctx, key, benchValue)
	_ = mcache.Set(ctx, key, benchValue)
	must := func(err error) {
		if err != nil {
			b.Fatal(err)
		}
	}
	b.Run("op=Get/backend=redis", func(b *testing.B) {
		interleaved(b,
			func() { _, err := rcache.Get(ctx, key); must(err) },
			func() { _, err := rc.Get(ctx, made).Bytes(); must(err) })
	})
	b.Run("op=Set/backend=redis", func(b *testing.B) {
		interleaved(b,
			func() { must(rcache.Set(ctx, key, benchValue)) },
			func() { must(rc.Set(ctx, made, benchValue, core.DefaultTimeout).Err()) })
	})
	// A request's context: with a deadline (a handler that gives its
	// cache call a timeout), and cancellable without one (the redis driver
	// then watches it from a goroutine).
	dctx, cancel := context.WithTimeout(ctx, time.Hour)
	defer cancel()
	cctx, cancel2 := context.WithCancel(ctx)
	defer cancel2()
	for _, x := range []struct {
		name string
		ctx  context.Context
	}{{"deadline", dctx}, {"cancellable", cctx}} {
		b.Run("op=Get/backend=redis/ctx="+x.name, func(b *testing.B) {
			interleaved(b,
				func() { _, err := rcache.Get(x.ctx, key); must(err) },
				func() { _, err := rc.Get(x.ctx, made).Bytes(); must(err) })
		})
		b.Run("op=Get/backend=memcached/ctx="+x.name, func(b *testing.B) {
			interleaved(b,
				func() { _, err := mcache.Get(x.ctx, key); must(err) },
				func() { _, err := mc.Get(made); must(err) })
		})
	}
	b.Run("op=Get/backend=memcached", func(b *testing.B) {
		interleaved(b,
			func() { _, err := mcache.Get(ctx, key); must(err) },
			func() { _, err := mc.Get(made); must(err) })
	})
	b.Run("op=Set/backend=memcached", func(b *testing.B) {
		interleaved(b,
			func() { must(mcache.Set(ctx, key, benchValue)) },
			func() {
				must(mc.Set(&memcache.Item{Key: made, Value: benchValue, Expiration: int32(core.DefaultTimeout / time.Second)}))
			})
	})
}

// BenchmarkLocmemInterleaved times the locmem driver's Get, the floor's and
// golang-lru's plain Get alternately in one loop (batches of 32 of each,
// the order rotating), so that a load that comes and goes on the machine
// weighs on all three alike, and reports each one's ns/op and the ratios:
//
//	go test ./cache -run '^$' -bench LocmemInterleaved -count 5
func BenchmarkLocmemInterleaved(b *testing.B) {
	ctx := context.Background()
	keys := benchKeyList("")
	made := benchKeyList(":1:")
	c, err := Open(ctx, "locmem://?max_entries="+strconv.Itoa(benchEntries))
	if err != nil {
		b.Fatal(err)
	}
	defer c.Close()
	fl, _ := lru.New[string, floorEntry](benchEntries)
	plain, _ := lru.New[string, []byte](benchEntries)
	for i := range benchKeys {
		_ = c.Set(ctx, keys[i], benchValue)
		fl.Add(made[i], floorEntry{clone(benchValue), time.Since(floorEpoch) + core.DefaultTimeout})
		plain.Add(made[i], benchValue)
	}
	ops := [3]func(i int){
		func(i int) {
			if _, err := c.Get(ctx, keys[i%benchKeys]); err != nil {
				panic(err)
			}
		},
		func(i int) {
			now := time.Since(floorEpoch)
			e, ok := fl.Get(made[i%benchKeys])
			if !ok || now >= e.deadline {
				panic("floor: miss")
			}
			_ = clone(e.v)
		},
		func(i int) { plain.Get(made[i%benchKeys]) },
	}
	const batch = 32
	for _, g := range []int{1, 2} {
		b.Run("op=Get/goroutines="+strconv.Itoa(g), func(b *testing.B) {
			defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(g))
			b.SetParallelism(1)
			var mu sync.Mutex
			var total [3]time.Duration
			var n int64
			b.ResetTimer()
			b.RunParallel(func(pb *testing.PB) {
				var sum [3]time.Duration
				var done int64
				i := 0
				for round := 0; ; round++ {
					for j := range batch {
						if !pb.Next() {
							mu.Lock()
							for k := range sum {
								total[k] += sum[k]
							}
							n += done + int64(j)
							mu.Unlock()
							return
						}
					}
					for k := range 3 {
						which := (round + k) % 3
						t0 := time.Now()
						for j := range batch {
							ops[which](i + j)
						}
						sum[which] += time.Since(t0)
					}
					i += batch
					done += batch
				}
			})
			if n == 0 {
				return
			}
			per := func(d time.Duration) float64 { return float64(d) / float64(n) }
			b.ReportMetric(per(total[0]), "cache-ns/op")
			b.ReportMetric(per(total[1]), "floor-ns/op")
			b.ReportMetric(per(total[2]), "golang-lru-ns/op")
			b.ReportMetric(float64(total[0])/float64(total[2]), "cache/golang-lru")
			b.ReportMetric(float64(total[0])/float64(total[1]), "cache/floor")
		})
	}
}
