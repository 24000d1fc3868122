// Command app reads its cache settings from config.yaml, then the
// environment, then flags (later sources win), and prints the result.
package main

import (
	"fmt"
	"log"
	"os"

	"github.com/knadh/koanf/parsers/yaml"
	"github.com/knadh/koanf/providers/env/v2"
	"github.com/knadh/koanf/providers/file"
	"github.com/knadh/koanf/providers/posflag"
	"github.com/knadh/koanf/v2"
	"github.com/spf13/pflag"

	"github.com/cacheurl/cacheurl/core"
	"github.com/cacheurl/cacheurl/koanfprovider"
)

func main() {
	log.SetFlags(0)
	fs := pflag.NewFlagSet("app", pflag.ExitOnError)
	fs.String("cache.url", "", "cache URL")
	fs.String("cache.ttl", "", "default TTL: seconds, 5m or never")
	if err := fs.Parse(os.Args[1:]); err != nil {
		log.Fatal(err)
	}

	k := koanf.New(".")
	// 1. The file.
	if err := k.Load(file.Provider("config.yaml"), yaml.Parser()); err != nil {
		log.Fatal(err)
	}
	// 2. The environment: CACHE_URL is cache.url, CACHE_PASSWORD is cache.password.
	envKeys := map[string]string{"CACHE_URL": "cache.url", "CACHE_PASSWORD": "cache.password"}
	if err := k.Load(env.Provider(".", env.Opt{
		TransformFunc: func(name, value string) (string, any) { return envKeys[name], value },
	}), nil); err != nil {
		log.Fatal(err)
	}
	// 3. The flags.
	if err := k.Load(posflag.Provider(fs, ".", k), nil); err != nil {
		log.Fatal(err)
	}
	// 4. cache.url becomes the structured keys; keys set above win over it.
	if err := k.Load(koanfprovider.Expand(k, koanfprovider.Opt{}), nil); err != nil {
		log.Fatal(err)
	}

	var cfg core.Config
	if err := k.Unmarshal("cache", &cfg); err != nil {
		log.Fatal(err)
	}
	fmt.Println("cache:", cfg) // redacted
	fmt.Printf("hosts: %v db: %d ttl: %s key_prefix: %q\n", cfg.Hosts, cfg.DB, cfg.TTL, cfg.KeyPrefix)
}
