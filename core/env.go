package core

import (
	"os"
	"sort"
	"strings"
)

// DefaultEnv is the environment variable FromEnv reads by default.
const DefaultEnv = "CACHE_URL"

// DefaultURL is the URL FromEnv uses when the variable is unset or empty,
// as django-cache-url's config() does.
const DefaultURL = "locmem://"

// FromEnv is django-cache-url's config(env, default): it parses the
// environment variable name (DefaultEnv when name is ""), or def when the
// variable is unset or empty (DefaultURL when def is ""). Errors name the
// variable and wrap the parse error.
func FromEnv(name, def string) (Config, error) {
	if name == "" {
		name = DefaultEnv
	}
	if def == "" {
		def = DefaultURL
	}
	v := os.Getenv(name)
	if strings.TrimSpace(v) == "" {
		v = def
	}
	return parseNamed(name, v)
}

// FromEnvStrict is FromEnv without a default: an unset or empty variable is
// an error matching [ErrNotSet] whose message says
// "CACHE_URL environment variable is not set".
func FromEnvStrict(name string) (Config, error) {
	if name == "" {
		name = DefaultEnv
	}
	v := os.Getenv(name)
	if strings.TrimSpace(v) == "" {
		return Config{}, newError(ErrNotSet, "", 0, 0, name+" environment variable is not set")
	}
	return parseNamed(name, v)
}

// EnvError is an error from a named environment variable: the variable's
// name and the parse error (an [*Error], redacted).
type EnvError struct {
	Var string
	Err error
}

func (e *EnvError) Error() string { return e.Var + ": " + e.Err.Error() }
func (e *EnvError) Unwrap() error { return e.Err }

func parseNamed(name, v string) (Config, error) {
	c, err := Parse(v)
	if err != nil {
		return Config{}, &EnvError{Var: name, Err: err}
	}
	return c, nil
}

// NamedFromEnv reads the named caches of SPEC.md §6 from environ (in the
// form of os.Environ; nil means os.Environ()): CACHE_URL is the cache
// "default" (DefaultURL when unset or empty) and every <NAME>_CACHE_URL is
// the cache "<name>", lower-cased. Two variables naming one cache
// (FOO_CACHE_URL and foo_CACHE_URL) are an error. Variables that are set but
// empty are skipped. The first bad URL, in variable-name order, is returned
// as an *EnvError.
func NamedFromEnv(environ []string) (map[string]Config, error) {
	if environ == nil {
		environ = os.Environ()
	}
	vars := map[string]string{}
	for _, kv := range environ {
		k, v, ok := strings.Cut(kv, "=")
		if !ok {
			continue
		}
		if k == DefaultEnv || (strings.HasSuffix(k, "_"+DefaultEnv) && len(k) > len(DefaultEnv)+1) {
			vars[k] = v
		}
	}
	keys := make([]string, 0, len(vars))
	for k := range vars {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	out := make(map[string]Config, len(keys)+1)
	from := map[string]string{}
	for _, k := range keys {
		v := vars[k]
		name := "default"
		if k != DefaultEnv {
			name = strings.ToLower(strings.TrimSuffix(k, "_"+DefaultEnv))
		}
		if strings.TrimSpace(v) == "" {
			continue
		}
		if prev, dup := from[name]; dup {
			return nil, &EnvError{Var: k, Err: newError(ErrDuplicateParameter, "", 0, 0,
				"cache "+quoteShort(name)+" is set by both "+prev+" and "+k)}
		}
		c, err := parseNamed(k, v)
		if err != nil {
			return nil, err
		}
		from[name] = k
		out[name] = c
	}
	if _, ok := out["default"]; !ok {
		c, err := Parse(DefaultURL)
		if err != nil {
			return nil, err
		}
		out["default"] = c
	}
	return out, nil
}
