package compat

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/cacheurl/cacheurl/internal/conformance"
	"github.com/santhosh-tekuri/jsonschema/v6"
)

// jsonValue is v as the validator takes it (JSON numbers, maps, lists);
// ok is false for YAML values JSON cannot hold (.inf, .nan).
func jsonValue(t *testing.T, v any) (_ any, ok bool) {
	t.Helper()
	if holdsTime(v) {
		return nil, false // a YAML timestamp: JSON would make it a string
	}
	b, err := json.Marshal(v)
	if err != nil {
		return nil, false
	}
	out, err := jsonschema.UnmarshalJSON(strings.NewReader(string(b)))
	if err != nil {
		t.Fatal(err)
	}
	return out, true
}

func holdsTime(v any) bool {
	switch t := v.(type) {
	case time.Time:
		return true
	case map[string]any:
		for _, e := range t {
			if holdsTime(e) {
				return true
			}
		}
	case []any:
		for _, e := range t {
			if holdsTime(e) {
				return true
			}
		}
	}
	return false
}

// beyondSchema are type errors a JSON Schema cannot see, with the reason;
// the schema accepts them and core rejects them.
var beyondSchema = map[string]string{
	"ttl-fraction-duration": "a Go duration that is not whole seconds (1.5s; 1.5m is 90 s and valid): a pattern cannot do the arithmetic",
	"ttl-too-big-string":    "a string of more seconds than the largest TTL: a pattern cannot compare numbers",
}

// typeError reports whether a corpus error case is a type or shape error
// (rules 1 and 5) or an unknown key (rule 2): the errors a schema can see.
func typeError(c conformance.Case) bool {
	if c.Err != "invalid_parameter" {
		return false
	}
	return strings.Contains(c.Why, "rule 1") || strings.Contains(c.Why, "rule 5") || strings.Contains(c.Why, "unknown key")
}

// TestSchemaCorpus: every accepted case of the conformance corpus validates
// against the JSON Schema, and the type errors are rejected. The other
// errors (a bad port, a db on memcached, ...) are beyond what a schema
// says; they are counted, not checked.
func TestSchemaCorpus(t *testing.T) {
	cases, err := conformance.Load()
	if err != nil {
		t.Fatal(err)
	}
	cache, caches := compileSchema(t), compileCaches(t)
	var accepted, rejected, typeErrs, missed []string
	for _, c := range cases {
		doc, err := c.Document()
		if err != nil {
			t.Fatal(err)
		}
		s, v := cache, any(doc["cache"])
		if c.Named() {
			s, v = caches, doc["caches"]
		}
		if _, present := doc["cache"]; !present && !c.Named() {
			continue // no value to validate
		}
		jv, ok := jsonValue(t, v)
		if !ok {
			continue // not a JSON value: the schema cannot say
		}
		verr := s.Validate(jv)
		switch {
		case c.Err == "":
			accepted = append(accepted, c.Name)
			if verr != nil {
				t.Errorf("%s: accepted by the rules, rejected by the schema: %v", c.Name, verr)
			}
		case typeError(c) && beyondSchema[c.Name] == "":
			typeErrs = append(typeErrs, c.Name)
			if verr == nil {
				missed = append(missed, c.Name)
			} else {
				rejected = append(rejected, c.Name)
			}
		}
	}
	for _, name := range missed {
		t.Errorf("%s: a type error the schema accepts", name)
	}
	t.Logf("%d accepted cases validate; %d of %d type errors rejected", len(accepted), len(rejected), len(typeErrs))
}
