// Command app caches a value in whatever CACHE_URL names (locmem:// when it
// is unset), with Django's keys and expiry: the code is the same for all.
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
	_, err = c.Get(ctx, "greeting")
	fmt.Println("miss:", errors.Is(err, cache.ErrNotFound))
	// Stored as "<key_prefix>:1:greeting" for the URL's timeout, or 300 s.
	if err := c.Set(ctx, "greeting", []byte("hello")); err != nil {
		log.Fatal(err)
	}
	v, err := c.Get(ctx, "greeting")
	fmt.Println(string(v), err)
	_, _ = c.Delete(ctx, "greeting")
}
