// Command app caches a value in whatever CACHE_URL names (locmem:// if unset).
package main

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"log"
	"os"

	"github.com/cacheurl/cacheurl/cache"
)

func main() {
	ctx := context.Background()
	c, err := cache.Open(ctx, cmp.Or(os.Getenv("CACHE_URL"), "locmem://"))
	if err != nil {
		log.Fatal(err) // typed, redacted
	}
	defer c.Close()
	_, miss := c.Get(ctx, "greeting")
	if err := c.Set(ctx, "greeting", []byte("hello")); err != nil { // "<key_prefix>:1:greeting", 300 s
		log.Fatal(err)
	}
	v, err := c.Get(ctx, "greeting")
	fmt.Println(errors.Is(miss, cache.ErrNotFound), string(v), err)
	_, _ = c.Delete(ctx, "greeting")
}
