// Command app decodes CACHE_URL (locmem:// when unset) with viper.
package main

import (
	"fmt"
	"log"

	"github.com/spf13/viper"

	"github.com/cacheurl/cacheurl/core"
	"github.com/cacheurl/cacheurl/viperhook"
)

func main() {
	v := viper.New()
	if err := v.BindEnv("cache", "CACHE_URL"); err != nil {
		log.Fatal(err)
	}
	var cfg struct {
		Cache core.Config `mapstructure:"cache"`
	}
	if err := v.Unmarshal(&cfg, viperhook.DecoderOption()); err != nil {
		log.Fatal(err) // an invalid URL stops here, redacted
	}
	fmt.Println(cfg.Cache.Backend, cfg.Cache.Hosts, cfg.Cache.DB, cfg.Cache)
}
