package schemagen

import (
	"bytes"
	"encoding/json"
	"regexp"
	"testing"

	"github.com/cacheurl/cacheurl/core"
	"github.com/cacheurl/cacheurl/internal/golden"
)

const schemaFile = "../../schema/cache.schema.json"

// TestSchemaFile fails when the committed schema is not what the key and
// scheme tables give.
func TestSchemaFile(t *testing.T) {
	b, err := Schema()
	if err != nil {
		t.Fatal(err)
	}
	golden.File(t, schemaFile, string(b), "go generate ./internal/schemagen (or go test ./internal/schemagen -update)")
}

// TestSchemaTables checks that the schema has every key of core.Keys and
// that its URL pattern matches every scheme, in any case, and no other.
func TestSchemaTables(t *testing.T) {
	b, err := Schema()
	if err != nil {
		t.Fatal(err)
	}
	var s struct {
		Defs struct {
			URL struct {
				Pattern string `json:"pattern"`
			} `json:"url"`
			Structured struct {
				Properties map[string]json.RawMessage `json:"properties"`
			} `json:"structured"`
		} `json:"$defs"`
	}
	if err := json.Unmarshal(b, &s); err != nil {
		t.Fatal(err)
	}
	for _, k := range core.Keys() {
		if _, ok := s.Defs.Structured.Properties[k.Name]; !ok {
			t.Errorf("key %q missing", k.Name)
		}
	}
	if len(s.Defs.Structured.Properties) != len(core.Keys())+1 {
		t.Errorf("%d properties, want the %d keys and url", len(s.Defs.Structured.Properties), len(core.Keys()))
	}
	re := regexp.MustCompile(s.Defs.URL.Pattern)
	for _, sc := range core.Schemes() {
		for _, u := range []string{sc.Name + "://", "  " + sc.Name + "://h", upper(sc.Name) + "://x"} {
			if !re.MatchString(u) {
				t.Errorf("pattern does not match %q", u)
			}
		}
	}
	for _, u := range []string{"redsi://h", "redis:/h", "http://h", "redis", "x redis://h"} {
		if re.MatchString(u) {
			t.Errorf("pattern matches %q", u)
		}
	}
	for _, u := range []string{"", "  "} {
		if !re.MatchString(u) {
			t.Errorf("pattern does not match the blank %q (not set)", u)
		}
	}
}

func upper(s string) string { return string(bytes.ToUpper([]byte(s))) }
