package django

import (
	"context"
	"time"

	"github.com/cacheurl/cacheurl/cache"
)

// SessionEngine is a Django SESSION_ENGINE that keeps sessions in a cache
// (the one of SESSION_CACHE_ALIAS, "default" unless set).
type SessionEngine string

// The session engines whose sessions a [Cache] reads.
const (
	// CacheSessions keeps each session in the cache only, under
	// "django.contrib.sessions.cache" + the session key.
	CacheSessions SessionEngine = "django.contrib.sessions.backends.cache"
	// CachedDBSessions writes each session to the database and the cache,
	// under "django.contrib.sessions.cached_db" + the session key, and
	// reads the database when the cache misses.
	CachedDBSessions SessionEngine = "django.contrib.sessions.backends.cached_db"
)

// sessionPrefix is the engine's KEY_PREFIX (its cache_key_prefix).
func (e SessionEngine) sessionPrefix() (string, bool) {
	switch e {
	case CacheSessions:
		return "django.contrib.sessions.cache", true
	case CachedDBSessions:
		return "django.contrib.sessions.cached_db", true
	}
	return "", false
}

// SessionKey returns the cache key under which the engine keeps the
// session sessionKey (the session cookie's value), before the cache makes
// it with its KEY_PREFIX and VERSION: "django.contrib.sessions.cache" or
// "django.contrib.sessions.cached_db" followed by the session key, as
// Django's SessionStore.cache_key. It reports false for another engine.
func (e SessionEngine) SessionKey(sessionKey string) (string, bool) {
	p, ok := e.sessionPrefix()
	return p + sessionKey, ok
}

// Session reads the session that Django's session engine keeps in this
// cache under sessionKey (the value of the session cookie), as the
// engine's SessionStore.load reads it from the cache: the session's dict
// (the data a view put in request.session, and Django's own keys such as
// "_auth_user_id"). The cache must be the one of Django's
// SESSION_CACHE_ALIAS.
//
// A session that is not in the cache is [cache.ErrNotFound]; so is a
// session key Django would not accept (shorter than 8 characters), without
// a round trip. Django's cached_db engine then reads its database, which
// this does not: a miss there means "ask Django, or the database". A value
// under the session's key that is not a dict with str keys is an error of
// kind [ErrType]. The messages never quote the session key, a credential
// (only package cache's invalid-key error quotes a key, one memcached
// cannot store, which no session key Django makes is).
func (c *Cache) Session(ctx context.Context, engine SessionEngine, sessionKey string) (map[string]any, error) {
	key, ok := engine.SessionKey(sessionKey)
	if !ok {
		return nil, newErr(ErrUnsupported, "session engine %s keeps no sessions in a cache; want %s or %s", short(string(engine)), CacheSessions, CachedDBSessions)
	}
	// SessionBase._validate_session_key: a key of fewer than 8 characters
	// is no session.
	if len(sessionKey) < 8 {
		return nil, cache.ErrNotFound
	}
	v, err := c.Get(ctx, key)
	if err != nil {
		return nil, err
	}
	m, ok := v.(map[string]any)
	if !ok {
		return nil, c.codec.opError("session", newErr(ErrType, "the value under the session's key is a %s, not a session (a dict with str keys)", valueTypeName(v)))
	}
	return m, nil
}

// valueTypeName is the Python type of a decoded value, for a message.
func valueTypeName(v any) string {
	switch v.(type) {
	case []any:
		return "list"
	case Tuple:
		return "tuple"
	case Dict:
		return "dict with keys that are not all str"
	case Set:
		return "set"
	case FrozenSet:
		return "frozenset"
	case time.Time, DateTime:
		return "datetime.datetime"
	}
	return typeName(v)
}
