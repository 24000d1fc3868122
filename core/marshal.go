package core

import (
	"encoding/json"
	"strconv"
	"strings"
)

// MarshalText implements [encoding.TextMarshaler] as the redacted canonical
// URL ([Config.Redacted] of the normalised config), so that flag -help
// defaults and YAML or TOML encoders never show a secret. It fails when c is
// not a valid config. For the URL with its secrets use [Format] or
// Reveal(c).MarshalText.
func (c Config) MarshalText() ([]byte, error) {
	n, err := c.Normalize()
	if err != nil {
		return nil, err
	}
	return []byte(n.Redacted()), nil
}

// UnmarshalText implements [encoding.TextUnmarshaler] with [Parse]. A nil c
// is an error, not a panic. The redacted form MarshalText writes does not
// parse: its password (or credential option) is the redaction marker.
func (c *Config) UnmarshalText(text []byte) error {
	if c == nil {
		return errNilConfig()
	}
	p, err := Parse(string(text))
	if err != nil {
		return err
	}
	*c = p
	return nil
}

// configFields has Config's fields and tags but none of its methods, so
// encoding/json encodes it field by field.
type configFields Config

// MarshalJSON encodes the structured layout of the Config fields (not the
// URL string that MarshalText gives) with every secret shown as [Redacted],
// as described on [Config]; it never fails. json.Marshal of a struct holding
// a Config, and slog's JSON handler, use it. For the layout with its secrets
// use json.Marshal(Reveal(c)).
func (c Config) MarshalJSON() ([]byte, error) {
	return c.appendJSON(make([]byte, 0, jsonLen(&c)), false), nil
}

// AppendJSON appends the JSON of [Config.MarshalJSON] (redacted) to b,
// without encoding/json's HTML escaping, for encoders that reuse a buffer.
func (c Config) AppendJSON(b []byte) []byte { return c.appendJSON(b, false) }

func jsonLen(c *Config) int {
	return 128 + len(c.Password) + len(c.KeyPrefix) + 16*len(c.Hosts) + 32*len(c.Options)
}

// UnmarshalJSON accepts either the structured object or a URL string. An
// object is checked and normalised with [Config.Normalize]; a string is
// parsed with [Parse]. A redacted copy (the output of MarshalJSON or
// MarshalText of a config with secrets) is an error that says so: its
// password or a credential option is the marker "xxxxx".
func (c *Config) UnmarshalJSON(data []byte) error {
	if c == nil {
		return errNilConfig()
	}
	trimmed := strings.TrimSpace(string(data))
	if strings.HasPrefix(trimmed, `"`) {
		var s string
		if err := json.Unmarshal(data, &s); err != nil {
			return err
		}
		return c.UnmarshalText([]byte(s))
	}
	var f configFields
	if err := json.Unmarshal(data, &f); err != nil {
		return err
	}
	if err := checkNotRedacted(Config(f)); err != nil {
		return err
	}
	n, err := Config(f).Normalize()
	if err != nil {
		return err
	}
	*c = n
	return nil
}

// checkNotRedacted rejects a structured config whose password or a
// credential option is exactly the redaction marker: it is a printed copy,
// and connecting with "xxxxx" would only fail later, at the server.
func checkNotRedacted(c Config) error {
	if c.Password == Redacted {
		return newError(ErrInvalidUserinfo, redactSecrets(Format(redactAll(c))), 0, 0,
			`password is the redaction marker "`+Redacted+`": this is a redacted copy of a config (a printed or logged form); give the real password`)
	}
	for k, v := range c.Options {
		if v == Redacted && IsCredentialOption(k) {
			return newError(ErrInvalidParameter, redactSecrets(Format(redactAll(c))), 0, 0,
				"option "+quoteShort(k)+` is the redaction marker "`+Redacted+`": this is a redacted copy of a config (a printed or logged form); give the real secret`)
		}
	}
	return nil
}

// Reveal returns c wrapped so that its text, JSON and string forms keep the
// password and credential options. With [Format] it is the only lossless
// form of a Config: use it where a secret must be written on purpose (the
// cacheurl command's --show-secrets, a config file generated for a
// deployment), never for logs.
//
//	out, err := json.Marshal(core.Reveal(c)) // "password":"..." in clear
func Reveal(c Config) Revealed { return Revealed{c} }

// Revealed is a [Config] whose String, GoString, MarshalText, MarshalJSON
// and AppendJSON keep secrets (see [Reveal]); every other method is the
// Config's. slog consults LogValue first, so a Revealed given to slog
// directly is still logged redacted. Decoding into a *Revealed decodes
// into its Config.
type Revealed struct{ Config }

// String returns [Format] of the config, secrets included; fmt's %v and %s
// print it.
func (r Revealed) String() string { return Format(r.Config) }

// GoString makes %#v print the lossless URL: core.Reveal("redis://...").
func (r Revealed) GoString() string { return "core.Reveal(" + strconv.Quote(Format(r.Config)) + ")" }

// MarshalText is [Config.MarshalText] with secrets kept: the canonical URL
// ([Format]) of the normalised config. It fails when the config is not
// valid. [Config.UnmarshalText] reads it back to the same config.
func (r Revealed) MarshalText() ([]byte, error) {
	n, err := r.Config.Normalize()
	if err != nil {
		return nil, err
	}
	return []byte(Format(n)), nil
}

// MarshalJSON is [Config.MarshalJSON] with secrets kept: exactly what
// encoding/json writes for the Config's fields. [Config.UnmarshalJSON]
// reads it back to the same config.
func (r Revealed) MarshalJSON() ([]byte, error) {
	return r.Config.appendJSON(make([]byte, 0, jsonLen(&r.Config)), true), nil
}

// AppendJSON appends the JSON of [Revealed.MarshalJSON] to b, without
// encoding/json's HTML escaping, for encoders that reuse a buffer.
func (r Revealed) AppendJSON(b []byte) []byte { return r.Config.appendJSON(b, true) }
