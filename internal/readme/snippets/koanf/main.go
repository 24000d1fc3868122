// Command app layers its cache config as koanf does: config.yaml, then
// CACHE_URL, then --cache.ttl; a later source wins key by key.
// With --watch it reloads config.yaml whenever the file changes.
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
	load := func(p koanf.Provider, pa koanf.Parser) {
		if err := k.Load(p, pa); err != nil {
			log.Fatal(err)
		}
		if err := k.Load(expand, nil); err != nil { // after every source
			log.Fatal(err) // names the key (cache.url, cache.ttl), redacted
		}
	}
	f := file.Provider("config.yaml")
	load(f, yaml.Parser())
	load(env.Provider(".", env.Opt{TransformFunc: func(name, v string) (string, any) {
		if name == "CACHE_URL" {
			return "cache.url", v
		}
		return "", nil
	}}), nil)
	load(posflag.Provider(fs, ".", nil), nil) // nil: only the flags given
	show(k)
	if *watch {
		_ = f.Watch(func(any, error) { load(f, yaml.Parser()); show(k) }) // a reload
		select {}
	}
}

func show(k *koanf.Koanf) {
	var cfg core.Config
	if err := k.Unmarshal("cache", &cfg); err != nil {
		log.Fatal(err)
	}
	fmt.Println(cfg) // the password is redacted
}
