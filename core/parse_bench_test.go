package core

import "testing"

var benchScheme string

// BenchmarkParse is per-URL shapes; the corpus benchmarks against net/url
// and go-redis are in ../bench.
func BenchmarkParse(b *testing.B) {
	for _, u := range []string{
		"locmem://",
		"redis://cache/3",
		"redis://cache:6379/3",
		"redis://:s3cret842@10.0.0.7/11",
		"redis://localhost/1?max_retries=3",
		"memcached://a:11211,b:11211,c",
		"redis://:pw@cache:6379/1?key_prefix=app&timeout=5m&version=2",
	} {
		b.Run(u, func(b *testing.B) {
			b.ReportAllocs()
			for i := 0; i < b.N; i++ {
				c, _ := Parse(u)
				benchScheme = c.Scheme
			}
		})
	}
}
