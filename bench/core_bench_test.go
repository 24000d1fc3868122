package bench

import (
	"bufio"
	"encoding/json"
	"net/url"
	"os"
	"strings"
	"testing"

	"github.com/cacheurl/cacheurl/core"
	"github.com/redis/go-redis/v9"
)

var corpus = loadCorpus()

func loadCorpus() []string {
	f, err := os.Open("testdata/corpus.txt")
	if err != nil {
		panic(err)
	}
	defer f.Close()
	var out []string
	s := bufio.NewScanner(f)
	for s.Scan() {
		if line := strings.TrimSpace(s.Text()); line != "" {
			out = append(out, line)
		}
	}
	return out
}

// goRedisURLs are the corpus URLs that go-redis's ParseURL accepts.
func goRedisURLs() []string {
	var out []string
	for _, u := range corpus {
		if _, err := redis.ParseURL(u); err == nil {
			out = append(out, u)
		}
	}
	return out
}

var (
	sink    any
	sinkStr string
)

func TestCorpus(t *testing.T) {
	if len(corpus) < 2000 {
		t.Fatalf("corpus has %d URLs, want ≥ 2000", len(corpus))
	}
	families := map[core.Backend]int{}
	topologies := map[core.Topology]int{}
	netURLFails := 0
	for _, u := range corpus {
		c, err := core.Parse(u)
		if err != nil {
			t.Errorf("corpus URL %q: %v", u, err)
			continue
		}
		families[c.Backend]++
		topologies[c.Topology]++
		if _, err := url.Parse(u); err != nil {
			netURLFails++
		}
	}
	if len(families) != 7 || len(topologies) != 4 {
		t.Errorf("corpus covers %v and %v; want all 7 backends and 3 topologies", families, topologies)
	}
	t.Logf("%d URLs; families %v; net/url cannot parse %d; go-redis accepts %d", len(corpus), families, netURLFails, len(goRedisURLs()))
}

// BenchmarkParseCorpus: one op is the whole corpus.
func BenchmarkParseCorpus(b *testing.B) {
	b.Run("impl=core.Parse", func(b *testing.B) {
		b.ReportAllocs()
		for i := 0; i < b.N; i++ {
			for _, u := range corpus {
				c, _ := core.Parse(u)
				sinkStr = c.Scheme
			}
		}
		b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*len(corpus)), "ns/url")
	})
	b.Run("impl=net-url.Parse+Query", func(b *testing.B) {
		b.ReportAllocs()
		for i := 0; i < b.N; i++ {
			for _, u := range corpus {
				p, err := url.Parse(u)
				if err == nil {
					sink = p.Query()
				}
			}
		}
		b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*len(corpus)), "ns/url")
	})
}

// BenchmarkGoRedisURLs: one op is every corpus URL that go-redis accepts.
func BenchmarkGoRedisURLs(b *testing.B) {
	urls := goRedisURLs()
	b.Run("impl=core.Parse", func(b *testing.B) {
		b.ReportAllocs()
		for i := 0; i < b.N; i++ {
			for _, u := range urls {
				c, _ := core.Parse(u)
				sinkStr = c.Scheme
			}
		}
	})
	b.Run("impl=redis.ParseURL", func(b *testing.B) {
		b.ReportAllocs()
		for i := 0; i < b.N; i++ {
			for _, u := range urls {
				o, _ := redis.ParseURL(u)
				sink = o
			}
		}
	})
}

func parsedCorpus(b *testing.B) []core.Config {
	cs := make([]core.Config, 0, len(corpus))
	for _, u := range corpus {
		c, err := core.Parse(u)
		if err != nil {
			b.Fatal(err)
		}
		cs = append(cs, c)
	}
	return cs
}

// BenchmarkFormat: one op formats the whole corpus.
func BenchmarkFormat(b *testing.B) {
	cs := parsedCorpus(b)
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		for j := range cs {
			sinkStr = core.Format(cs[j])
		}
	}
	b.ReportMetric(float64(testing.AllocsPerRun(1, func() {
		for j := range cs {
			sinkStr = core.Format(cs[j])
		}
	}))/float64(len(cs)), "allocs/url")
}

// BenchmarkJSON: one op encodes the whole corpus.
func BenchmarkJSON(b *testing.B) {
	cs := parsedCorpus(b)
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		for j := range cs {
			sink, _ = json.Marshal(cs[j])
		}
	}
}
