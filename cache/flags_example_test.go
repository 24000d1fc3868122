package cache_test

import (
	"context"
	"fmt"

	"github.com/cacheurl/cacheurl/cache"
)

// A codec stores a flags word beside each value (memcached keeps it; here
// locmem, which keeps none, stands in), and reads it back with GetItem.
func ExampleWithFlags() {
	ctx := context.Background()
	for _, url := range []string{"locmem://", "dummy://"} {
		c, err := cache.Open(ctx, url)
		if err != nil {
			panic(err)
		}
		// What pymemcache stores for the str "Zoë": UTF-8 text, flags 16.
		_ = c.Set(ctx, "name", []byte("Zoë"), cache.WithFlags(16))
		_ = c.SetManyItems(ctx, map[string]cache.Item{"n": {Value: []byte("42"), Flags: 2}})
		it, err := c.GetItem(ctx, "name")
		fmt.Printf("%s: %q flags %d, %v\n", url, it.Value, it.Flags, err)
		c.Close()
	}
	// Output:
	// locmem://: "Zoë" flags 0, <nil>
	// dummy://: "" flags 0, cache: key not found
}
