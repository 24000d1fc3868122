package viperhook_test

import (
	"fmt"
	"log"
	"strings"
	"time"

	"github.com/cacheurl/cacheurl/core"
	"github.com/cacheurl/cacheurl/viperhook"
	"github.com/go-viper/mapstructure/v2"
	"github.com/knadh/koanf/providers/confmap"
	"github.com/knadh/koanf/v2"
	"github.com/spf13/viper"
)

// A viper user adds one option to Unmarshal; the duration and the
// comma-separated slice still decode with viper's default hooks.
func ExampleDecoderOption() {
	const config = `
read_timeout: 5s
allowed_hosts: "a.example,b.example"
cache: redis://:secret@cache:6379/1?key_prefix=app&timeout=300
caches:
  sessions:
    url: redis://sessions:6379/2
    ttl: 1m
`
	v := viper.New()
	v.SetConfigType("yaml")
	if err := v.ReadConfig(strings.NewReader(config)); err != nil {
		log.Fatal(err)
	}

	var cfg struct {
		ReadTimeout  time.Duration          `mapstructure:"read_timeout"`
		AllowedHosts []string               `mapstructure:"allowed_hosts"`
		Cache        core.Config            `mapstructure:"cache"`
		Caches       map[string]core.Config `mapstructure:"caches"`
	}
	if err := v.Unmarshal(&cfg, viperhook.DecoderOption()); err != nil {
		log.Fatal(err)
	}
	fmt.Println(cfg.ReadTimeout, cfg.AllowedHosts)
	fmt.Println(cfg.Cache) // printing redacts the password
	fmt.Println(cfg.Cache.Backend, cfg.Cache.Hosts, cfg.Cache.DB, cfg.Cache.TTL, cfg.Cache.KeyPrefix)
	fmt.Println(cfg.Caches["sessions"].Hosts, cfg.Caches["sessions"].TTL)
	// Output:
	// 5s [a.example b.example]
	// redis://:xxxxx@cache/1?timeout=300&key_prefix=app
	// redis [cache:6379] 1 300s app
	// [sessions:6379] 60s
}

// With mapstructure directly, the hook goes in DecoderConfig.DecodeHook.
// A string is a CACHE_URL; a map with "url" overrides the URL's values with
// its other keys; a map without "url" is the structured layout.
func ExampleHook() {
	input := map[string]any{
		"a": "memcached://m1:11211,m2",
		"b": map[string]any{"url": "redis://cache/0?timeout=300", "ttl": "never", "db": "3"},
		"c": map[string]any{"scheme": "locmem", "path": "local", "max_entries": 500},
	}
	var caches map[string]core.Config
	d, err := mapstructure.NewDecoder(&mapstructure.DecoderConfig{
		DecodeHook: viperhook.Hook(),
		Result:     &caches,
	})
	if err != nil {
		log.Fatal(err)
	}
	if err := d.Decode(input); err != nil {
		log.Fatal(err)
	}
	for _, name := range []string{"a", "b", "c"} {
		fmt.Printf("%s: %v\n", name, caches[name])
	}
	// Output:
	// a: memcached://m1:11211,m2
	// b: redis://cache/3?timeout=none
	// c: locmem://local?max_entries=500
}

// Users who set their own decode hooks compose them with this one, since
// viper.DecodeHook replaces viper's defaults. Hook goes first.
func ExampleHook_compose() {
	v := viper.New()
	v.Set("cache", "locmem://")
	v.Set("timeout", "2s")
	v.Set("hosts", "a,b")

	var cfg struct {
		Cache   core.Config   `mapstructure:"cache"`
		Timeout time.Duration `mapstructure:"timeout"`
		Hosts   []string      `mapstructure:"hosts"`
	}
	err := v.Unmarshal(&cfg, viper.DecodeHook(mapstructure.ComposeDecodeHookFunc(
		viperhook.Hook(),
		mapstructure.StringToTimeDurationHookFunc(),
		mapstructure.StringToSliceHookFunc(","),
		// ... your own hooks
	)))
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(cfg.Cache.Backend, cfg.Timeout, cfg.Hosts)
	// Output:
	// locmem 2s [a b]
}

// koanf users who pass their own DecoderConfig put the hook in its chain.
func ExampleHook_koanf() {
	k := koanf.New(".")
	err := k.Load(confmap.Provider(map[string]any{
		"cache.url": "redis://cache:6379/0",
		"cache.ttl": 90,
	}, "."), nil)
	if err != nil {
		log.Fatal(err)
	}
	var cfg struct {
		Cache core.Config `koanf:"cache"`
	}
	err = k.UnmarshalWithConf("", &cfg, koanf.UnmarshalConf{DecoderConfig: &mapstructure.DecoderConfig{
		DecodeHook: mapstructure.ComposeDecodeHookFunc(
			viperhook.Hook(),
			mapstructure.StringToTimeDurationHookFunc(),
			mapstructure.TextUnmarshallerHookFunc(),
		),
		WeaklyTypedInput: true,
	}})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(cfg.Cache)
	// Output:
	// redis://cache/0?timeout=90
}

// Errors name the key and the kind, and never show the password.
func ExampleHook_errors() {
	v := viper.New()
	v.Set("cache", "redis://:secret@cache:99999/0")
	v.Set("caches.sessions.url", "redis://sessions/0")
	v.Set("caches.sessions.timeout", "60s")

	var cfg struct {
		Cache  core.Config            `mapstructure:"cache"`
		Caches map[string]core.Config `mapstructure:"caches"`
	}
	err := v.Unmarshal(&cfg, viperhook.DecoderOption())
	fmt.Println(err)
	// Output:
	// decoding failed due to the following error(s):
	//
	// 'cache' cacheurl: cache: port "99999" must be a number from 1 to 65535 (in "redis://:xxxxx@cache:99999/0")
	// 'caches' cacheurl: caches.sessions.timeout: unknown key "timeout" in caches.sessions; did you mean "ttl"?
}
