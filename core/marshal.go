package core

import (
	"encoding/json"
	"strings"
)

// MarshalText implements [encoding.TextMarshaler] as the canonical URL
// ([Format]), password included. It fails when c is not a valid config.
func (c Config) MarshalText() ([]byte, error) {
	n, err := c.Normalize()
	if err != nil {
		return nil, err
	}
	return []byte(Format(n)), nil
}

// UnmarshalText implements [encoding.TextUnmarshaler] with [Parse]. A nil c
// is an error, not a panic.
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

// MarshalJSON encodes the structured layout of the Config fields (not the URL
// string that MarshalText would give), password included: use
// [Config.Redact] first for output meant for people.
func (c Config) MarshalJSON() ([]byte, error) {
	return c.appendJSON(make([]byte, 0, 128+len(c.Password)+len(c.KeyPrefix)+16*len(c.Hosts)+32*len(c.Options))), nil
}

// AppendJSON appends the JSON of [Config.MarshalJSON] to b (without
// encoding/json's HTML escaping), for encoders that reuse a buffer.
func (c Config) AppendJSON(b []byte) []byte { return c.appendJSON(b) }

// UnmarshalJSON accepts either the structured object or a URL string.
// An object is checked and normalised with [Config.Normalize].
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
	n, err := Config(f).Normalize()
	if err != nil {
		return err
	}
	*c = n
	return nil
}
