package core

// Format returns the canonical URL of c. (Being written.)
func Format(c Config) string { return c.Scheme + "://" }
