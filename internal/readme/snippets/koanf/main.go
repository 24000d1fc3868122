// Command app loads its cache from CACHE_URL with koanf (locmem:// when it
// is unset) and decodes it with koanf's default Unmarshal.
package main

import (
	"fmt"
	"log"

	"github.com/knadh/koanf/v2"

	"github.com/cacheurl/cacheurl/core"
	"github.com/cacheurl/cacheurl/koanfprovider"
)

func main() {
	k := koanf.New(".")
	if err := k.Load(koanfprovider.Env(".", koanfprovider.Opt{}), nil); err != nil {
		log.Fatal(err) // an invalid CACHE_URL stops here, redacted
	}
	var cfg core.Config
	if err := k.Unmarshal("cache", &cfg); err != nil {
		log.Fatal(err)
	}
	fmt.Println(cfg.Backend, cfg.Hosts, cfg.KeyPrefix, cfg) // printing redacts the password
}
