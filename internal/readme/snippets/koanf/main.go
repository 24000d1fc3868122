// Command app layers config.yaml, CACHE_URL and --cache.ttl as koanf does (a
// later source wins key by key); with --watch it loads them all again into
// a new instance when config.yaml changes.
package main

import (
	"fmt"
	"log"
	"os"
	"sync/atomic"

	"github.com/knadh/koanf/parsers/yaml"
	"github.com/knadh/koanf/providers/file"
	"github.com/knadh/koanf/providers/posflag"
	"github.com/knadh/koanf/v2"
	"github.com/spf13/pflag"

	"github.com/cacheurl/cacheurl/core"
	"github.com/cacheurl/cacheurl/koanfprovider"
)

func main() {
	fs := pflag.NewFlagSet("app", pflag.ExitOnError)
	fs.String("cache.ttl", "", "default expiry: seconds, 5m or never")
	watch := fs.Bool("watch", false, "reload when config.yaml changes")
	_ = fs.Parse(os.Args[1:])
	f := file.Provider("config.yaml")
	var current atomic.Pointer[core.Config] // what the handlers read
	load := func() error {
		k := koanf.New(".") // a new instance from every source, in order
		for _, s := range []struct {
			p  koanf.Provider
			pa koanf.Parser
		}{
			{f, yaml.Parser()},
			{koanfprovider.Env(".", koanfprovider.Opt{}), nil}, // CACHE_URL; unset or "" changes nothing
			{posflag.Provider(fs, ".", nil), nil},              // nil: only the flags given
		} {
			if err := k.Load(s.p, s.pa); err != nil {
				return err
			}
			if err := k.Load(koanfprovider.Expand(k, koanfprovider.Opt{}), nil); err != nil {
				return err // names the key (cache.url, cache.ttl), redacted
			}
		}
		var cfg core.Config
		if err := k.Unmarshal("cache", &cfg); err != nil {
			return err
		}
		current.Store(&cfg)
		fmt.Println(current.Load()) // the password is redacted
		return nil
	}
	if err := load(); err != nil {
		log.Fatal(err)
	}
	if *watch {
		_ = f.Watch(func(any, error) {
			if err := load(); err != nil {
				log.Print(err) // keep the last good config
			}
		})
		select {}
	}
}
