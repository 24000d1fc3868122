// Package readme keeps README.md in step with its sections: the
// integration sections live in docs/readme/*.md (next to the tests that
// check them), and README.md holds them, in a fixed order, between two
// markers. Its test fails when README.md is out of date; run
//
//	go test ./internal/readme -update
//
// to rewrite README.md.
package readme

// Sections are the files of docs/readme, in README order.
var Sections = []string{
	"koanf.md",
	"viper.md",
	"clients-redis.md",
	"clients-memcached-lru.md",
	"cli.md",
	"django-differences.md",
	"testing.md",
	"benchmarks.md",
}

// The markers around the generated part of README.md.
const (
	Begin = "<!-- begin sections: generated from docs/readme by `go test ./internal/readme -update` -->"
	End   = "<!-- end sections -->"
)
