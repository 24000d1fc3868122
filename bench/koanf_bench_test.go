package bench

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/go-viper/mapstructure/v2"
	"github.com/knadh/koanf/parsers/yaml"
	"github.com/knadh/koanf/providers/file"
	"github.com/knadh/koanf/v2"

	"github.com/cacheurl/cacheurl/core"
	"github.com/cacheurl/cacheurl/koanfprovider"
	"github.com/cacheurl/cacheurl/viperhook"
)

// The koanf load of docs/koanf.md: a YAML file with a cache URL and a ttl
// beside it.
const (
	koanfFile = "cache:\n  url: " + benchURL + "\n  ttl: 60s\n"
	// koanfFileComplete is the same cache with every key of its config
	// already written out: what Expand would produce, so that a load of it
	// needs no Expand (the floor).
	koanfFileComplete = "cache:\n  scheme: redis\n  backend: redis\n  topology: standalone\n" +
		"  hosts: [cache:6379]\n  password: s3cret\n  db: 1\n  ttl: 60s\n  key_prefix: app\n" +
		"  options: {pool_size: \"20\"}\n"
)

// plainCache is the file's cache as plain strings: the cost of the same
// load with no meaning given to it.
type plainCache struct {
	URL string `koanf:"url"`
	TTL string `koanf:"ttl"`
}

// BenchmarkKoanfLoad: a file loaded and unmarshalled into a core.Config
// through Expand, beside the same file into plain strings, the floor (the
// complete keys already in the file, no Expand) and the decode hook path
// (koanf's UnmarshalWithConf with viperhook's hook, no Expand). Expand's
// own share is impl=Expand-alone (the Load of Expand into an instance that
// holds the file, timed alone).
func BenchmarkKoanfLoad(b *testing.B) {
	dir := b.TempDir()
	write := func(name, content string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(content), 0o600); err != nil {
			b.Fatal(err)
		}
		return p
	}
	short, complete := write("short.yaml", koanfFile), write("complete.yaml", koanfFileComplete)
	want := "redis://:s3cret@cache/1?timeout=60&key_prefix=app&pool_size=20"
	loadFile := func(b *testing.B, path string) *koanf.Koanf {
		k := koanf.New(".")
		if err := k.Load(file.Provider(path), yaml.Parser()); err != nil {
			b.Fatal(err)
		}
		return k
	}
	check := func(b *testing.B, c core.Config) {
		if got := core.Format(c); got != want {
			b.Fatalf("config %s, want %s", got, want)
		}
	}
	b.Run("impl=plain", func(b *testing.B) {
		b.ReportAllocs()
		for i := 0; i < b.N; i++ {
			var c plainCache
			if err := loadFile(b, short).Unmarshal("cache", &c); err != nil || c.TTL != "60s" {
				b.Fatal(err, c)
			}
		}
	})
	b.Run("impl=floor", func(b *testing.B) {
		b.ReportAllocs()
		for i := 0; i < b.N; i++ {
			var c core.Config
			if err := loadFile(b, complete).Unmarshal("cache", &c); err != nil {
				b.Fatal(err)
			}
			if i == 0 {
				check(b, c)
			}
		}
	})
	b.Run("impl=Expand", func(b *testing.B) {
		b.ReportAllocs()
		for i := 0; i < b.N; i++ {
			k := loadFile(b, short)
			if err := k.Load(koanfprovider.Expand(k, koanfprovider.Opt{}), nil); err != nil {
				b.Fatal(err)
			}
			var c core.Config
			if err := k.Unmarshal("cache", &c); err != nil {
				b.Fatal(err)
			}
			if i == 0 {
				check(b, c)
			}
		}
	})
	b.Run("impl=Expand-alone", func(b *testing.B) {
		b.ReportAllocs()
		for i := 0; i < b.N; i++ {
			b.StopTimer()
			k := loadFile(b, short)
			b.StartTimer()
			if err := k.Load(koanfprovider.Expand(k, koanfprovider.Opt{}), nil); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("impl=hook", func(b *testing.B) {
		b.ReportAllocs()
		for i := 0; i < b.N; i++ {
			k := loadFile(b, short)
			var c core.Config
			err := k.UnmarshalWithConf("cache", &c, koanf.UnmarshalConf{DecoderConfig: &mapstructure.DecoderConfig{
				DecodeHook: viperhook.Hook(), Result: &c, WeaklyTypedInput: true, TagName: "koanf"}})
			if err != nil {
				b.Fatal(err)
			}
			if i == 0 {
				check(b, c)
			}
		}
	})
}
