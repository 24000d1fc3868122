package core

// KeyType is the value type of a structured key.
type KeyType uint8

// The key types of the structured layout.
const (
	KeyString  KeyType = iota + 1 // a string (scheme, master, username, password, key_prefix, ...)
	KeyBool                       // tls
	KeyInt                        // db, version, max_entries, cull_frequency
	KeyTTL                        // ttl: seconds, a Go duration of whole seconds, or never
	KeyHosts                      // hosts: a list of "host:port" strings
	KeyOptions                    // options: a map of option names to string values
)

// String returns the JSON Schema type name of t.
func (t KeyType) String() string {
	switch t {
	case KeyString:
		return "string"
	case KeyBool:
		return "boolean"
	case KeyInt:
		return "integer"
	case KeyTTL:
		return "ttl"
	case KeyHosts:
		return "hosts"
	case KeyOptions:
		return "options"
	}
	return "invalid"
}

// Key describes one key of the structured layout of a [Config]: the single
// table that drives the structured merge, the koanf key emitter, the JSON
// layout, key suggestions and the JSON Schema. The table is in field order.
type Key struct {
	// Name is the snake_case key, as in the struct tags.
	Name string
	// Field is the Go field name in Config.
	Field string
	// Type is the value type.
	Type KeyType
	// Location is true for the keys that say where the cache is (hosts,
	// socket, path): giving any of them replaces all three together.
	Location bool
	// Derived is true for keys the scheme determines (backend, tls,
	// topology): an explicit value must agree with the scheme.
	Derived bool
	// Secret is true for keys whose value is a credential.
	Secret bool
	// FromURL is true for the keys a URL always sets, given or not (the
	// scheme and what it derives, the location, master and db): when
	// sources are layered, a later source's URL replaces an earlier
	// source's value of such a key even where the URL does not carry it.
	// The other keys a later URL replaces only when it carries them.
	FromURL bool
	// Doc is a one-line description.
	Doc string
}

var keys = []Key{
	{Name: "scheme", Field: "Scheme", Type: KeyString, FromURL: true, Doc: "URL scheme; selects the backend, TLS and topology"},
	{Name: "backend", Field: "Backend", Type: KeyString, Derived: true, FromURL: true, Doc: "cache family (derived from the scheme)"},
	{Name: "tls", Field: "TLS", Type: KeyBool, Derived: true, FromURL: true, Doc: "TLS (derived from the scheme)"},
	{Name: "topology", Field: "Topology", Type: KeyString, Derived: true, FromURL: true, Doc: "standalone, sentinel or cluster (derived from the scheme)"},
	{Name: "master", Field: "Master", Type: KeyString, FromURL: true, Doc: "sentinel master name"},
	{Name: "hosts", Field: "Hosts", Type: KeyHosts, Location: true, FromURL: true, Doc: "host:port addresses"},
	{Name: "socket", Field: "Socket", Type: KeyString, Location: true, FromURL: true, Doc: "unix socket path"},
	{Name: "path", Field: "Path", Type: KeyString, Location: true, FromURL: true, Doc: "file cache directory, or the locmem/db/dummy/uwsgi name"},
	{Name: "username", Field: "Username", Type: KeyString, Doc: "user name"},
	{Name: "password", Field: "Password", Type: KeyString, Secret: true, Doc: "password"},
	{Name: "db", Field: "DB", Type: KeyInt, FromURL: true, Doc: "redis database number"},
	{Name: "ttl", Field: "TTL", Type: KeyTTL, Doc: "default expiry (Django TIMEOUT): seconds, a duration, or never"},
	{Name: "key_prefix", Field: "KeyPrefix", Type: KeyString, Doc: "key prefix (Django KEY_PREFIX)"},
	{Name: "version", Field: "Version", Type: KeyInt, Doc: "default key version (Django VERSION)"},
	{Name: "key_function", Field: "KeyFunction", Type: KeyString, Doc: "dotted path of a Django key function"},
	{Name: "max_entries", Field: "MaxEntries", Type: KeyInt, Doc: "entry limit (Django MAX_ENTRIES)"},
	{Name: "cull_frequency", Field: "CullFrequency", Type: KeyInt, Doc: "fraction culled when full (Django CULL_FREQUENCY)"},
	{Name: "lib", Field: "Lib", Type: KeyString, Doc: "redis library: redis-cache or django-redis"},
	{Name: "options", Field: "Options", Type: KeyOptions, Doc: "other parameters for the client, names lower-cased"},
}

// Keys returns the key table of the structured layout, in field order.
func Keys() []Key { return append([]Key(nil), keys...) }
