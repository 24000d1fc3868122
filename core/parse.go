package core

import "strconv"

// MaxLength is the longest input Parse accepts, in bytes after trimming.
const MaxLength = 8192

// Parse parses a CACHE_URL. (Being written; see SPEC.md.)
func Parse(raw string) (Config, error) {
	return Config{}, newError(ErrMalformed, "", 0, 0, "not implemented yet")
}

func parseTimeout(s string) (TTL, string) { return TTL{}, "not implemented" }

func quoteShort(s string) string { return strconv.Quote(s) }
