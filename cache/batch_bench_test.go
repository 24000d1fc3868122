package cache

import (
	"context"
	"strconv"
	"testing"

	"github.com/redis/go-redis/v9"

	"github.com/cacheurl/cacheurl/internal/testserver/memcachedserver"
	"github.com/cacheurl/cacheurl/internal/testserver/redisserver"
)

// BenchmarkBatch: GetMany, SetMany and DeleteMany of 100 keys on a
// standalone redis and on memcached, beside go-redis's one MGET of the same
// made keys (the floor for GetMany):
//
//	go test ./cache -run '^$' -bench Batch -benchmem -count 5
func BenchmarkBatch(b *testing.B) {
	ctx := context.Background()
	const n = 100
	keys := make([]string, n)
	items := make(map[string][]byte, n)
	for i := range keys {
		keys[i] = "batch" + strconv.Itoa(i)
		items[keys[i]] = benchValue
	}
	rs := redisserver.Start(b, redisserver.Config{})
	ms := memcachedserver.Start(b)
	for _, u := range []string{"redis://" + rs.Addr + "/0", ms.URL()} {
		c, err := Open(ctx, u)
		if err != nil {
			b.Fatal(err)
		}
		b.Cleanup(func() { c.Close() })
		backend := "redis"
		if u == ms.URL() {
			backend = "memcached"
		}
		if err := c.SetMany(ctx, items); err != nil {
			b.Fatal(err)
		}
		b.Run("op=GetMany/backend="+backend+"/impl=cache", func(b *testing.B) {
			serial(b, func(int) {
				got, err := c.GetMany(ctx, keys)
				if err != nil || len(got) != n {
					b.Fatal(len(got), err)
				}
			})
		})
		var rc *redis.Client
		if c.As(&rc) {
			made := make([]string, n)
			for i, k := range keys {
				made[i] = c.MakeKey(k)
			}
			b.Run("op=GetMany/backend=redis/impl=go-redis-MGET", func(b *testing.B) {
				serial(b, func(int) {
					got, err := rc.MGet(ctx, made...).Result()
					if err != nil || len(got) != n {
						b.Fatal(len(got), err)
					}
				})
			})
		}
		b.Run("op=SetMany/backend="+backend+"/impl=cache", func(b *testing.B) {
			serial(b, func(int) {
				if err := c.SetMany(ctx, items); err != nil {
					b.Fatal(err)
				}
			})
		})
		b.Run("op=DeleteMany/backend="+backend+"/impl=cache", func(b *testing.B) {
			serial(b, func(int) {
				if err := c.DeleteMany(ctx, keys); err != nil {
					b.Fatal(err)
				}
			})
		})
	}
}
