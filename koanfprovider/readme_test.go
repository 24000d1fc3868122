package koanfprovider_test

import (
	"bufio"
	"os"
	"strings"
	"testing"

	"github.com/knadh/koanf/v2"

	"github.com/cacheurl/cacheurl/koanfprovider"
)

const readmePath = "../docs/koanf.md"

// readmeBlocks returns the fenced blocks of the README section: the block
// after each "`name`:" line by that name, and the others by their language.
func readmeBlocks(t *testing.T) map[string][]string {
	t.Helper()
	b, err := os.ReadFile(readmePath)
	if err != nil {
		t.Fatal(err)
	}
	blocks := map[string][]string{}
	var (
		label, name string
		body        strings.Builder
		in          bool
	)
	sc := bufio.NewScanner(strings.NewReader(string(b)))
	for sc.Scan() {
		line := sc.Text()
		switch {
		case !in && strings.HasPrefix(line, "```"):
			in, name = true, strings.TrimPrefix(line, "```")
			if label != "" {
				name, label = label, ""
			}
			body.Reset()
		case in && line == "```":
			in = false
			blocks[name] = append(blocks[name], body.String())
		case in:
			body.WriteString(line + "\n")
		case strings.HasPrefix(line, "`") && strings.HasSuffix(line, "`:"):
			label = strings.TrimSuffix(strings.TrimPrefix(line, "`"), "`:")
		case strings.TrimSpace(line) != "":
			label = ""
		}
	}
	return blocks
}

// TestReadme checks the guide's error block: the errors shown are the
// errors the providers return. (The README's program and transcript are
// checked by internal/readme.)
func TestReadme(t *testing.T) {
	blocks := readmeBlocks(t)
	t.Run("errors", func(t *testing.T) {
		if len(blocks["text"]) != 1 {
			t.Fatalf("want one text block of errors, have %d", len(blocks["text"]))
		}
		expand := func(kv ...any) error {
			k := koanf.New(".")
			for i := 0; i < len(kv); i += 2 {
				if err := k.Set(kv[i].(string), kv[i+1]); err != nil {
					t.Fatal(err)
				}
			}
			_, err := koanfprovider.Expand(k, koanfprovider.Opt{}).Read()
			return err
		}
		_, envErr := koanfprovider.Env(".", koanfprovider.Opt{Strict: true, EnvironFunc: environ()}).Read()
		errs := []error{
			expand("cache.url", "redis://:s3cr3t@cache:0/1"),
			expand("cache.url", "redis://h", "cache.ttl", "1500ms"),
			expand("cache.url", "redis://:s3cr3t@cache/0", "cache.backend", "memcached"),
			envErr,
		}
		lines := strings.Split(strings.TrimSuffix(blocks["text"][0], "\n"), "\n")
		if len(lines) != len(errs) {
			t.Fatalf("%d error lines, want %d", len(lines), len(errs))
		}
		for i, err := range errs {
			if err == nil || err.Error() != lines[i] {
				t.Errorf("error %d:\n got %v\nwant %s", i, err, lines[i])
			}
		}
	})

}
