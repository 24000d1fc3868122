package core

import (
	"os"
	"strings"
	"testing"
)

// schemeListMarkdown renders the README's scheme list: the schemes of each
// backend, in table order, as a paragraph wrapped at 100 columns.
func schemeListMarkdown() string {
	var order []Backend
	by := map[Backend][]string{}
	for _, s := range schemes {
		if by[s.Backend] == nil {
			order = append(order, s.Backend)
		}
		by[s.Backend] = append(by[s.Backend], "`"+s.Name+"`")
	}
	var words []string
	words = append(words, "The", "schemes:")
	for i, be := range order {
		words = append(words, string(be)+":")
		names := by[be]
		for j, n := range names {
			if j == len(names)-1 {
				if i == len(order)-1 {
					n += "."
				} else {
					n += ";"
				}
			}
			words = append(words, n)
		}
	}
	var b strings.Builder
	line := 0
	for i, w := range words {
		if i > 0 {
			if line+1+len(w) > 100 {
				b.WriteString("\n")
				line = 0
			} else {
				b.WriteString(" ")
				line++
			}
		}
		b.WriteString(w)
		line += len(w)
	}
	b.WriteString("\n")
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
