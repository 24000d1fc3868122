// Package schemagen writes the JSON Schema (draft 2020-12) of a cache value
// from core's key table (core.Keys) and scheme table (core.Schemes), so that
// the schema says what the parser accepts and nothing else. The schema is
// committed as schema/cache.schema.json; its test fails when that file is
// stale ("go generate ./internal/schemagen" or
// "go test ./internal/schemagen -update" rewrites it).
//
// A cache value is a URL string, or a map: url plus the keys of the
// structured layout, each of the types the structured rules accept (ttl as
// whole seconds, a Go duration of whole seconds or never; integers as
// numbers or strings of digits; hosts as a list or a comma-separated
// string; options as strings, numbers and bools). Keys match
// case-insensitively; null, "" and empty lists and maps mean "not set".
package schemagen

//go:generate go test -run TestSchemaFile -update

import (
	"bytes"
	"encoding/json"
	"fmt"
	"sort"
	"strings"

	"github.com/cacheurl/cacheurl/core"
)

// ID is the schema's $id: where the committed file is published.
const ID = "https://raw.githubusercontent.com/cacheurl/cacheurl/main/schema/cache.schema.json"

// URLKey is the key of the URL in a structured value.
const URLKey = "url"

type obj = map[string]any

// Schema returns the schema, indented, with a final newline.
func Schema() ([]byte, error) {
	urlOrNotSet := anyOf(obj{"$ref": "#/$defs/url"}, nullable)
	props := obj{URLKey: obj{"description": "the cache URL (scheme://...); keys beside it win over its values", "anyOf": urlOrNotSet["anyOf"]}}
	patterns := obj{ciPattern(URLKey): urlOrNotSet}
	for _, k := range core.Keys() {
		s, err := keySchema(k)
		if err != nil {
			return nil, err
		}
		p := obj{"description": k.Doc}
		for name, v := range s {
			p[name] = v
		}
		props[k.Name] = p
		patterns[ciPattern(k.Name)] = s
	}
	schema := obj{
		"$schema":     "https://json-schema.org/draft/2020-12/schema",
		"$id":         ID,
		"title":       "cacheurl cache value",
		"description": "A cache configuration: a URL string (redis://host:6379/0), or a map of url and the structured keys. Keys match case-insensitively; null, \"\", an empty list or map mean not set.",
		"anyOf": []any{
			obj{"$ref": "#/$defs/url"},
			obj{"$ref": "#/$defs/structured"},
			nullable,
		},
		"$defs": obj{
			"notSet": notSet,
			"url": obj{
				"type":        "string",
				"description": "a cache URL: one of the schemes, then ://; blank means not set",
				"pattern":     `^\s*(?:(?:` + schemeAlternatives() + `)://|$)`,
			},
			"structured": obj{
				"type":                 "object",
				"description":          "url plus structured keys; the keys win over the URL's values",
				"properties":           props,
				"patternProperties":    patterns,
				"additionalProperties": false,
			},
			"caches": anyOf(obj{
				"type":                 "object",
				"description":          "named caches: each name (matched case-insensitively) maps to a cache value",
				"additionalProperties": obj{"$ref": "#"},
			}, nullable),
		},
	}
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(schema); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

// nullable is the schema of "not set": null, "", an empty list or an
// empty map (the structured rules treat all four as absent).
var nullable = obj{"$ref": "#/$defs/notSet"}

var notSet = obj{
	"description": "not set: null, an empty string, an empty list or an empty map",
	"anyOf": []any{
		obj{"type": "null"},
		obj{"type": "string", "maxLength": 0},
		obj{"type": "array", "maxItems": 0},
		obj{"type": "object", "maxProperties": 0},
	},
}

func anyOf(alts ...any) obj { return obj{"anyOf": alts} }

func keySchema(k core.Key) (obj, error) {
	switch k.Type {
	case core.KeyString:
		switch k.Name {
		case "scheme":
			return anyOf(obj{"type": "string", "pattern": `^(?:` + schemeAlternatives() + `)?$`}, nullable), nil
		case "backend":
			return anyOf(obj{"type": "string", "pattern": `^(?:` + alternatives(backends()) + `)?$`}, nullable), nil
		case "topology":
			return anyOf(obj{"type": "string", "pattern": `^(?:` + alternatives(topologies()) + `)?$`}, nullable), nil
		}
		return anyOf(obj{"type": "string"}, nullable), nil
	case core.KeyBool:
		return anyOf(obj{"type": "boolean"},
			obj{"type": "string", "enum": []any{"", "1", "t", "T", "TRUE", "true", "True", "0", "f", "F", "FALSE", "false", "False"}},
			nullable), nil
	case core.KeyInt:
		return anyOf(obj{"type": "integer"}, obj{"type": "string", "pattern": `^[0-9]*$`}, nullable), nil
	case core.KeyTTL:
		duration := `(?:(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:ns|us|µs|μs|ms|s|m|h))+`
		return anyOf(obj{"type": "integer", "minimum": 0, "maximum": core.MaxTTLSeconds},
			obj{"type": "string", "pattern": `^(?:never|none|None|[0-9]+|` + duration + `)?$`},
			nullable), nil
	case core.KeyHosts:
		return anyOf(obj{"type": "array", "items": obj{"type": "string"}}, obj{"type": "string"}, nullable), nil
	case core.KeyOptions:
		return anyOf(obj{
			"type":                 "object",
			"propertyNames":        obj{"pattern": `^[A-Za-z0-9_.-]+$`},
			"additionalProperties": anyOf(obj{"type": []any{"string", "number", "boolean", "null"}}, nullable),
		}, nullable), nil
	}
	return nil, fmt.Errorf("schemagen: key %q has type %v, which the generator does not know", k.Name, k.Type)
}

// schemeAlternatives is the regular expression alternation of the schemes,
// case-insensitive letter by letter (JSON Schema patterns have no flags).
func schemeAlternatives() string {
	var names []string
	for _, s := range core.Schemes() {
		names = append(names, s.Name)
	}
	return alternatives(names)
}

func alternatives(names []string) string {
	// Longest first, so redis+sentinel is tried before redis.
	sort.SliceStable(names, func(i, j int) bool { return len(names[i]) > len(names[j]) })
	alts := make([]string, len(names))
	for i, n := range names {
		alts[i] = caseless(n)
	}
	return strings.Join(alts, "|")
}

// caseless returns a pattern matching s in any case.
func caseless(s string) string {
	var b strings.Builder
	for _, r := range s {
		switch {
		case r >= 'a' && r <= 'z':
			b.WriteString("[" + string(r) + strings.ToUpper(string(r)) + "]")
		case strings.ContainsRune(`+.*?()[]{}|^$\`, r):
			b.WriteString(`\` + string(r))
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

func ciPattern(name string) string { return "^" + caseless(name) + "$" }

func backends() []string {
	var out []string
	seen := map[core.Backend]bool{}
	for _, s := range core.Schemes() {
		if !seen[s.Backend] {
			seen[s.Backend] = true
			out = append(out, string(s.Backend))
		}
	}
	return out
}

func topologies() []string {
	var out []string
	seen := map[core.Topology]bool{}
	for _, s := range core.Schemes() {
		if s.Topology != "" && !seen[s.Topology] {
			seen[s.Topology] = true
			out = append(out, string(s.Topology))
		}
	}
	return out
}
