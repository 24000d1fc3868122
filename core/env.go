package core

import (
	"errors"
	"io"
	"io/fs"
	"os"
	"sort"
	"strconv"
	"strings"
)

// DefaultEnv is the environment variable FromEnv reads by default.
const DefaultEnv = "CACHE_URL"

// DefaultURL is the URL FromEnv uses when the variable is unset or empty,
// as django-cache-url's config() does.
const DefaultURL = "locmem://"

// FileSuffix is the suffix of the variable that names a file holding the
// value of another variable: CACHE_URL_FILE for CACHE_URL, the convention of
// Docker and Kubernetes secrets.
const FileSuffix = "_FILE"

// MaxSecretFile is the largest file a _FILE variable may name, in bytes.
const MaxSecretFile = 64 << 10

// FromEnv is django-cache-url's config(env, default): it parses the
// environment variable name (DefaultEnv when name is ""), or def when the
// variable is unset or empty (DefaultURL when def is ""). The variable may
// also be given as a file with name_FILE, and the password with
// CACHE_PASSWORD[_FILE] (see [EnvURL] for the rules). Errors are
// [*EnvError]s naming the variable and wrapping the [*Error].
func FromEnv(name, def string) (Config, error) {
	if name == "" {
		name = DefaultEnv
	}
	if def == "" {
		def = DefaultURL
	}
	url, source, err := EnvURL(nil, name, def)
	if err != nil {
		return Config{}, err
	}
	return parseNamed(orName(source, name), url)
}

// FromEnvStrict is FromEnv without a default: an unset or empty variable
// (and no name_FILE) is an error matching [ErrNotSet] whose message says
// "CACHE_URL environment variable is not set".
func FromEnvStrict(name string) (Config, error) {
	if name == "" {
		name = DefaultEnv
	}
	url, source, err := EnvURL(nil, name, "")
	if err != nil {
		return Config{}, err
	}
	if url == "" {
		return Config{}, notSetError(name)
	}
	return parseNamed(source, url)
}

// EnvURL returns the URL that the environment gives for the variable name
// (DefaultEnv when ""), read with getenv (os.Getenv when nil), and source,
// the variable it came from (name, or name_FILE when it was read from a
// file). When neither name nor name_FILE is set, the URL is def and source
// is "" (def "" means no default: EnvURL returns "", "", nil).
//
// When the password variable of name is set (CACHE_PASSWORD or
// CACHE_PASSWORD_FILE for CACHE_URL; see below), the URL
// is parsed, given that password, and returned as its canonical form
// ([Format]); a URL that does not parse is returned as it is, for the
// caller's [Parse] to report. Errors are [*EnvError]s.
//
// EnvURL is the building block of the other environment functions, for
// programs that read the environment through their own function (a test's
// map, a CLI's injected getenv).
//
// The rules, shared by [FromEnv], [FromEnvStrict], [NamedFromEnv],
// [NamedEnvURLs], the koanf Env provider and the cacheurl command:
//
//   - A variable that is unset, empty or only whitespace is not set. A value
//     is used with its surrounding whitespace trimmed.
//   - <VAR>_FILE names a file whose content, surrounding whitespace trimmed,
//     is the value of <VAR> (CACHE_URL_FILE=/run/secrets/cache_url). <VAR>
//     and <VAR>_FILE both set is an error matching [ErrDuplicateParameter].
//     A file that cannot be read (missing, a directory, no permission) is an
//     error matching [ErrInvalidPath] and the file system's own error
//     (errors.Is(err, fs.ErrNotExist)); an empty file is an error matching
//     [ErrNotSet]; a file longer than [MaxSecretFile] matches [ErrTooLong].
//     These errors name the variable and the path, never the content.
//   - For CACHE_URL and every <NAME>_CACHE_URL (any variable whose name is
//     CACHE_URL or ends in _CACHE_URL), the password variable is the name
//     with CACHE_URL replaced by CACHE_PASSWORD (CACHE_PASSWORD,
//     SESSIONS_CACHE_PASSWORD), with its own _FILE twin. It gives the
//     password of a URL that has none; a URL that has a password too is an
//     error matching [ErrDuplicateParameter]. For redis over a unix socket,
//     where the URL carries the password as the password option, it sets
//     that option. Other variable names (REDIS_URL) have no password
//     variable.
func EnvURL(getenv func(string) string, name, def string) (url, source string, err error) {
	if getenv == nil {
		getenv = os.Getenv
	}
	if name == "" {
		name = DefaultEnv
	}
	url, source, err = envValue(getenv, name)
	if err != nil {
		return "", "", err
	}
	pwVar := PasswordEnv(name)
	var pw, pwSource string
	if pwVar != "" {
		if pw, pwSource, err = envValue(getenv, pwVar); err != nil {
			return "", "", err
		}
	}
	if url == "" {
		if def == "" {
			if pw != "" {
				return "", "", &EnvError{Var: name, Err: newError(ErrNotSet, "", 0, 0,
					name+" environment variable is not set, but "+pwSource+" is: set the URL too")}
			}
			return "", "", nil
		}
		url = def
	}
	if pw == "" {
		return url, source, nil
	}
	url, err = withPassword(url, orName(source, name), pw, pwSource)
	if err != nil {
		return "", "", err
	}
	return url, source, nil
}

