package compat

import (
	"bytes"
	"encoding/json"
	"flag"
	"log/slog"
	"strings"
	"testing"

	"github.com/cacheurl/cacheurl/core"
	"github.com/spf13/pflag"
	"github.com/urfave/cli/v3"
	"gopkg.in/yaml.v3"
)

// TestEncodersRedact: the encoders an application hands its whole config to
// (YAML, JSON, slog, flag -help of every flag library) show no password of
// a core.Config field, and core.Reveal keeps it on request.
func TestEncodersRedact(t *testing.T) {
	c, err := core.Parse("redis://app:" + pw + "@cache:6380/1?sentinel_password=" + pw)
	if err != nil {
		t.Fatal(err)
	}
	type app struct {
		Name  string      `yaml:"name" json:"name"`
		Cache core.Config `yaml:"cache" json:"cache"`
	}
	a := app{"shop", c}
	y, err := yaml.Marshal(a)
	if err != nil {
		t.Fatal(err)
	}
	j, err := json.Marshal(a)
	if err != nil {
		t.Fatal(err)
	}
	var logs bytes.Buffer
	slog.New(slog.NewJSONHandler(&logs, nil)).Info("config", "app", a)
	slog.New(slog.NewTextHandler(&logs, nil)).Info("config", "app", a, "cache", c)

	var stdHelp bytes.Buffer
	fs := flag.NewFlagSet("app", flag.ContinueOnError)
	fs.SetOutput(&stdHelp)
	var tv, v core.Config
	v = c
	fs.TextVar(&tv, "cache-url", c, "cache `URL`")
	fs.Var(&v, "other-cache-url", "cache `URL`")
	fs.PrintDefaults()

	pv := c
	pfs := pflag.NewFlagSet("app", pflag.ContinueOnError)
	pfs.Var(&pv, "cache-url", "cache URL")

	uv := c
	cmd := &cli.Command{Name: "app", Flags: []cli.Flag{&cli.TextFlag{Name: "cache-url", Value: &uv}}}
	var urfaveHelp bytes.Buffer
	cmd.Writer = &urfaveHelp
	_ = cmd.Run(t.Context(), []string{"app", "--help"})

	for name, out := range map[string]string{
		"yaml.Marshal": string(y), "json.Marshal": string(j), "slog": logs.String(),
		"flag -help": stdHelp.String(), "pflag usage": pfs.FlagUsages(), "urfave/cli --help": urfaveHelp.String(),
	} {
		if strings.Contains(out, pw) {
			t.Errorf("%s shows the password:\n%s", name, out)
		}
		if !strings.Contains(out, "xxxxx") {
			t.Errorf("%s does not show the marker:\n%s", name, out)
		}
	}

	full, err := yaml.Marshal(struct{ Cache core.Revealed }{core.Reveal(c)})
	if err != nil || !strings.Contains(string(full), "redis://app:"+pw+"@cache:6380/1") {
		t.Errorf("yaml.Marshal of core.Reveal: %s, %v", full, err)
	}
	var back struct{ Cache core.Config }
	if err := yaml.Unmarshal(full, &back); err != nil || back.Cache.Password != pw {
		t.Errorf("yaml round trip through core.Reveal: %v, %v", back.Cache, err)
	}
}
