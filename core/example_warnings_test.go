package core_test

import (
	"fmt"

	"github.com/cacheurl/cacheurl/core"
)

// A program can log at startup what a Django service reading the same
// config would ignore, whatever read it (here a hand-made value, as koanf or
// viper would decode it).
func ExampleConfig_Warnings() {
	max := 1000
	c := core.Config{
		Scheme:     "redis",
		Hosts:      []string{"cache:6379"},
		MaxEntries: &max,
		Options:    map[string]string{"client_class": "x"},
	}
	for _, w := range c.Warnings() {
		fmt.Printf("%s %v\n  %s\n", w.Code, w.Keys, w)
	}
	// Output:
	// django_ignores_cull [max_entries]
	//   Django's RedisCache does not cull, so it ignores MAX_ENTRIES (only the locmem, file and db backends use them); it hands OPTIONS to its client library as arguments
	// django_ignores_option [options.client_class]
	//   Django ignores the top-level key CLIENT_CLASS: django-cache-url puts query parameters it does not know there, not in OPTIONS
}
