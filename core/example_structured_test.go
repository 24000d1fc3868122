package core_test

import (
	"errors"
	"fmt"

	"github.com/cacheurl/cacheurl/core"
)

// A cache value as a configuration library loads it: a URL with keys beside
// it, which win over the URL's values.
func ExampleDecode() {
	c, err := core.Decode("cache", map[string]any{
		"url":        "redis://:s3cret@cache:6379/1?timeout=300",
		"ttl":        "60s",
		"key_prefix": "app",
	})
	if err != nil {
		panic(err)
	}
	fmt.Println(c)

	_, err = core.Decode("cache", map[string]any{"url": "redis://cache/1", "timeout": 60})
	fmt.Println(errors.Is(err, core.ErrInvalidParameter), err)
	// Output:
	// redis://:xxxxx@cache/1?timeout=60&key_prefix=app
	// true cacheurl: cache.timeout: unknown key "timeout" in cache; did you mean "ttl"?
}

// Null, "", an empty list and an empty map are not set; a typed zero is.
func ExampleNotSet() {
	for _, v := range []any{nil, "", []string{}, map[string]any{}, 0, false, "0"} {
		fmt.Printf("%#v: %v\n", v, core.NotSet(v))
	}
	// Output:
	// <nil>: true
	// "": true
	// []string{}: true
	// map[string]interface {}{}: true
	// 0: false
	// false: false
	// "0": false
}

// Django's defaults for what a URL leaves out.
func ExampleTTL_OrDefault() {
	c, _ := core.Parse("redis://cache/1")
	d, _ := c.TTL.OrDefault().Duration()
	fmt.Println(c.TTL.IsSet(), d, c.MaxEntriesOrDefault(), c.VersionOrDefault())
	c, _ = core.Parse("locmem://?timeout=none&max_entries=1000&version=3")
	fmt.Println(c.TTL.OrDefault().Never(), c.MaxEntriesOrDefault(), c.VersionOrDefault())
	// Output:
	// false 5m0s 300 1
	// true 1000 3
}

// A package built on core declares its error kinds as cases of core's.
func ExampleNewKind() {
	errUnknownOption := core.NewKind("unknown_option", "unknown option", core.ErrInvalidParameter)
	err := fmt.Errorf("goredis: %w: pool_sise", errUnknownOption)
	fmt.Println(errors.Is(err, errUnknownOption), errors.Is(err, core.ErrInvalidParameter), errUnknownOption.Code())
	// Output:
	// true true unknown_option
}