// PasswordEnv returns the password variable of the URL variable name:
// CACHE_PASSWORD for CACHE_URL, <NAME>_CACHE_PASSWORD for
// <NAME>_CACHE_URL, and "" for any other name.
func PasswordEnv(name string) string {
	if name == DefaultEnv || strings.HasSuffix(name, "_"+DefaultEnv) {
		return strings.TrimSuffix(name, DefaultEnv) + "CACHE_PASSWORD"
	}
	return ""
}

// envValue returns the trimmed value of the variable name, or the trimmed
// content of the file that name_FILE names, and the variable it came from.
func envValue(getenv func(string) string, name string) (v, source string, err error) {
	v = strings.TrimSpace(getenv(name))
	fileVar := name + FileSuffix
	path := strings.TrimSpace(getenv(fileVar))
	switch {
	case path == "" && v == "":
		return "", "", nil
	case path == "":
		return v, name, nil
	case v != "":
		return "", "", &EnvError{Var: name, Err: newError(ErrDuplicateParameter, "", 0, 0,
			name+" and "+fileVar+" are both set; set one")}
	}
	v, err = readSecretFile(fileVar, path)
	if err != nil {
		return "", "", err
	}
	return v, fileVar, nil
}

// readSecretFile reads the file path that the variable fileVar names and
// returns its content, surrounding whitespace trimmed.
func readSecretFile(fileVar, path string) (string, error) {
	fail := func(kind *Kind, what string, cause error) error {
		return &EnvError{Var: fileVar, Path: path, cause: cause,
			Err: newError(kind, "", 0, 0, "the file "+quoteShort(path)+" "+what)}
	}
	f, err := os.Open(path)
	if err != nil {
		return "", fail(ErrInvalidPath, "cannot be read: "+fsReason(err), err)
	}
	defer f.Close()
	b, err := io.ReadAll(io.LimitReader(f, MaxSecretFile+1))
	if err != nil {
		return "", fail(ErrInvalidPath, "cannot be read: "+fsReason(err), err)
	}
	if len(b) > MaxSecretFile {
		return "", fail(ErrTooLong, "is longer than "+strconv.Itoa(MaxSecretFile)+" bytes", nil)
	}
	v := strings.TrimSpace(string(b))
	if v == "" {
		return "", fail(ErrNotSet, "is empty", nil)
	}
	return v, nil
}

// fsReason is the reason of a file system error without the path (the
// message adds it, quoted): "no such file or directory".
func fsReason(err error) string {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		err = pe.Err
	}
	return err.Error()
}

