package core

// The methods that make *Config a command-line flag and a decoder target of
// configuration libraries beyond encoding.TextUnmarshaler:
//
//   - flag.Value (Set, and String from Config, redacted), so that
//     flag.Var(&cfg, "cache-url", "...") works;
//   - pflag.Value (Set, String and Type), for spf13/pflag and cobra;
//   - github.com/sethvargo/go-envconfig's Decoder (EnvDecode), which that
//     library consults before UnmarshalText, so that its errors are
//     cacheurl's own.
//
// None of them imports anything: they are plain methods.

// errNilConfig is the error of decoding into a nil *Config, as libraries do
// with a pointer field they have not allocated.
func errNilConfig() error {
	return newError(ErrInvalidParameter, "", 0, 0,
		"cannot decode into a nil *core.Config: allocate it first (new(core.Config))")
}

// Set implements flag.Value (and pflag.Value): it parses s with [Parse] and
// stores the result in c; on error c is unchanged. The flag's String is
// [Config.String], the redacted URL, so -help never shows a password (nor
// does flag.TextVar's, which shows [Config.MarshalText], redacted too).
// Note that the flag packages themselves echo the raw value in their own
// error ("invalid value \"redis://:pw@...\" for flag -cache-url"): give the
// password from a _FILE secret or CACHE_PASSWORD, not in a flag.
func (c *Config) Set(s string) error {
	if c == nil {
		return errNilConfig()
	}
	return c.UnmarshalText([]byte(s))
}

// Type implements pflag.Value: the flag's value type shown in help, "url".
func (c *Config) Type() string { return "url" }

// EnvDecode implements github.com/sethvargo/go-envconfig's Decoder: it is
// [Config.Set], so that the library reports cacheurl's error (it would
// otherwise try UnmarshalJSON after UnmarshalText and report that error).
func (c *Config) EnvDecode(val string) error { return c.Set(val) }
