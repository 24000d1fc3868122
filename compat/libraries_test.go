package compat

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"reflect"
	"strings"
	"testing"

	"github.com/alecthomas/kong"
	caarlos0 "github.com/caarlos0/env/v11"
	"github.com/ilyakaznacheev/cleanenv"
	kelsey "github.com/kelseyhightower/envconfig"
	sethvargo "github.com/sethvargo/go-envconfig"
	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
	cli "github.com/urfave/cli/v3"

	"github.com/cacheurl/cacheurl/core"
)

// pw is the password in the tests' URLs.
const pw = "s3cr3tPW"

const (
	validURL = "redis://:" + pw + "@cache:6380/1?timeout=60"
	// badURL has an invalid port: every library must report cacheurl's
	// message for it.
	badURL = "redis://:" + pw + "@cache:99999/1"
	// defaultURL is the default value of the flags, to see what -help shows.
	defaultURL = "redis://:" + pw + "@default-cache/0"
)

// decodeFunc decodes input (an environment variable's value or a flag's
// argument) with a library into a struct with a core.Config field and a
// *core.Config field, and returns them.
type decodeFunc func(t *testing.T, input string) (value core.Config, ptr *core.Config, err error)

// library is one library under test, with what the test expects of it:
// the table of docs/libraries.md is written from these observations, and
// a library that changes behaviour fails the test.
type library struct {
	name, version, link string
	kind                string // "environment" or "flags"
	how                 string // the pattern, for the table
	decode              decodeFunc
	// valueField and pointerField say whether a valid URL fills each field.
	valueField, pointerField bool
	// valueNote and pointerNote explain a field that does not work, or how.
	valueNote, pointerNote string
	// echoes says whether the library's own error echoes the raw value.
	echoes bool
	// help returns the library's help text for a flag whose default is
	// defaultURL (flag libraries only).
	help func(t *testing.T) string
	// helpVia is where the help's default comes from.
	helpVia string
	// nilPointer checks a *core.Config field left nil, when it is not nil
	// after decode: it must give an error, never a panic.
	nilPointer func(t *testing.T) error
	safe       string // the safe pattern, for the table
}

// observation is what the test saw of one library.
type observation struct {
	lib          *library
	errText      string // the error for badURL, with the password as is
	helpShows    string // "", "redacted" or "the password"
	wraps        bool   // errors.Is/As reach the *core.Error
	nilPointerOK bool
}