// withPassword gives url the password pw of the variable pwVar; urlVar is
// the variable of the URL, for messages.
func withPassword(url, urlVar, pw, pwVar string) (string, error) {
	c, err := Parse(url)
	if err != nil {
		return url, nil // the caller's Parse reports it
	}
	socketOption := len(c.Hosts) == 0 && c.Socket != "" && c.Backend == BackendRedis
	if c.Password != "" || (socketOption && c.Options["password"] != "") {
		return "", &EnvError{Var: pwVar, Err: newError(ErrDuplicateParameter, c.Redacted(), 0, 0,
			"the URL of "+urlVar+" has a password and "+pwVar+" is set; give the password once")}
	}
	if socketOption {
		c = c.clone()
		if c.Options == nil {
			c.Options = map[string]string{}
		}
		c.Options["password"] = pw
	} else {
		c.Password = pw
	}
	n, err := c.Normalize()
	if err != nil {
		return "", &EnvError{Var: pwVar, Err: err}
	}
	return Format(n), nil
}

func orName(source, name string) string {
	if source == "" {
		return name
	}
	return source
}

func notSetError(name string) error {
	return newError(ErrNotSet, "", 0, 0, name+" environment variable is not set")
}

// EnvError is an error from a named environment variable: the variable's
// name and the error (an [*Error], redacted). For a _FILE variable whose
// file cannot be read, Path is the file and the error also matches the file
// system's error (errors.Is(err, fs.ErrNotExist), errors.As to
// *fs.PathError).
type EnvError struct {
	// Var is the variable (CACHE_URL, CACHE_URL_FILE, CACHE_PASSWORD, ...).
	Var string
	// Cache is the named cache ("default", "sessions") for the errors of
	// [NamedFromEnv] and [NamedEnvURLs], "" otherwise.
	Cache string
	// Path is the file a _FILE variable names, when reading it failed.
	Path string
	// Err is the error, an [*Error].
	Err error

	cause error // the file system's error
}

func (e *EnvError) Error() string { return e.Var + ": " + e.Err.Error() }

// Unwrap returns Err, so errors.Is matches its kind.
func (e *EnvError) Unwrap() error { return e.Err }

// Is reports whether the file system's error matches target.
func (e *EnvError) Is(target error) bool { return e.cause != nil && errors.Is(e.cause, target) }

// As finds target in the file system's error.
func (e *EnvError) As(target any) bool { return e.cause != nil && errors.As(e.cause, target) }

func parseNamed(name, v string) (Config, error) {
	c, err := Parse(v)
	if err != nil {
		return Config{}, &EnvError{Var: name, Err: err}
	}
	return c, nil
}

// EnvCache is one cache of the environment, as [NamedEnvURLs] finds it.
type EnvCache struct {
	// Name is the cache: "default" or <name>, lower-cased.
	Name string
	// Var is the cache's URL variable (CACHE_URL, SESSIONS_CACHE_URL).
	Var string
	// Source is the variable the URL came from (Var, or Var_FILE), or ""
	// when the URL is the default.
	Source string
	// URL is the URL, with the password of the password variable put in.
	URL string
}

