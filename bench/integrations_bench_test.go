package bench

import (
	"strings"
	"testing"
	"time"

	"github.com/knadh/koanf/providers/confmap"
	"github.com/knadh/koanf/v2"
	"github.com/spf13/viper"

	"github.com/cacheurl/cacheurl/core"
	"github.com/cacheurl/cacheurl/koanfprovider"
	"github.com/cacheurl/cacheurl/viperhook"
)

const benchURL = "redis://:s3cret@cache:6379/1?key_prefix=app&timeout=300&pool_size=20"

// BenchmarkKoanf: Load through the provider, then the default Unmarshal.
func BenchmarkKoanf(b *testing.B) {
	b.Run("impl=Provider+Unmarshal", func(b *testing.B) {
		b.ReportAllocs()
		for i := 0; i < b.N; i++ {
			k := koanf.New(".")
			if err := k.Load(koanfprovider.Provider(benchURL, ".", koanfprovider.Opt{}), nil); err != nil {
				b.Fatal(err)
			}
			var c core.Config
			if err := k.Unmarshal("cache", &c); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("impl=confmap-url+Expand+Unmarshal", func(b *testing.B) {
		b.ReportAllocs()
		for i := 0; i < b.N; i++ {
			k := koanf.New(".")
			if err := k.Load(confmap.Provider(map[string]any{"cache.url": benchURL, "cache.ttl": "60s"}, "."), nil); err != nil {
				b.Fatal(err)
			}
			if err := k.Load(koanfprovider.Expand(k, koanfprovider.Opt{}), nil); err != nil {
				b.Fatal(err)
			}
			var c core.Config
			if err := k.Unmarshal("cache", &c); err != nil {
				b.Fatal(err)
			}
		}
	})
}

type appConfig struct {
	Name    string        `mapstructure:"name"`
	Timeout time.Duration `mapstructure:"timeout"`
	Tags    []string      `mapstructure:"tags"`
	Cache   core.Config   `mapstructure:"cache"`
}

type appConfigNoCache struct {
	Name    string         `mapstructure:"name"`
	Timeout time.Duration  `mapstructure:"timeout"`
	Tags    []string       `mapstructure:"tags"`
	Cache   map[string]any `mapstructure:"cache"`
}

func newViper(b *testing.B) *viper.Viper {
	v := viper.New()
	v.SetConfigType("yaml")
	yaml := "name: app\ntimeout: 3s\ntags: a,b\ncache:\n  url: " + benchURL + "\n  ttl: 60s\n"
	if err := v.ReadConfig(strings.NewReader(yaml)); err != nil {
		b.Fatal(err)
	}
	return v
}

// BenchmarkViperUnmarshal: the hook's overhead is the difference between
// decoding the cache into a core.Config with the hook and decoding the same
// keys into a plain map without it.
func BenchmarkViperUnmarshal(b *testing.B) {
	v := newViper(b)
	b.Run("impl=with-hook", func(b *testing.B) {
		b.ReportAllocs()
		for i := 0; i < b.N; i++ {
			var c appConfig
			if err := v.Unmarshal(&c, viperhook.DecoderOption()); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("impl=without-hook", func(b *testing.B) {
		b.ReportAllocs()
		for i := 0; i < b.N; i++ {
			var c appConfigNoCache
			if err := v.Unmarshal(&c); err != nil {
				b.Fatal(err)
			}
		}
	})
}
