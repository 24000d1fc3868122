package viperhook_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/cacheurl/cacheurl/core"
	"github.com/cacheurl/cacheurl/viperhook"
	"github.com/go-viper/mapstructure/v2"
	"github.com/knadh/koanf/parsers/yaml"
	"github.com/knadh/koanf/providers/env/v2"
	"github.com/knadh/koanf/providers/file"
	"github.com/knadh/koanf/v2"
)

// koanfConfig uses koanf's default struct tag.
type koanfConfig struct {
	Server struct {
		ReadTimeout  time.Duration `koanf:"read_timeout"`
		AllowedHosts []string      `koanf:"allowed_hosts"`
		Tags         []string      `koanf:"tags"`
	} `koanf:"server"`
	Cache   core.Config            `koanf:"cache"`
	Session *core.Config           `koanf:"session"`
	Caches  map[string]core.Config `koanf:"caches"`
}

// loadKoanf loads config.yaml, then APP_CACHE from the environment as the
// key "cache".
func loadKoanf(t *testing.T, environ []string) *koanf.Koanf {
	t.Helper()
	path := filepath.Join(t.TempDir(), "config.yaml")
	if err := os.WriteFile(path, []byte(configFiles["config.yaml"]), 0o600); err != nil {
		t.Fatal(err)
	}
	k := koanf.New(".")
	if err := k.Load(file.Provider(path), yaml.Parser()); err != nil {
		t.Fatal(err)
	}
	err := k.Load(env.Provider(".", env.Opt{
		Prefix:      "APP_",
		EnvironFunc: func() []string { return environ },
		TransformFunc: func(k, v string) (string, any) {
			return strings.ToLower(strings.ReplaceAll(strings.TrimPrefix(k, "APP_"), "__", ".")), v
		},
	}), nil)
	if err != nil {
		t.Fatal(err)
	}
	return k
}

// TestKoanf: koanf users pass their own DecoderConfig with the hook in its
// chain.
func TestKoanf(t *testing.T) {
	k := loadKoanf(t, []string{"APP_CACHE=rediss://:pw@env-cache/4", "APP_CACHES__SESSIONS__TTL=45"})
	var got koanfConfig
	err := k.UnmarshalWithConf("", &got, koanf.UnmarshalConf{DecoderConfig: &mapstructure.DecoderConfig{
		DecodeHook: mapstructure.ComposeDecodeHookFunc(
			viperhook.Hook(),
			mapstructure.StringToTimeDurationHookFunc(),
			mapstructure.StringToSliceHookFunc(","),
			mapstructure.TextUnmarshallerHookFunc(),
		),
		WeaklyTypedInput: true,
	}})
	if err != nil {
		t.Fatal(err)
	}
	want := wantApp()
	if got.Server.ReadTimeout != want.Server.ReadTimeout || strings.Join(got.Server.AllowedHosts, " ") != "a.example b.example" ||
		strings.Join(got.Server.Tags, " ") != "x y" {
		t.Errorf("server: got %+v", got.Server)
	}
	checkConfig(t, got.Cache, core.Config{Scheme: "rediss", Backend: core.BackendRedis, TLS: true, Topology: core.Standalone,
		Hosts: []string{"env-cache:6379"}, Password: "pw", DB: 4})
	checkConfig(t, *got.Session, *want.Session)
	checkConfig(t, got.Caches["default"], want.Caches["default"])
	sessions := want.Caches["sessions"]
	sessions.TTL = core.TTLSeconds(45)
	checkConfig(t, got.Caches["sessions"], sessions)

	// koanf.Unmarshal's own default hooks include a TextUnmarshaler hook,
	// so URL strings decode without this package, but a map's url key does
	// not: mapstructure drops it as an unknown field.
	var plainKoanf koanfConfig
	if err := k.Unmarshal("", &plainKoanf); err != nil {
		t.Fatal(err)
	}
	checkConfig(t, plainKoanf.Cache, got.Cache)
	if plainKoanf.Session.Scheme != "" {
		t.Errorf("koanf default decoder: got session %+v, want the url dropped", plainKoanf.Session)
	}
}
