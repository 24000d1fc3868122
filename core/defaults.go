package core

import "time"

// Django's defaults for the cache arguments a URL may leave out, the
// values a Django service uses for the same URL. The packages that run a
// cache (package cache, the clients) take them from here.
const (
	// DefaultTimeout is Django's default TIMEOUT: the expiry of an entry
	// when neither the call nor the URL gives one.
	DefaultTimeout = 300 * time.Second
	// DefaultMaxEntries is Django's default MAX_ENTRIES: the capacity of an
	// in-process (locmem), file or database cache.
	DefaultMaxEntries = 300
	// DefaultCullFrequency is Django's default CULL_FREQUENCY: a full
	// locmem, file or database cache drops 1/3 of its entries.
	DefaultCullFrequency = 3
	// DefaultVersion is Django's default VERSION, the version part of a
	// made key ("<key_prefix>:<version>:<key>").
	DefaultVersion = 1
)

// OrDefault returns t when it is set, and otherwise [DefaultTimeout] as a
// TTL: the expiry Django uses for a cache whose URL has no timeout.
func (t TTL) OrDefault() TTL {
	if t.IsSet() {
		return t
	}
	return TTLSeconds(int64(DefaultTimeout / time.Second))
}

// MaxEntriesOrDefault returns c's max_entries, or [DefaultMaxEntries] when
// the URL gives none.
func (c Config) MaxEntriesOrDefault() int {
	if c.MaxEntries != nil {
		return *c.MaxEntries
	}
	return DefaultMaxEntries
}

// VersionOrDefault returns c's version, or [DefaultVersion] when the URL
// gives none.
func (c Config) VersionOrDefault() int {
	if c.Version != nil {
		return *c.Version
	}
	return DefaultVersion
}
