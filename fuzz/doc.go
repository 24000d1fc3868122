// Package fuzz holds the property-based tests (github.com/leanovate/gopter)
// and the native Go fuzz targets for the CACHE_URL grammar of package core
// (docs/grammar.md: Parse(Format(c)) == c for every valid structured value,
// Format(Parse(u)) is a fixed point, Parse never panics and never puts a
// password into an error message, and every printed form is redacted).
//
// The package has no API: everything is in its _test.go files.
//
//   - props_test.go: gopter properties over generated canonical configs
//     (gen_test.go has the generators, generators_test.go checks what they
//     cover), at least 10,000 cases each.
//   - fuzz_test.go: FuzzParse, FuzzStructured and FuzzDjango, seeded from
//     the reference vectors in core/testdata/vectors and from the committed
//     corpus in testdata/fuzz/FuzzParse; testdata/fuzz/*/regress-* are
//     inputs that failed once, kept as regression seeds.
//   - djangoref_test.go: FuzzDjangoReference and TestDjangoReferenceProperty,
//     the differential test of the Django view: for every URL core accepts,
//     it equals what django-cache-url returns (the model in
//     internal/djangoref) but for the deliberate fixes of docs/django.md,
//     which an oracle of its own applies to the input and the output.
//   - leak_test.go: FuzzLeak, the independent leak oracle: its input is the
//     parts of a URL, so the password is known by construction, and no
//     surface (errors, printed forms, slog, JSON, koanf and viper errors)
//     may show it.
//
// Run the properties and the seed corpora with
//
//	go test ./fuzz
//
// and a fuzz target for a bounded time with
//
//	go test -run='^$' -fuzz='^FuzzParse$' -fuzztime=30s -fuzzminimizetime=5s ./fuzz
//
// The committed seed corpus (one file per vector URL, named vector-<hash>)
// is checked by TestSeedCorpus and rewritten from the vectors with
//
//	go test -run='^TestSeedCorpus$' ./fuzz -gen-corpus
package fuzz

//go:generate go test -run=^TestSeedCorpus$ . -gen-corpus
