package cache_test

import (
	"context"
	"fmt"

	"github.com/cacheurl/cacheurl/cache"
	"github.com/cacheurl/cacheurl/core"
)

// Open the cache CACHE_URL names (locmem:// when unset); the same code
// works unchanged with redis:// and memcached://.
func Example() {
	ctx := context.Background()
	cfg, err := core.FromEnv("CACHE_URL", "locmem://")
	if err != nil {
		fmt.Println(err)
		return
	}
	c, err := cache.New(ctx, cfg)
	if err != nil {
		fmt.Println(err)
		return
	}
	defer c.Close()
	_ = c.Set(ctx, "greeting", []byte("hello"))
	v, _ := c.Get(ctx, "greeting")
	fmt.Println(string(v), c.MakeKey("greeting"))
	_ = c.Set(ctx, "hits", []byte("1"))
	n, _ := c.Incr(ctx, "hits", 1)
	fmt.Println(n)
	// Output:
	// hello :1:greeting
	// 2
}
