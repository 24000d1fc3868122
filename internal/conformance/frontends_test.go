package conformance_test

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"sort"
	"strings"
	"testing"

	"github.com/cacheurl/cacheurl/core"
	"github.com/cacheurl/cacheurl/internal/conformance"
	"github.com/cacheurl/cacheurl/koanfprovider"
	"github.com/cacheurl/cacheurl/viperhook"
	"github.com/go-viper/mapstructure/v2"
	"github.com/knadh/koanf/parsers/yaml"
	"github.com/knadh/koanf/providers/file"
	"github.com/knadh/koanf/v2"
	"github.com/spf13/viper"
	yamlv3 "go.yaml.in/yaml/v3"
)

// outcome is what a front-end made of a case: the canonical URL of the
// cache (or of each named cache), or an error's kind code and key path.
type outcome struct {
	URL   string
	Named map[string]string
	Kind  string // "" when the front-end cannot tell
	Key   string
	Err   string // the message, for failures
}

func (o outcome) String() string {
	switch {
	case o.Err != "":
		return fmt.Sprintf("error %s at %q: %s", o.Kind, o.Key, o.Err)
	case o.Named != nil:
		names := make([]string, 0, len(o.Named))
		for n, u := range o.Named {
			names = append(names, n+"="+u)
		}
		sort.Strings(names)
		return "named {" + strings.Join(names, ", ") + "}"
	}
	return o.URL
}

// same compares two outcomes; a missing kind or key matches any.
func same(a, b outcome) bool {
	if (a.Err != "") != (b.Err != "") {
		return false
	}
	if a.Err != "" {
		return (a.Kind == "" || b.Kind == "" || a.Kind == b.Kind) && (a.Key == "" || b.Key == "" || a.Key == b.Key)
	}
	return a.URL == b.URL && reflect.DeepEqual(a.Named, b.Named)
}

func fromErr(err error) outcome {
	o := outcome{Err: err.Error()}
	var ce *core.Error
	if errors.As(err, &ce) {
		o.Key = ce.Key
		if ce.Kind != nil {
			o.Kind = ce.Kind.Code()
		}
	}
	return o
}

func fromConfig(c core.Config) outcome { return outcome{URL: core.Format(c)} }

func fromNamed(m map[string]core.Config) outcome {
	o := outcome{Named: map[string]string{}}
	for n, c := range m {
		o.Named[n] = core.Format(c)
	}
	return o
}

// app is the struct every hook-based front-end decodes into.
type app struct {
	Cache  core.Config            `mapstructure:"cache" koanf:"cache"`
	Caches map[string]core.Config `mapstructure:"caches" koanf:"caches"`
}

func (a app) outcome(named bool) outcome {
	if named {
		if a.Caches == nil {
			return fromNamed(map[string]core.Config{})
		}
		return fromNamed(a.Caches)
	}
	return fromConfig(a.Cache)
}

// frontend runs one case.
type frontend struct {
	name string
	run  func(t *testing.T, c conformance.Case, doc map[string]any) outcome
	// strict reports whether the front-end has a strict mode.
	strict bool
	// folds reports whether the front-end folds key case before the rules
	// see the value (viper), so two keys equal but for case are one.
	folds bool
}

// named reports whether a case is about named caches (the caches: key).
func named(c conformance.Case) bool { return c.Named() }

