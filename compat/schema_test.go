package compat

import (
	"bytes"
	"encoding/json"
	"os"
	"strings"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"
	"gopkg.in/yaml.v3"
)

const schemaPath = "../schema/cache.schema.json"

// acceptedValues are cache values (YAML documents; JSON is YAML) that the
// structured rules accept, so the schema must accept them. Swap in the
// conformance corpus's accepted cases here.
func acceptedValues() []string {
	return []string{
		`redis://:pw@cache:6379/1?timeout=300`,
		`"  REDIS+Sentinel://s1,s2/mymaster/2 "`,
		`""`,
		`null`,
		`{}`,
		`{url: "memcached://m1:11211"}`,
		`{url: "redis://cache", ttl: 60, db: 2, key_prefix: "app"}`,
		`{scheme: redis, hosts: [a:6379, "b:6380"], password: "0123", db: "3"}`,
		`{scheme: memcached, hosts: "m1:11211, m2:11211"}`,
		`{url: "redis://cache", TTL: 5m, Key_Prefix: site}`,
		`{ttl: "300"}`,
		`{ttl: "never"}`,
		`{ttl: none}`,
		`{ttl: 1h30m}`,
		`{ttl: 0}`,
		`{ttl: 60.0}`,
		`{db: 0, tls: false, version: 0}`,
		`{scheme: rediss, tls: "true"}`,
		`{scheme: redis+cluster, topology: cluster, backend: redis}`,
		`{url: "redis://cache", options: {pool_size: 20, health_check: true, socket_timeout: 1.5, client_name: app}}`,
		`{url: "redis:///run/redis.sock", socket: /run/redis.sock}`,
		`{url: "file:///var/tmp/cache", path: /var/tmp/cache, max_entries: 500, cull_frequency: "3"}`,
		`{url: "locmem://", hosts: [], options: {}, password: null, ttl: ""}`,
		`{scheme: redis, master: mymaster, username: app, key_function: app.cache.make_key, lib: django-redis}`,
		`{"url": "redis://cache", "db": 1, "hosts": ["a", "b"]}`,
	}
}

// rejectedValues are type errors and unknown keys: the schema must reject
// them (they are errors of the structured rules too).
func rejectedValues() []string {
	return []string{
		`5`,
		`true`,
		`[redis://a, redis://b]`,
		`{password: 123}`,
		`{password: 0123}`, // YAML reads a number: quote it
		`{key_prefix: true}`,
		`{username: 42}`,
		`{hosts: 5}`,
		`{hosts: [1, 2]}`,
		`{ttl: true}`,
		`{ttl: 1.5}`,
		`{ttl: -5}`,
		`{ttl: "5 minutes"}`,
		`{ttl: [60]}`,
		`{db: 1.5}`,
		`{db: "-1"}`,
		`{db: "one"}`,
		`{tls: maybe}`,
		`{tls: 1}`,
		`{timeout: 300}`, // unknown key: ttl
		`{host: cache}`,  // unknown key: hosts
		`{location: cache}`,
		`{prefix: app}`,
		`{scheme: redsi}`,
		`{scheme: 5}`,
		`{backend: mongodb}`,
		`{topology: ring}`,
		`{url: "http://cache"}`,
		`{url: 5}`,
		`{url: [redis://a]}`,
		`{options: {pool_size: [1]}}`,
		`{options: {nested: {a: 1}}}`,
		`{options: {"bad name": 1}}`,
		`{options: "pool_size=20"}`,
	}
}

func compileSchema(t *testing.T) *jsonschema.Schema { return compile(t, "") }

// compileCaches compiles the schema's $defs/caches.
func compileCaches(t *testing.T) *jsonschema.Schema { return compile(t, "#/$defs/caches") }

// compile compiles the committed schema, or the part of it at fragment.
func compile(t *testing.T, fragment string) *jsonschema.Schema {
	t.Helper()
	f, err := os.Open(schemaPath)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	doc, err := jsonschema.UnmarshalJSON(f)
	if err != nil {
		t.Fatal(err)
	}
	c := jsonschema.NewCompiler()
	c.DefaultDraft(jsonschema.Draft2020)
	c.AssertFormat()
	if err := c.AddResource("cache.schema.json", doc); err != nil {
		t.Fatal(err)
	}
	s, err := c.Compile("cache.schema.json" + fragment)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// instance decodes a YAML document into the JSON value the validator takes.
func instance(t *testing.T, doc string) any {
	t.Helper()
	var v any
	if err := yaml.Unmarshal([]byte(doc), &v); err != nil {
		t.Fatalf("%s: %v", doc, err)
	}
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatalf("%s: %v", doc, err)
	}
	out, err := jsonschema.UnmarshalJSON(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func TestSchema(t *testing.T) {
	s := compileSchema(t)
	for _, doc := range acceptedValues() {
		if err := s.Validate(instance(t, doc)); err != nil {
			t.Errorf("accepted value %s is rejected:\n%v", doc, err)
		}
	}
	for _, doc := range rejectedValues() {
		if err := s.Validate(instance(t, doc)); err == nil {
			t.Errorf("bad value %s validates", doc)
		}
	}
	// The schema's $schema is draft 2020-12 and it is valid against it
	// (Compile checks it against the metaschema).
	b, _ := os.ReadFile(schemaPath)
	if !strings.Contains(string(b), `"$schema": "https://json-schema.org/draft/2020-12/schema"`) {
		t.Error("not a draft 2020-12 schema")
	}
}

// TestSchemaCaches checks $defs/caches, the map of named caches that an
// application's schema references.
func TestSchemaCaches(t *testing.T) {
	s := compileCaches(t)
	if err := s.Validate(instance(t, `{default: "redis://cache", Sessions: {url: "memcached://m", ttl: 60}}`)); err != nil {
		t.Errorf("caches: %v", err)
	}
	for _, bad := range []string{`{sessions: 5}`, `{sessions: {ttl: true}}`, `[redis://a]`} {
		if err := s.Validate(instance(t, bad)); err == nil {
			t.Errorf("caches %s validates", bad)
		}
	}
}
