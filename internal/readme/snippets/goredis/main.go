// Command cache-demo stores a value in the cache CACHE_URL names, with the
// URL's key prefix and TTL.
package main

import (
	"context"
	"fmt"
	"log"

	"github.com/cacheurl/cacheurl/clients/goredis"
	"github.com/cacheurl/cacheurl/core"
)

func main() {
	log.SetFlags(0)
	cfg, err := core.FromEnv("CACHE_URL", "redis://localhost:6379/0")
	if err != nil {
		log.Fatal(err) // redacted: never shows the password
	}
	ctx := context.Background()
	client, err := goredis.New(ctx, cfg) // a redis.UniversalClient
	if err != nil {
		log.Fatal(err)
	}
	defer client.Close()
	ttl, _ := cfg.TTL.Duration() // go-redis has no default expiry or key prefix
	key := cfg.KeyPrefix + ":greeting"
	if err := client.Set(ctx, key, "hello", ttl).Err(); err != nil {
		log.Fatalf("%s: %v", goredis.Describe(cfg), err)
	}
	fmt.Printf("%s: set %s for %v\n", goredis.Describe(cfg), key, ttl)
}
