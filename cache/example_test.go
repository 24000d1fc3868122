package cache_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/cacheurl/cacheurl/cache"
	"github.com/cacheurl/cacheurl/core"
)

// Open the cache CACHE_URL names (locmem:// when unset). The same code
// works unchanged with redis://, rediss://, redis+sentinel://,
// redis+cluster:// and memcached://: only the URL changes.
func Example() {
	ctx := context.Background()
	url := os.Getenv("CACHE_URL")
	if url == "" {
		url = "locmem://"
	}
	c, err := cache.Open(ctx, url)
	if err != nil {
		fmt.Println(err)
		return
	}
	defer c.Close()
	if err := greet(ctx, c, os.Stdout); err != nil {
		fmt.Println(err)
	}
	// Output:
	// greeting: hello
	// add again: false
	// hits: 2
	// after delete: miss
}

// greet uses the cache as any service would, whatever the backend.
func greet(ctx context.Context, c *cache.Cache, w io.Writer) error {
	// Stored under "<key_prefix>:<version>:greeting", as Django stores it,
	// for 300 s (the URL's timeout when it has one).
	if err := c.Set(ctx, "greeting", []byte("hello")); err != nil {
		return err
	}
	v, err := c.Get(ctx, "greeting")
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "greeting: %s\n", v)

	added, err := c.Add(ctx, "greeting", []byte("hi"), cache.WithTTL(core.TTLSeconds(60)))
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "add again: %v\n", added)

	// Counters are decimal text, so a Django service can share them.
	if err := c.Set(ctx, "hits", []byte("1")); err != nil {
		return err
	}
	n, err := c.Incr(ctx, "hits", 1)
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "hits: %d\n", n)

	if _, err := c.Delete(ctx, "greeting"); err != nil {
		return err
	}
	_, err = c.Get(ctx, "greeting")
	switch {
	case errors.Is(err, cache.ErrNotFound):
		fmt.Fprintln(w, "after delete: miss")
	case err != nil:
		return err
	}
	_, err = c.Delete(ctx, "hits")
	return err
}
