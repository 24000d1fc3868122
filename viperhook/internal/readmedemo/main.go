// Command readmedemo is the complete main.go of the README's viper section
// (docs/viper.md); main_test.go runs it and checks the README.
package main

import (
	"fmt"
	"log"
	"sort"
	"time"

	"github.com/cacheurl/cacheurl/core"
	"github.com/cacheurl/cacheurl/viperhook"
	"github.com/spf13/viper"
)

type Config struct {
	Server struct {
		Addr         string        `mapstructure:"addr"`
		ReadTimeout  time.Duration `mapstructure:"read_timeout"`
		AllowedHosts []string      `mapstructure:"allowed_hosts"`
	} `mapstructure:"server"`
	Cache  core.Config            `mapstructure:"cache"`
	Caches map[string]core.Config `mapstructure:"caches"`
}

func main() {
	log.SetFlags(0)
	v := viper.New()
	v.SetConfigFile("config.yaml")
	v.SetDefault("cache", "locmem://") // django-cache-url's default
	// CACHE_URL wins over the file. Bind it: AutomaticEnv alone does not
	// make a key visible to Unmarshal.
	if err := v.BindEnv("cache", "CACHE_URL"); err != nil {
		log.Fatal(err)
	}
	if err := v.ReadInConfig(); err != nil {
		log.Fatal(err)
	}

	var cfg Config
	if err := v.Unmarshal(&cfg, viperhook.DecoderOption()); err != nil {
		log.Fatal(err)
	}

	fmt.Println("server:", cfg.Server.Addr, cfg.Server.ReadTimeout, cfg.Server.AllowedHosts)
	fmt.Println("cache:", cfg.Cache) // printing redacts the password
	fmt.Println("  backend:", cfg.Cache.Backend, "hosts:", cfg.Cache.Hosts, "db:", cfg.Cache.DB,
		"tls:", cfg.Cache.TLS, "ttl:", cfg.Cache.TTL)
	names := make([]string, 0, len(cfg.Caches))
	for name := range cfg.Caches {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		fmt.Printf("caches.%s: %v\n", name, cfg.Caches[name])
	}
}
