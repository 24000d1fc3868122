// Package readme keeps the project's user documentation honest: README.md
// and the topic files in docs/ that it lists ([Docs]). Its test checks that
//
//   - every ```go block is a complete program, identical to a snippet in
//     internal/readme/snippets/<name>/main.go (the line
//     "<!-- snippet: <name> -->" before the block names it), so it
//     compiles with the module and can be pasted as it is;
//   - every ```console transcript prints what it says: each "$ go run ."
//     runs the snippet above it, each "$ cacheurl ..." (or
//     "$ go run ./cmd/cacheurl ...") runs the command, against real
//     redis-server and memcached processes and scripted servers standing in
//     for the documented addresses (see addrs_test.go); durations, latencies and
//     server versions are compared as placeholders;
//   - README.md stays short (at most [MaxREADMELines] lines), its table of
//     contents matches its sections, and every relative link points at a
//     file of the repository (or one of [Pending]).
//
// A transcript line may set variables (export K=V, or K=V before the
// command) and end with "; echo $?" to show the exit status.
package readme

// Docs are the files checked, relative to the repository root.
var Docs = []string{
	"README.md",
	"docs/cli.md",
	"docs/clients.md",
	"docs/django.md",
	"docs/environment.md",
	"docs/errors.md",
	"docs/decisions.md",
	"docs/packages.md",
	"docs/testing.md",
	"docs/structured.md",
	"docs/grammar.md",
	"docs/schema.md",
	"docs/libraries.md",
	"docs/cache.md",
}

// Pending are documents the README may link to before they exist (another
// branch writes them); a link to one of them is accepted while the file is
// missing. Every document exists today, so the list is empty.
var Pending = []string{}

// MaxREADMELines bounds README.md: everything else lives in docs/. It is
// "about 300": the README holds one tested program per integration (the
// koanf one layers three sources and reloads into a new instance) and the
// tables users look for.
const MaxREADMELines = 320