var frontends = []frontend{
	{name: "core", strict: true, run: func(t *testing.T, c conformance.Case, doc map[string]any) outcome {
		var (
			cfg core.Config
			err error
		)
		switch {
		case named(c):
			m, err := core.DecodeNamed("caches", doc["caches"])
			if err != nil {
				return fromErr(err)
			}
			return fromNamed(m)
		case c.Strict:
			cfg, err = core.DecodeStrict("cache", doc["cache"])
		default:
			cfg, err = core.Decode("cache", doc["cache"])
		}
		if err != nil {
			return fromErr(err)
		}
		return fromConfig(cfg)
	}},
	{name: "koanf Expand", strict: true, run: func(t *testing.T, c conformance.Case, _ map[string]any) outcome {
		k := koanf.New(".")
		if err := k.Load(file.Provider(docFile(t, c)), yaml.Parser()); err != nil {
			t.Fatalf("koanf load: %v", err)
		}
		if err := k.Load(koanfprovider.Expand(k, koanfprovider.Opt{Strict: c.Strict, Named: named(c)}), nil); err != nil {
			o := fromErr(err)
			var ke *koanfprovider.Error
			if errors.As(err, &ke) && o.Key != ke.Key {
				t.Errorf("koanfprovider.Error.Key %q differs from core's key %q", ke.Key, o.Key)
			}
			return o
		}
		var a app
		if named(c) {
			if err := k.Unmarshal("caches", &a.Caches); err != nil {
				return fromErr(err)
			}
		} else if err := k.Unmarshal("cache", &a.Cache); err != nil {
			return fromErr(err)
		}
		return a.outcome(named(c))
	}},
	{name: "koanf UnmarshalWithConf + Hook", run: func(t *testing.T, c conformance.Case, _ map[string]any) outcome {
		k := koanf.New(".")
		if err := k.Load(file.Provider(docFile(t, c)), yaml.Parser()); err != nil {
			t.Fatalf("koanf load: %v", err)
		}
		var a app
		err := k.UnmarshalWithConf("", &a, koanf.UnmarshalConf{Tag: "koanf", DecoderConfig: &mapstructure.DecoderConfig{
			DecodeHook:       mapstructure.ComposeDecodeHookFunc(viperhook.Hook(), mapstructure.StringToTimeDurationHookFunc()),
			TagName:          "koanf",
			WeaklyTypedInput: true,
			Result:           &a,
		}})
		if err != nil {
			return fromErr(err)
		}
		return a.outcome(named(c))
	}},
	{name: "viper", folds: true, run: func(t *testing.T, c conformance.Case, _ map[string]any) outcome {
		v := viper.New()
		v.SetConfigType("yaml")
		if err := v.ReadConfig(bytes.NewBufferString(c.Doc)); err != nil {
			t.Fatalf("viper ReadConfig: %v", err)
		}
		var a app
		if err := v.Unmarshal(&a, viperhook.DecoderOption()); err != nil {
			return fromErr(err)
		}
		return a.outcome(named(c))
	}},
	{name: "mapstructure v2", run: func(t *testing.T, c conformance.Case, doc map[string]any) outcome {
		var a app
		d, err := mapstructure.NewDecoder(&mapstructure.DecoderConfig{DecodeHook: viperhook.Hook(), Result: &a})
		if err != nil {
			t.Fatal(err)
		}
		if err := d.Decode(doc); err != nil {
			return fromErr(err)
		}
		return a.outcome(named(c))
	}},
}

