package main

import (
	"fmt"

	"github.com/cacheurl/cacheurl/core"
)

func main() {
	c, err := core.Parse("redis://:s3cret@cache:6379/1?key_prefix=app&timeout=5m")
	if err != nil {
		panic(err) // a *core.Error: typed, with the password redacted
	}
	ttl, _ := c.TTL.Duration()
	fmt.Println(c.Backend, c.Hosts, c.DB, ttl, c.KeyPrefix) // redis [cache:6379] 1 5m0s app
	fmt.Println(c)                                          // redis://:xxxxx@cache/1?timeout=300&key_prefix=app
}
