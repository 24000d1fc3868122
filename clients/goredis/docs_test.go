package goredis

import (
	"os"
	"slices"
	"strings"
	"testing"
)

// docs/clients.md documents every parameter and every ignored option.
func TestDocsListEveryOption(t *testing.T) {
	b, err := os.ReadFile("../../docs/clients.md")
	if err != nil {
		t.Fatal(err)
	}
	doc := string(b)
	for _, p := range params {
		if !strings.Contains(doc, "`"+p.name+"`") {
			t.Errorf("docs/clients.md does not mention parameter `%s`", p.name)
		}
	}
	for _, name := range ignored {
		if !strings.Contains(doc, "`"+name+"`") {
			t.Errorf("docs/clients.md does not mention ignored option `%s`", name)
		}
	}
}

// The parameter table and the ignore list are consistent: sorted ignore
// list (IsIgnored searches it), no name in both, no duplicates, every
// parameter has a setter, a scope and a documented kind.
func TestParamTable(t *testing.T) {
	if !slices.IsSorted(ignored) || len(slices.Compact(slices.Clone(ignored))) != len(ignored) {
		t.Errorf("ignored is not sorted and unique: %v", ignored)
	}
	seen := map[string]bool{}
	for _, p := range params {
		if seen[p.name] {
			t.Errorf("parameter %s is listed twice", p.name)
		}
		seen[p.name] = true
		if IsIgnored(p.name) {
			t.Errorf("parameter %s is also ignored", p.name)
		}
		if p.set == nil || p.scope == 0 || p.kind == "" || p.field == "" {
			t.Errorf("parameter %s is incomplete: %+v", p.name, p)
		}
		if p.alias != "" {
			if a, ok := lookupParam(p.alias); !ok || a.field != p.field {
				t.Errorf("alias %s -> %s does not name a parameter with the same field", p.name, p.alias)
			}
		}
		if strings.ToLower(p.name) != p.name {
			t.Errorf("parameter %s is not lower-case (core lower-cases option names)", p.name)
		}
	}
}
