package conformance_test

import (
	"fmt"
	"testing"

	"github.com/cacheurl/cacheurl/core"
	"github.com/cacheurl/cacheurl/internal/conformance"
)

func load(t *testing.T) []conformance.Case {
	t.Helper()
	cs, err := conformance.Load()
	if err != nil {
		t.Fatal(err)
	}
	return cs
}

// TestLoad checks the corpus itself: it loads (Load validates each case),
// it is large enough, and it covers every rule and every cause.
func TestLoad(t *testing.T) {
	cs := load(t)
	if len(cs) < 320 {
		t.Errorf("%d cases, want at least 320", len(cs))
	}
	rules, causes := map[int]int{}, map[int]int{}
	kinds := map[string]int{}
	strict, named, skipped := 0, 0, 0
	for _, c := range cs {
		for _, r := range c.Rules() {
			rules[r]++
		}
		for _, n := range c.Causes() {
			causes[n]++
		}
		if c.Err != "" {
			kinds[c.Err]++
		}
		if c.Strict {
			strict++
		}
		if c.Named() {
			named++
		}
		if c.Skipped("core") {
			skipped++
		}
	}
	for r := 1; r <= 7; r++ {
		if rules[r] == 0 {
			t.Errorf("no case for rule %d", r)
		}
	}
	for n := 1; n <= 9; n++ {
		if causes[n] == 0 {
			t.Errorf("no case for cause %d", n)
		}
	}
	if strict == 0 || named == 0 {
		t.Errorf("%d strict and %d named cases; want some of each", strict, named)
	}
	t.Logf("%d cases; by rule %v; by cause %v; errors by kind %v; %d strict, %d named, %d skipped for core",
		len(cs), rules, causes, kinds, strict, named, skipped)
}

// TestWantsCanonical checks every expected URL against the grammar alone
// (not against the structured rules): it parses, and it is already the
// canonical form, so a typo in a case cannot pass as an expectation.
func TestWantsCanonical(t *testing.T) {
	for _, c := range load(t) {
		wants := map[string]string{"": c.Want}
		if c.Want == "" {
			wants = c.WantNamed
		}
		for name, w := range wants {
			if w == "" && c.Err != "" {
				continue
			}
			p, err := core.Parse(w)
			if err != nil {
				t.Errorf("%s %s: want %q does not parse: %v", c.Name, name, w, err)
				continue
			}
			if f := core.Format(p); f != w {
				t.Errorf("%s %s: want %q is not canonical; canonical is %q", c.Name, name, w, f)
			}
		}
	}
}

// TestLoadRejects checks that the loader rejects broken cases.
func TestLoadRejects(t *testing.T) {
	for _, tt := range []struct{ name, yaml string }{
		{"no-expectation", "- {name: a, doc: 'cache: x', why: 'rule 1: x'}"},
		{"two-expectations", "- {name: a, doc: 'cache: x', want: 'locmem://', err: malformed, key: cache, why: 'rule 1: x'}"},
		{"unknown-kind", "- {name: a, doc: 'cache: x', err: bad_kind, key: cache, why: 'rule 1: x'}"},
		{"err-without-key", "- {name: a, doc: 'cache: x', err: malformed, why: 'rule 1: x'}"},
		{"no-why", "- {name: a, doc: 'cache: x', want: 'locmem://'}"},
		{"why-without-rule", "- {name: a, doc: 'cache: x', want: 'locmem://', why: 'because'}"},
		{"rule-out-of-range", "- {name: a, doc: 'cache: x', want: 'locmem://', why: 'rule 8: layering'}"},
		{"duplicate-name", "- {name: a, doc: 'cache: x', want: 'locmem://', why: 'rule 1: x'}\n- {name: a, doc: 'cache: x', want: 'locmem://', why: 'rule 1: x'}"},
		{"name-not-kebab", "- {name: A_b, doc: 'cache: x', want: 'locmem://', why: 'rule 1: x'}"},
		{"bad-doc", "- {name: a, doc: 'cache: [', want: 'locmem://', why: 'rule 1: x'}"},
		{"other-top-level-key", "- {name: a, doc: 'app: x', want: 'locmem://', why: 'rule 1: x'}"},
		{"named-with-want", "- {name: a, doc: 'caches: {}', want: 'locmem://', why: 'rule 6: x'}"},
		{"key-outside", "- {name: a, doc: 'cache: 5', err: invalid_parameter, key: ttl, why: 'rule 1: x'}"},
		{"skip-without-why", "- {name: a, doc: 'cache: x', want: 'locmem://', why: 'rule 1: x', skip: [core]}"},
		{"unknown-field", "- {name: a, doc: 'cache: x', want: 'locmem://', why: 'rule 1: x', wnat: 1}"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := conformance.Parse([]byte(tt.yaml)); err == nil {
				t.Error("accepted")
			}
		})
	}
	if _, err := conformance.Parse([]byte("- {name: a, doc: 'cache: x', want: 'locmem://', why: 'rule 1, cause 3: x'}")); err != nil {
		t.Errorf("a good case: %v", err)
	}
}

// TestCore runs every case through core: core.Decode (core.DecodeStrict for
// strict cases) of the cache: value, or core.DecodeNamed of caches:.
func TestCore(t *testing.T) {
	for _, c := range load(t) {
		t.Run(c.Name, func(t *testing.T) {
			problem := runCore(t, c)
			if c.Skipped("core") {
				if problem == "" {
					t.Fatalf("passes now: remove skip: [core] (%s)", c.SkipWhy)
				}
				t.Skipf("%s (%s)", c.SkipWhy, problem)
			}
			if problem != "" {
				t.Error(problem)
			}
		})
	}
}

// runCore returns what is wrong with core's result for c, or "" (a panic
// is wrong too).
func runCore(t *testing.T, c conformance.Case) (problem string) {
	t.Helper()
	defer func() {
		if r := recover(); r != nil {
			problem = fmt.Sprintf("panic: %v", r)
		}
	}()
	doc, err := c.Document()
	if err != nil {
		t.Fatal(err)
	}
	var got map[string]string
	if c.Named() {
		cs, derr := core.DecodeNamed("caches", doc["caches"])
		err = derr
		if err == nil {
			got = map[string]string{}
			for name, cfg := range cs {
				got[name] = core.Format(cfg)
			}
		}
	} else {
		decode := core.Decode
		if c.Strict {
			decode = core.DecodeStrict
		}
		cfg, derr := decode("cache", doc["cache"])
		err = derr
		if err == nil {
			got = map[string]string{"": core.Format(cfg)}
		}
	}
	return conformance.Check(c, got, err)
}