// NamedEnvURLs finds the named caches in environ (in the form of
// os.Environ; nil means os.Environ(); of a repeated variable the last one
// counts): name (DefaultEnv when "") is the cache "default", and every
// <NAME>_<name> the cache "<name>", lower-cased. A cache is there when its
// URL variable, its _FILE twin or its password variable (for the
// CACHE_URL family) is set; the cache "default" is always there, with the
// URL def when it is not set (or, when def is "", an error matching
// [ErrNotSet]). A cache other than "default" with a password but no URL is
// an error matching [ErrNotSet]. Two variables naming one cache
// (FOO_CACHE_URL and foo_CACHE_URL) are an error matching
// [ErrDuplicateParameter]. Each URL is read as [EnvURL] reads it. The caches
// are in the order of their variables' names; the first error in that
// order is returned, an [*EnvError] with Cache set.
func NamedEnvURLs(environ []string, name, def string) ([]EnvCache, error) {
	var out []EnvCache
	err := namedEnv(environ, name, def, func(e EnvCache) error {
		out = append(out, e)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// namedEnv calls each for the caches of NamedEnvURLs in order, and stops at
// the first error, its own or that of each, an *EnvError with Cache set.
func namedEnv(environ []string, name, def string, each func(EnvCache) error) error {
	if environ == nil {
		environ = os.Environ()
	}
	if name == "" {
		name = DefaultEnv
	}
	values := make(map[string]string, 8)
	for _, kv := range environ {
		if k, v, ok := strings.Cut(kv, "="); ok {
			values[k] = v
		}
	}
	getenv := func(k string) string { return values[k] }
	suffix := "_" + name
	pwName := PasswordEnv(name)
	// urlVars maps each cache to the URL variables that name it.
	urlVars := map[string]map[string]bool{}
	for k, v := range values {
		if strings.TrimSpace(v) == "" {
			continue
		}
		base := strings.TrimSuffix(k, FileSuffix)
		var urlVar string
		switch {
		case base == name || (strings.HasSuffix(base, suffix) && len(base) > len(suffix)):
			urlVar = base
		case pwName != "" && (base == pwName || (strings.HasSuffix(base, "_"+pwName) && len(base) > len(pwName)+1)):
			urlVar = strings.TrimSuffix(base, pwName) + name
		default:
			continue
		}
		cache := "default"
		if urlVar != name {
			cache = strings.ToLower(strings.TrimSuffix(urlVar, suffix))
		}
		if urlVars[cache] == nil {
			urlVars[cache] = map[string]bool{}
		}
		urlVars[cache][urlVar] = true
	}
	if urlVars["default"] == nil {
		urlVars["default"] = map[string]bool{name: true}
	}
	// Each cache comes in the order of its variable; a cache named twice
	// comes where its second variable does, as the error it is.
	type entry struct {
		cache string
		vars  []string
	}
	entries := make([]entry, 0, len(urlVars))
	for cache, set := range urlVars {
		vars := make([]string, 0, len(set))
		for v := range set {
			vars = append(vars, v)
		}
		sort.Strings(vars)
		entries = append(entries, entry{cache, vars})
	}
	key := func(e entry) string { return e.vars[min(1, len(e.vars)-1)] }
	sort.Slice(entries, func(i, j int) bool { return key(entries[i]) < key(entries[j]) })
	for _, e := range entries {
		if len(e.vars) > 1 {
			return &EnvError{Var: e.vars[1], Cache: e.cache, Err: newError(ErrDuplicateParameter, "", 0, 0,
				"cache "+quoteShort(e.cache)+" is set by both "+e.vars[0]+" and "+e.vars[1])}
		}
		urlVar := e.vars[0]
		d := ""
		if e.cache == "default" {
			d = def
		}
		url, source, err := EnvURL(getenv, urlVar, d)
		if err == nil && url == "" {
			err = &EnvError{Var: urlVar, Err: notSetError(urlVar)}
		}
		if err == nil {
			err = each(EnvCache{Name: e.cache, Var: urlVar, Source: source, URL: url})
		}
		if err != nil {
			var ee *EnvError
			if errors.As(err, &ee) {
				ee.Cache = e.cache
			}
			return err
		}
	}
	return nil
}

// NamedFromEnv reads the named caches from environ (in the form of
// os.Environ; nil means os.Environ()): CACHE_URL is the cache "default"
// (DefaultURL when unset or empty) and every <NAME>_CACHE_URL is the cache
// "<name>", lower-cased, each also as a _FILE and with a
// <NAME>_CACHE_PASSWORD[_FILE] (see [NamedEnvURLs] and [EnvURL] for the
// rules). Two variables naming one cache (FOO_CACHE_URL and foo_CACHE_URL)
// are an error. Variables that are set but empty are skipped. The first bad
// URL, in variable-name order, is returned as an *EnvError.
func NamedFromEnv(environ []string) (map[string]Config, error) {
	out := map[string]Config{}
	err := namedEnv(environ, DefaultEnv, DefaultURL, func(e EnvCache) error {
		c, err := parseNamed(orName(e.Source, e.Var), e.URL)
		out[e.Name] = c
		return err
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}
