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
