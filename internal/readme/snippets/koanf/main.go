// Command app layers config.yaml, CACHE_URL and --cache.ttl as koanf does (a
// later source wins key by key); with --watch it reloads config.yaml.
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
	fs.String("cache.ttl", "", "default expiry: seconds, 5m or never")
	watch := fs.Bool("watch", false, "reload config.yaml when it changes")
	_ = fs.Parse(os.Args[1:])
	k := koanf.New(".")
	expand := koanfprovider.Expand(k, koanfprovider.Opt{}) // one per koanf instance
	load := func(source string, p koanf.Provider, pa koanf.Parser) {
		var cfg core.Config
		err := k.Load(p, pa)
		if err == nil {
			err = k.Load(expand, nil) // after every source
		}
		if err == nil {
			err = k.Unmarshal("cache", &cfg)
		}
		if err != nil {
			log.Fatal(err) // names the key (cache.url, cache.ttl), redacted
		}
		fmt.Printf("%-6s %v\n", source+":", cfg) // the password is redacted
	}
	f := file.Provider("config.yaml")
	load("file", f, yaml.Parser())
	envKeys := map[string]string{"CACHE_URL": "cache.url"}
	load("env", env.Provider(".", env.Opt{TransformFunc: func(n, v string) (string, any) { return envKeys[n], v }}), nil)
	load("flags", posflag.Provider(fs, ".", nil), nil) // nil: only the flags given
	if *watch {
		_ = f.Watch(func(any, error) { load("reload", f, yaml.Parser()) })
		select {}
	}
}