func docFile(t *testing.T, c conformance.Case) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "config.yaml")
	if err := os.WriteFile(p, []byte(c.Doc), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

func want(c conformance.Case) outcome {
	switch {
	case c.Err != "":
		return outcome{Err: "(any)", Kind: c.Err, Key: c.Key}
	case c.WantNamed != nil:
		return outcome{Named: c.WantNamed}
	}
	return outcome{URL: c.Want}
}

// caseFolds reports whether a document has two keys equal but for case at
// any level.
func caseFolds(v any) bool {
	m, ok := v.(map[string]any)
	if !ok {
		return false
	}
	seen := map[string]bool{}
	for k, val := range m {
		lk := strings.ToLower(k)
		if seen[lk] || caseFolds(val) {
			return true
		}
		seen[lk] = true
	}
	return false
}

// TestFrontends runs every case of the corpus through every front-end: each
// must give the case's expected outcome, so no two front-ends differ.
func TestFrontends(t *testing.T) {
	cases, err := conformance.Load()
	if err != nil {
		t.Fatal(err)
	}
	runs, diffs := 0, 0
	for _, c := range cases {
		t.Run(c.Name, func(t *testing.T) {
			var doc map[string]any
			if err := yamlv3.Unmarshal([]byte(c.Doc), &doc); err != nil {
				t.Fatalf("document: %v", err)
			}
			w := want(c)
			for _, f := range frontends {
				if skipped(c, f.name) || (c.Strict && !f.strict) || (f.folds && (caseFolds(doc) || emptyName(doc))) {
					continue
				}
				runs++
				got := f.run(t, c, doc)
				if !same(got, w) {
					diffs++
					t.Errorf("%s: got %v\nwant %v (%s)", f.name, got, w, c.Why)
				}
				if got.Err != "" && len(got.Err) > 1000 {
					t.Errorf("%s: error of %d bytes", f.name, len(got.Err))
				}
				for _, secret := range c.Secrets() {
					if got.Err != "" && len(secret) >= 4 && strings.Contains(got.Err, secret) {
						t.Errorf("%s: error %q shows a secret of the document", f.name, got.Err)
					}
				}
			}
		})
	}
	t.Logf("%d cases, %d front-end runs, %d differences", len(cases), runs, diffs)
}

func skipped(c conformance.Case, frontend string) bool {
	for _, s := range c.Skip {
		if s == frontend || strings.HasPrefix(frontend, s) {
			return true
		}
	}
	return false
}

// emptyName reports whether a named cache of the document is null or an
// empty map: viper drops such entries while reading, so the name is gone
// before any hook runs.
func emptyName(doc map[string]any) bool {
	m, ok := doc["caches"].(map[string]any)
	if !ok {
		return false
	}
	for _, v := range m {
		if sub, isMap := v.(map[string]any); v == nil || (isMap && len(sub) == 0) {
			return true
		}
	}
	return false
}

// TestViperDropsEmptyNames documents the other place viper differs: a
// named cache whose value is null or {} is gone after viper reads the file
// (viper drops null and empty subtrees), so the name is missing, where the
// other front-ends give it the default.
func TestViperDropsEmptyNames(t *testing.T) {
	doc := "caches:\n  x: null\n  y: {}\n  z: redis://h\n"
	v := viper.New()
	v.SetConfigType("yaml")
	if err := v.ReadConfig(bytes.NewBufferString(doc)); err != nil {
		t.Fatal(err)
	}
	var a app
	if err := v.Unmarshal(&a, viperhook.DecoderOption()); err != nil {
		t.Fatal(err)
	}
	if len(a.Caches) != 1 || core.Format(a.Caches["z"]) != "redis://h/0" {
		t.Errorf("viper: %v", a.Caches)
	}
	var m map[string]any
	if err := yamlv3.Unmarshal([]byte(doc), &m); err != nil {
		t.Fatal(err)
	}
	got, err := core.DecodeNamed("caches", m["caches"])
	if err != nil || len(got) != 3 || core.Format(got["x"]) != "locmem://" {
		t.Errorf("core: %v, %v", got, err)
	}
}

// TestViperFoldsCase documents the one place viper differs: it lower-cases
// every key while reading a file, before any hook sees the value, so two
// keys equal but for case are one key to viper (the last read wins). The
// other front-ends report a duplicate_parameter error.
func TestViperFoldsCase(t *testing.T) {
	doc := "cache:\n  url: redis://h/0\n  ttl: 60\n  TTL: 60\n"
	v := viper.New()
	v.SetConfigType("yaml")
	if err := v.ReadConfig(bytes.NewBufferString(doc)); err != nil {
		t.Fatal(err)
	}
	var a app
	if err := v.Unmarshal(&a, viperhook.DecoderOption()); err != nil {
		t.Fatal(err)
	}
	if got := core.Format(a.Cache); got != "redis://h/0?timeout=60" {
		t.Errorf("viper: %s", got)
	}
	var m map[string]any
	if err := yamlv3.Unmarshal([]byte(doc), &m); err != nil {
		t.Fatal(err)
	}
	if _, err := core.Decode("cache", m["cache"]); !errors.Is(err, core.ErrDuplicateParameter) {
		t.Errorf("core: %v, want duplicate_parameter", err)
	}
}