func want(t *testing.T) core.Config {
	t.Helper()
	c, err := core.Parse(validURL)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// cacheurlMessage is what cacheurl says of badURL.
func cacheurlMessage(t *testing.T) string {
	_, err := core.Parse(badURL)
	if err == nil {
		t.Fatal("badURL parses")
	}
	return err.Error()
}

// safely runs f and turns a panic into a failure.
func safely(t *testing.T, what string, f func()) (panicked bool) {
	t.Helper()
	defer func() {
		if r := recover(); r != nil {
			t.Errorf("%s panics: %v", what, r)
			panicked = true
		}
	}()
	f()
	return false
}

func libraries() []*library {
	envSafe := "the password in `CACHE_PASSWORD_FILE` (or the whole URL in `CACHE_URL_FILE`), read with `core.FromEnv`"
	flagSafe := "no password in the flag: default from `core.FromEnv` (`CACHE_URL_FILE`, `CACHE_PASSWORD_FILE`), the flag for overrides"
	return []*library{
		{
			name: "caarlos0/env", version: "v11.4.2", link: "https://github.com/caarlos0/env", kind: "environment",
			how:    "`env:\"CACHE_URL\"` (`UnmarshalText`); `env:\"CACHE_URL_FILE,file\"` reads a file",
			decode: decodeCaarlos0, valueField: true, pointerField: true, echoes: false,
			safe: "as is; or `,file` for a secret file",
		},
		{
			name: "kelseyhightower/envconfig", version: "v1.4.0", link: "https://github.com/kelseyhightower/envconfig", kind: "environment",
			how:    "`envconfig:\"CACHE_URL\"` (`UnmarshalText`)",
			decode: decodeKelsey, valueField: true, pointerField: true, echoes: true, safe: envSafe,
		},
		{
			name: "sethvargo/go-envconfig", version: "v1.4.3", link: "https://github.com/sethvargo/go-envconfig", kind: "environment",
			how:    "`env:\"CACHE_URL\"` (`EnvDecode`, its `Decoder` interface)",
			decode: decodeSethvargo, valueField: true, pointerField: true, echoes: false,
			safe: "as is",
		},
		{
			name: "ilyakaznacheev/cleanenv", version: "v1.5.0", link: "https://github.com/ilyakaznacheev/cleanenv", kind: "environment",
			how:    "`env:\"CACHE_URL\"` on a `*core.Config` field allocated before `ReadEnv` (`UnmarshalText`)",
			decode: decodeCleanenv, valueField: false, pointerField: true, echoes: false,
			valueNote:   "no: cleanenv walks a struct field as a nested config and never calls its `UnmarshalText`; the field stays empty, `env-default` ignored",
			pointerNote: "yes, when allocated first, holding the default (cleanenv ignores `env-default` on it); a nil one is cacheurl's error, not a panic",
			nilPointer:  nilCleanenv,
			safe:        "as is, with an allocated `*core.Config` field",
		},
		{
			name: "flag (standard library) `Var`", version: "Go 1.24+", link: "https://pkg.go.dev/flag#Var", kind: "flags",
			how:    "`flag.Var(&cfg, \"cache-url\", ...)` (`*core.Config` is a `flag.Value`)",
			decode: decodeFlagVar, valueField: true, pointerField: true, echoes: true,
			help: helpFlagVar, helpVia: "`String`", safe: flagSafe,
		},
		{
			name: "flag (standard library) `TextVar`", version: "Go 1.24+", link: "https://pkg.go.dev/flag#TextVar", kind: "flags",
			how:    "`flag.TextVar(&cfg, \"cache-url\", def, ...)` (`UnmarshalText`)",
			decode: decodeFlagTextVar, valueField: true, pointerField: true, echoes: true,
			help: helpFlagTextVar, helpVia: "`MarshalText`", safe: flagSafe,
		},
		{
			name: "spf13/pflag", version: "v1.1.0", link: "https://github.com/spf13/pflag", kind: "flags",
			how:    "`fs.Var(&cfg, \"cache-url\", ...)` (`Set`, `String`, `Type`)",
			decode: decodePflag, valueField: true, pointerField: true, echoes: true,
			help: helpPflag, helpVia: "`String`", safe: flagSafe,
		},
		{
			name: "spf13/cobra", version: "v1.10.2", link: "https://github.com/spf13/cobra", kind: "flags",
			how:    "`cmd.Flags().Var(&cfg, \"cache-url\", ...)` (pflag)",
			decode: decodeCobra, valueField: true, pointerField: true, echoes: true,
			help: helpCobra, helpVia: "`String`", safe: flagSafe,
		},
		{
			name: "alecthomas/kong", version: "v1.17.0", link: "https://github.com/alecthomas/kong", kind: "flags and environment",
			how:    "a field with `env:\"CACHE_URL\"` (`UnmarshalText`)",
			decode: decodeKong, valueField: true, pointerField: true, echoes: true,
			help: helpKong, helpVia: "the `default` tag, as written", safe: flagSafe,
		},
		{
			name: "urfave/cli/v3", version: "v3.14.0", link: "https://github.com/urfave/cli", kind: "flags",
			how:    "`&cli.TextFlag{Name: \"cache-url\", Value: &cfg}` (`UnmarshalText`)",
			decode: decodeUrfave, valueField: true, pointerField: true, echoes: true,
			help: helpUrfave, helpVia: "`MarshalText`", safe: flagSafe,
		},
	}
}

// TestLibraries decodes a valid and an invalid URL with every library and
// writes what it saw into docs/libraries.md (compared, or rewritten with
// -update).
func TestLibraries(t *testing.T) {
	wantConfig := want(t)
	msg := cacheurlMessage(t)
	var obs []observation
	for _, lib := range libraries() {
		o := observation{lib: lib}
		t.Run(lib.name, func(t *testing.T) {
			var value core.Config
			var ptr *core.Config
			var err error
			if safely(t, "decoding a valid URL", func() { value, ptr, err = lib.decode(t, validURL) }) {
				return
			}
			if !lib.valueField && !lib.pointerField {
				t.Fatal("a library with no working field")
			}
			if lib.valueField || lib.pointerField {
				if err != nil {
					t.Fatalf("valid URL: %v", err)
				}
			}
			if got := reflect.DeepEqual(value, wantConfig); got != lib.valueField {
				t.Errorf("core.Config field: filled = %v, want %v (got %s)", got, lib.valueField, value.Redacted())
			}
			if got := ptr != nil && reflect.DeepEqual(*ptr, wantConfig); got != lib.pointerField {
				t.Errorf("*core.Config field: filled = %v, want %v", got, lib.pointerField)
			}

			if safely(t, "decoding an invalid URL", func() { _, _, err = lib.decode(t, badURL) }) {
				return
			}
			if err == nil {
				t.Fatal("invalid URL: no error")
			}
			o.errText = err.Error()
			if !strings.Contains(o.errText, msg) {
				t.Errorf("the error does not show cacheurl's message %q:\n%s", msg, o.errText)
			}
			var ce *core.Error
			o.wraps = errors.As(err, &ce) && errors.Is(err, core.ErrInvalidPort)
			if echoes := strings.Contains(o.errText, pw); echoes != lib.echoes {
				t.Errorf("the error echoes the raw value: %v, want %v:\n%s", echoes, lib.echoes, o.errText)
			}

			if lib.help != nil {
				var help string
				if !safely(t, "help", func() { help = lib.help(t) }) {
					switch {
					case strings.Contains(help, pw):
						o.helpShows = "the password"
					case strings.Contains(help, core.Redacted):
						o.helpShows = "redacted"
					default:
						t.Errorf("help shows no default:\n%s", help)
					}
				}
			}
			if lib.nilPointer != nil {
				var err error
				if !safely(t, "a nil *core.Config field", func() { err = lib.nilPointer(t) }) {
					if err == nil || !strings.Contains(err.Error(), "cacheurl: cannot decode into a nil *core.Config") {
						t.Errorf("a nil *core.Config field: %v, want cacheurl's error", err)
					}
					o.nilPointerOK = true
				}
			}
		})
		obs = append(obs, o)
	}
	if t.Failed() {
		return
	}
	checkGenerated(t, "../docs/libraries.md", "libraries", libraryTable(obs))
	checkGenerated(t, "../README.md", "libraries-short", shortLibraryTable(obs))
}

func libraryTable(obs []observation) string {
	var b strings.Builder
	b.WriteString("| library | reads | how | `core.Config` field | `*core.Config` field | its error for an invalid URL | `-help` default | safe pattern |\n")
	b.WriteString("|---|---|---|---|---|---|---|---|\n")
	for _, o := range obs {
		l := o.lib
		value, ptr := yesNo(l.valueField, l.valueNote), yesNo(l.pointerField, l.pointerNote)
		errs := "cacheurl's message, redacted"
		if l.echoes {
			errs = "cacheurl's message, **after its own text that echoes the raw value (password included)**"
		}
		if o.wraps {
			errs += "; `errors.Is(err, core.ErrInvalidPort)` works"
		} else {
			errs += "; text only (`errors.Is` does not reach the `*core.Error`)"
		}
		help := "–"
		switch o.helpShows {
		case "redacted":
			help = "redacted (" + l.helpVia + ")"
		case "the password":
			help = "**the password** (" + l.helpVia + ")"
		}
		fmt.Fprintf(&b, "| [%s](%s) %s | %s | %s | %s | %s | %s | %s | %s |\n",
			l.name, l.link, l.version, l.kind, l.how, value, ptr, errs, help, l.safe)
	}
	b.WriteString("\nThe errors, as each library prints them for `" + strings.ReplaceAll(badURL, pw, "PASSWORD") +
		"` (the test's password shown as `PASSWORD`):\n\n")
	for _, o := range obs {
		fmt.Fprintf(&b, "- %s:\n  ```\n  %s\n  ```\n", o.lib.name, strings.ReplaceAll(strings.ReplaceAll(o.errText, pw, "PASSWORD"), "\n", "\n  "))
	}
	return b.String()
}

// shortLibraryTable is the README's table: the libraries grouped by what
// they fill and whether their own error echoes the raw value.
func shortLibraryTable(obs []observation) string {
	type row struct{ fills, echo string }
	var order []row
	names := map[row][]string{}
	for _, o := range obs {
		l := o.lib
		r := row{"yes", "cacheurl's, redacted"}
		switch {
		case !l.valueField && l.pointerField:
			r.fills = "a `*core.Config` field only"
		case !l.valueField && !l.pointerField:
			r.fills = "no"
		}
		if l.echoes {
			r.echo = "**echoes the raw value, password included**, then cacheurl's"
		}
		if names[r] == nil {
			order = append(order, r)
		}
		names[r] = append(names[r], l.name)
	}
	var b strings.Builder
	b.WriteString("| libraries | fill a `core.Config` | their own error for a bad value |\n|---|---|---|\n")
	for _, r := range order {
		fmt.Fprintf(&b, "| %s | %s | %s |\n", strings.Join(names[r], ", "), r.fills, r.echo)
	}
	return b.String()
}

func yesNo(ok bool, note string) string {
	switch {
	case note != "":
		return note
	case ok:
		return "yes"
	}
	return "no"
}

// --- environment libraries ---

// envStruct is the struct the environment libraries fill.
type envStruct struct {
	Cache core.Config  `env:"CACHE_URL" envconfig:"CACHE_URL"`
	Ptr   *core.Config `env:"CACHE_URL" envconfig:"CACHE_URL"`
}

func decodeCaarlos0(t *testing.T, input string) (core.Config, *core.Config, error) {
	var s envStruct
	err := caarlos0.ParseWithOptions(&s, caarlos0.Options{Environment: map[string]string{"CACHE_URL": input}})
	return s.Cache, s.Ptr, err
}

func decodeKelsey(t *testing.T, input string) (core.Config, *core.Config, error) {
	t.Setenv("CACHE_URL", input)
	var s envStruct
	err := kelsey.Process("", &s)
	return s.Cache, s.Ptr, err
}

func decodeSethvargo(t *testing.T, input string) (core.Config, *core.Config, error) {
	var s envStruct
	err := sethvargo.ProcessWith(context.Background(), &sethvargo.Config{
		Target: &s, Lookuper: sethvargo.MapLookuper(map[string]string{"CACHE_URL": input})})
	return s.Cache, s.Ptr, err
}

func decodeCleanenv(t *testing.T, input string) (core.Config, *core.Config, error) {
	t.Setenv("CACHE_URL", input)
	s := struct {
		Cache core.Config  `env:"CACHE_URL" env-default:"locmem://"`
		Ptr   *core.Config `env:"CACHE_URL"`
	}{Ptr: new(core.Config)}
	err := cleanenv.ReadEnv(&s)
	return s.Cache, s.Ptr, err
}

func nilCleanenv(t *testing.T) error {
	t.Setenv("CACHE_URL", validURL)
	var s struct {
		Ptr *core.Config `env:"CACHE_URL"`
	}
	return cleanenv.ReadEnv(&s)
}

// --- flag libraries ---

func decodeFlagVar(t *testing.T, input string) (core.Config, *core.Config, error) {
	var value core.Config
	ptr := new(core.Config)
	fs := flag.NewFlagSet("app", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	fs.Var(&value, "cache-url", "cache `URL`")
	fs.Var(ptr, "other-cache-url", "cache `URL`")
	err := fs.Parse([]string{"-cache-url", input, "-other-cache-url", input})
	return value, ptr, err
}

func defaultConfig(t *testing.T) core.Config {
	c, err := core.Parse(defaultURL)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func helpFlagVar(t *testing.T) string {
	cfg := defaultConfig(t)
	var b bytes.Buffer
	fs := flag.NewFlagSet("app", flag.ContinueOnError)
	fs.SetOutput(&b)
	fs.Var(&cfg, "cache-url", "cache `URL`")
	fs.PrintDefaults()
	return b.String()
}

func decodeFlagTextVar(t *testing.T, input string) (core.Config, *core.Config, error) {
	var value core.Config
	ptr := new(core.Config)
	fs := flag.NewFlagSet("app", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	def, _ := core.Parse(core.DefaultURL)
	fs.TextVar(&value, "cache-url", def, "cache `URL`")
	fs.TextVar(ptr, "other-cache-url", def, "cache `URL`")
	err := fs.Parse([]string{"-cache-url", input, "-other-cache-url", input})
	return value, ptr, err
}

func helpFlagTextVar(t *testing.T) string {
	var cfg core.Config
	var b bytes.Buffer
	fs := flag.NewFlagSet("app", flag.ContinueOnError)
	fs.SetOutput(&b)
	fs.TextVar(&cfg, "cache-url", defaultConfig(t), "cache `URL`")
	fs.PrintDefaults()
	return b.String()
}

func decodePflag(t *testing.T, input string) (core.Config, *core.Config, error) {
	var value core.Config
	ptr := new(core.Config)
	fs := pflag.NewFlagSet("app", pflag.ContinueOnError)
	fs.SetOutput(io.Discard)
	fs.Var(&value, "cache-url", "cache URL")
	fs.Var(ptr, "other-cache-url", "cache URL")
	err := fs.Parse([]string{"--cache-url", input, "--other-cache-url=" + input})
	return value, ptr, err
}

func helpPflag(t *testing.T) string {
	cfg := defaultConfig(t)
	fs := pflag.NewFlagSet("app", pflag.ContinueOnError)
	fs.Var(&cfg, "cache-url", "cache URL")
	return fs.FlagUsages()
}

func cobraCommand(value, ptr *core.Config) *cobra.Command {
	cmd := &cobra.Command{Use: "app", RunE: func(*cobra.Command, []string) error { return nil }, SilenceUsage: true, SilenceErrors: true}
	cmd.Flags().Var(value, "cache-url", "cache URL")
	cmd.Flags().Var(ptr, "other-cache-url", "cache URL")
	return cmd
}

func decodeCobra(t *testing.T, input string) (core.Config, *core.Config, error) {
	var value core.Config
	ptr := new(core.Config)
	cmd := cobraCommand(&value, ptr)
	cmd.SetArgs([]string{"--cache-url", input, "--other-cache-url", input})
	cmd.SetOut(io.Discard)
	cmd.SetErr(io.Discard)
	err := cmd.Execute()
	return value, ptr, err
}

func helpCobra(t *testing.T) string {
	cfg := defaultConfig(t)
	var b bytes.Buffer
	cmd := cobraCommand(&cfg, new(core.Config))
	cmd.SetArgs([]string{"--help"})
	cmd.SetOut(&b)
	if err := cmd.Execute(); err != nil {
		t.Fatal(err)
	}
	return b.String()
}

type kongCLI struct {
	Cache core.Config  `name:"cache-url" env:"CACHE_URL" help:"cache URL"`
	Ptr   *core.Config `name:"other-cache-url" env:"CACHE_URL" help:"cache URL"`
}

func decodeKong(t *testing.T, input string) (core.Config, *core.Config, error) {
	t.Setenv("CACHE_URL", input)
	var c kongCLI
	p, err := kong.New(&c, kong.Name("app"), kong.Exit(func(int) {}), kong.Writers(io.Discard, io.Discard))
	if err != nil {
		t.Fatal(err)
	}
	_, err = p.Parse(nil)
	return c.Cache, c.Ptr, err
}

func helpKong(t *testing.T) string {
	var b bytes.Buffer
	c := struct {
		Cache core.Config `name:"cache-url" help:"cache URL" default:"${cache_default}"`
	}{}
	p, err := kong.New(&c, kong.Name("app"), kong.Exit(func(int) {}), kong.Writers(&b, &b),
		kong.Vars{"cache_default": defaultURL})
	if err != nil {
		t.Fatal(err)
	}
	_, _ = p.Parse([]string{"--help"})
	return b.String()
}

func decodeUrfave(t *testing.T, input string) (core.Config, *core.Config, error) {
	var value core.Config
	ptr := new(core.Config)
	cmd := &cli.Command{
		Name: "app",
		Flags: []cli.Flag{
			&cli.TextFlag{Name: "cache-url", Value: &value},
			&cli.TextFlag{Name: "other-cache-url", Value: ptr},
		},
		Action:    func(context.Context, *cli.Command) error { return nil },
		Writer:    io.Discard,
		ErrWriter: io.Discard,
		OnUsageError: func(_ context.Context, _ *cli.Command, err error, _ bool) error {
			return err
		},
	}
	err := cmd.Run(context.Background(), []string{"app", "--cache-url", input, "--other-cache-url", input})
	return value, ptr, err
}

func helpUrfave(t *testing.T) string {
	var b bytes.Buffer
	cfg := defaultConfig(t)
	cmd := &cli.Command{
		Name:   "app",
		Flags:  []cli.Flag{&cli.TextFlag{Name: "cache-url", Usage: "cache URL", Value: &cfg}},
		Action: func(context.Context, *cli.Command) error { return nil },
		Writer: &b, ErrWriter: &b,
	}
	if err := cmd.Run(context.Background(), []string{"app", "--help"}); err != nil {
		t.Fatal(err)
	}
	return b.String()
}

// TestCleanenvPattern runs the cleanenv pattern of docs/libraries.md: a
// *core.Config field allocated with the default before ReadEnv (cleanenv
// ignores env-default on a field that is not zero, and leaves an allocated
// zero Config empty when the variable is unset).
func TestCleanenvPattern(t *testing.T) {
	t.Setenv("CACHE_URL", "")
	os.Unsetenv("CACHE_URL") // t.Setenv restores it
	var cfg struct {
		Cache *core.Config `env:"CACHE_URL"`
	}
	def, err := core.Parse(core.DefaultURL)
	if err != nil {
		t.Fatal(err)
	}
	cfg.Cache = &def
	if err := cleanenv.ReadEnv(&cfg); err != nil || cfg.Cache.Backend != core.BackendLocmem {
		t.Errorf("default: %v %v", cfg.Cache, err)
	}
	t.Setenv("CACHE_URL", validURL)
	if err := cleanenv.ReadEnv(&cfg); err != nil || !reflect.DeepEqual(*cfg.Cache, want(t)) {
		t.Errorf("set: %v %v", cfg.Cache, err)
	}
	// What the pattern avoids: env-default is ignored on an allocated field.
	t.Setenv("CACHE_URL", "")
	os.Unsetenv("CACHE_URL")
	var ignored struct {
		Cache *core.Config `env:"CACHE_URL" env-default:"locmem://"`
	}
	ignored.Cache = new(core.Config)
	if err := cleanenv.ReadEnv(&ignored); err != nil || ignored.Cache.Scheme != "" {
		t.Errorf("env-default on an allocated field: %v %v (cleanenv changed: update docs/libraries.md)", ignored.Cache, err)
	}
}

// TestFlagPattern runs the flag pattern of docs/libraries.md: the default
// from core.FromEnv (password from CACHE_PASSWORD_FILE), -help redacted.
func TestFlagPattern(t *testing.T) {
	pwFile := t.TempDir() + "/cache_password"
	if err := os.WriteFile(pwFile, []byte(pw+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	t.Setenv("CACHE_URL", "redis://cache:6380/1?timeout=60")
	t.Setenv("CACHE_PASSWORD_FILE", pwFile)
	cfg, err := core.FromEnv("", "")
	if err != nil {
		t.Fatal(err)
	}
	var help bytes.Buffer
	fs := flag.NewFlagSet("app", flag.ContinueOnError)
	fs.SetOutput(&help)
	fs.Var(&cfg, "cache-url", "cache `URL` (default: $CACHE_URL); no password here")
	if err := fs.Parse(nil); err != nil {
		t.Fatal(err)
	}
	fs.PrintDefaults()
	if !reflect.DeepEqual(cfg, want(t)) || strings.Contains(help.String(), pw) || !strings.Contains(help.String(), "redis://:xxxxx@cache:6380/1") {
		t.Errorf("config %v, help:\n%s", cfg, help.String())
	}
}
