// Command caches reads the default cache and every named one from the
// environment, as django-cache-url's config() and Django's CACHES do.
package main

import (
	"errors"
	"fmt"
	"log"
	"sort"

	"github.com/cacheurl/cacheurl/core"
)

func main() {
	log.SetFlags(0)
	c, err := core.FromEnv("", "") // $CACHE_URL, or locmem:// when unset or empty
	if err != nil {
		log.Fatal(err) // a *core.EnvError naming the variable
	}
	fmt.Println("default:", c)

	if _, err := core.FromEnvStrict("APP_CACHE_URL"); errors.Is(err, core.ErrNotSet) {
		fmt.Println("strict:", err)
	}

	caches, err := core.NamedFromEnv(nil) // CACHE_URL → "default", SESSIONS_CACHE_URL → "sessions", ...
	if err != nil {
		log.Fatal(err)
	}
	names := make([]string, 0, len(caches))
	for name := range caches {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		fmt.Printf("%s: %v\n", name, caches[name])
	}
}
