package core_test

import (
	"encoding/json"
	"errors"
	"fmt"

	"github.com/cacheurl/cacheurl/core"
)

// The Django view of a CACHE_URL, redacted for printing: the CACHES entry a
// Django service reading the same variable gets from django-cache-url, with
// the TTL in seconds.
func ExampleConfig_Django() {
	c, err := core.Parse("redis://:secret@Cache:6379/1?key_prefix=app&timeout=5m")
	if err != nil {
		fmt.Println(err)
		return
	}
	view, err := c.Redact().Django()
	if err != nil {
		fmt.Println(err)
		return
	}
	out, _ := json.MarshalIndent(view, "", "  ")
	fmt.Println(string(out))
	// Output:
	// {
	//   "BACKEND": "django.core.cache.backends.redis.RedisCache",
	//   "KEY_PREFIX": "app",
	//   "LOCATION": "redis://:xxxxx@cache:6379/1",
	//   "TIMEOUT": "300"
	// }
}

// Several redis hosts are a primary and its replicas: LOCATION is a list.
func ExampleConfig_Django_replicas() {
	c, err := core.Parse("valkey://primary:6379,replica:6380/2?max_entries=1000")
	if err != nil {
		fmt.Println(err)
		return
	}
	view, err := c.Django()
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(view["BACKEND"])
	fmt.Println(view["LOCATION"])
	fmt.Println(view["OPTIONS"])
	// Output:
	// django.core.cache.backends.redis.RedisCache
	// [redis://primary:6379/2 redis://replica:6380/2]
	// map[MAX_ENTRIES:1000]
}

// Sentinel and cluster URLs have no Django equivalent.
func ExampleConfig_Django_sentinel() {
	c, err := core.Parse("redis+sentinel://:secret@s1,s2/mymaster/0")
	if err != nil {
		fmt.Println(err)
		return
	}
	_, err = c.Django()
	fmt.Println(errors.Is(err, core.ErrNotExpressible))
	// Output:
	// true
}
