// Command django-warnings prints at startup what a Django service reading
// the same cache config would ignore, whatever read the config (here a
// value as koanf or viper decodes it).
package main

import (
	"fmt"

	"github.com/cacheurl/cacheurl/core"
)

func main() {
	maxEntries := 5000
	cfg := core.Config{Scheme: "redis", Hosts: []string{"cache:6379"}, MaxEntries: &maxEntries}
	for _, w := range cfg.Warnings() {
		fmt.Printf("warning %s %v: %s\n", w.Code, w.Keys, w.Message)
	}
}
