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

// GetOrSet calls fill on a miss only, and concurrent callers of one missing
// key share one fill.
func ExampleCache_GetOrSet() {
	ctx := context.Background()
	c, _ := cache.Open(ctx, "locmem://")
	defer c.Close()
	fill := func(context.Context) ([]byte, error) {
		fmt.Println("computing")
		return []byte("expensive"), nil
	}
	for range 2 {
		v, err := c.GetOrSet(ctx, "report", fill, cache.WithTTL(core.TTLSeconds(60)))
		fmt.Println(string(v), err)
	}
	// Output:
	// computing
	// expensive <nil>
	// expensive <nil>
}

// Version gives Django's version= argument; IncrVersion moves a value to a
// new version.
func ExampleCache_Version() {
	ctx := context.Background()
	c, _ := cache.Open(ctx, "locmem://?key_prefix=app")
	defer c.Close()
	_ = c.Set(ctx, "k", []byte("v1"))
	fmt.Println(c.MakeKey("k"), c.Version(2).MakeKey("k"))

	v, _ := c.IncrVersion(ctx, "k", 1) // app:1:k -> app:2:k
	_, err := c.Get(ctx, "k")
	got, _ := c.Version(v).Get(ctx, "k")
	fmt.Println(v, errors.Is(err, cache.ErrNotFound), string(got))
	// Output:
	// app:1:k app:2:k
	// 2 true v1
}

// Decr is Django's decr.
func ExampleCache_Decr() {
	ctx := context.Background()
	c, _ := cache.Open(ctx, "locmem://")
	defer c.Close()
	_ = c.Set(ctx, "left", []byte("10"))
	n, err := c.Decr(ctx, "left", 3)
	fmt.Println(n, err)
	_, err = c.Decr(ctx, "missing", 1)
	fmt.Println(errors.Is(err, cache.ErrNotFound))
	// Output:
	// 7 <nil>
	// true
}
