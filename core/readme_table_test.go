package core

import (
	"fmt"
	"os"
	"strings"
	"testing"
)

// schemeListMarkdown renders the README's short scheme list: the schemes
// of each backend, in table order.
func schemeListMarkdown() string {
	var b strings.Builder
	var order []Backend
	by := map[Backend][]string{}
	for _, s := range schemes {
		if by[s.Backend] == nil {
			order = append(order, s.Backend)
		}
		by[s.Backend] = append(by[s.Backend], "`"+s.Name+"`")
	}
	for _, be := range order {
		fmt.Fprintf(&b, "| %s | %s |\n", be, strings.Join(by[be], " "))
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
	want := schemeListMarkdown()
	if !strings.Contains(string(readme), want) {
		t.Errorf("README.md's scheme list is out of date; replace it with:\n%s", want)
	}
}
