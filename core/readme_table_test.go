package core

import (
	"fmt"
	"os"
	"strings"
	"testing"
)

// schemeTableMarkdown renders the README's scheme table from the table.
func schemeTableMarkdown() string {
	var b strings.Builder
	b.WriteString("| scheme | backend | TLS | topology | default port | from | Django view | notes |\n")
	b.WriteString("|---|---|---|---|---|---|---|---|\n")
	for _, s := range schemes {
		tls, topo, port, dj := "", string(s.Topology), "", s.DjangoScheme
		if s.TLS {
			tls = "yes"
		}
		if s.DefaultPort != 0 {
			port = fmt.Sprint(s.DefaultPort)
		}
		if dj == "" {
			dj = "– (not expressible)"
		} else {
			dj = "`" + dj + "` → `" + s.DjangoBackend + "`"
		}
		fmt.Fprintf(&b, "| `%s` | %s | %s | %s | %s | %s | %s | %s |\n", s.Name, s.Backend, tls, topo, port, s.Dialect, dj, s.Note)
	}
	return b.String()
}

// TestREADMESchemeTable keeps the README's scheme table generated from the
// scheme table (the one source of truth, as dburl's gen.go does).
func TestREADMESchemeTable(t *testing.T) {
	readme, err := os.ReadFile("../README.md")
	if err != nil {
		t.Skip("no README.md")
	}
	want := schemeTableMarkdown()
	if !strings.Contains(string(readme), want) {
		t.Errorf("README.md's scheme table is out of date; replace it with:\n%s", want)
	}
}
