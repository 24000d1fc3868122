// Package vectors loads the reference test vectors: the JSON files in
// core/testdata/vectors (see the README.md there for their provenance and
// fields), cases taken from django-cache-url with the verdict for each.
//
// It imports only the standard library (not core), so core's own tests can
// use it as well as the fuzz and CLI tests.
package vectors

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
)

// Vector is one case of a vector file.
type Vector struct {
	// Source says where the case comes from (reference-suite.json only).
	Source string `json:"source"`
	// URL is the input.
	URL string `json:"url"`
	// Reference is django-cache-url's parse() output, when it accepted URL.
	Reference json.RawMessage `json:"reference"`
	// ReferenceError is the reference's exception, when it raised.
	ReferenceError string `json:"reference_error"`
	// Django is the expected Django view where it differs from Reference (a
	// documented fix).
	Django json.RawMessage `json:"django"`
	// Verdict is "match", "fix" or "reject".
	Verdict string `json:"verdict"`
	// Config is the expected structured form, where recorded.
	Config json.RawMessage `json:"config"`
	// File is the base name of the file the case is in.
	File string `json:"-"`
}

// Load reads every *.json file of dir, in file-name order, and returns their
// cases in order, each with File set.
func Load(dir string) ([]Vector, error) {
	files, err := filepath.Glob(filepath.Join(dir, "*.json"))
	if err != nil {
		return nil, err
	}
	if len(files) == 0 {
		return nil, errors.New("vectors: no *.json files in " + dir)
	}
	sort.Strings(files)
	var all []Vector
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			return nil, err
		}
		var vs []Vector
		if err := json.Unmarshal(data, &vs); err != nil {
			return nil, fmt.Errorf("vectors: %s: %w", f, err)
		}
		for i := range vs {
			vs[i].File = filepath.Base(f)
		}
		all = append(all, vs...)
	}
	return all, nil
}

// ByFile groups vs by File, keeping their order.
func ByFile(vs []Vector) map[string][]Vector {
	out := map[string][]Vector{}
	for _, v := range vs {
		out[v.File] = append(out[v.File], v)
	}
	return out
}

// URLs returns the distinct URLs of vs, sorted.
func URLs(vs []Vector) []string {
	seen := map[string]bool{}
	var out []string
	for _, v := range vs {
		if !seen[v.URL] {
			seen[v.URL] = true
			out = append(out, v.URL)
		}
	}
	sort.Strings(out)
	return out
}
