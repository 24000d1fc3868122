package core

import (
	"slices"
	"strconv"
	"unicode/utf8"
)

// appendJSON appends the structured layout of c as compact JSON, the same
// bytes encoding/json produces for its fields with HTML escaping off (keys
// in field order, options sorted, unset values omitted). MarshalJSON uses
// it: reflection-free, it is several times faster than encoding/json.
//
// Unless reveal is set, secrets are written as [Redacted] as [Config]
// describes: the password, credential options, options whose name is not a
// parameter name, and userinfo pasted into the scheme or a host. The bytes
// are then those of encoding/json for the redacted copy, without making one.
func (c *Config) appendJSON(b []byte, reveal bool) []byte {
	hide := func(s string) string { return s }
	if !reveal {
		hide = hideUserinfo
	}
	b = append(b, `{"scheme":`...)
	b = appendJSONString(b, hide(c.Scheme))
	b = append(b, `,"backend":`...)
	b = appendJSONString(b, string(c.Backend))
	if c.TLS {
		b = append(b, `,"tls":true`...)
	}
	b = appendField(b, "topology", string(c.Topology))
	b = appendField(b, "master", c.Master)
	if len(c.Hosts) > 0 {
		b = append(b, `,"hosts":[`...)
		for i, h := range c.Hosts {
			if i > 0 {
				b = append(b, ',')
			}
			b = appendJSONString(b, hide(h))
		}
		b = append(b, ']')
	}
	b = appendField(b, "socket", c.Socket)
	b = appendField(b, "path", c.Path)
	b = appendField(b, "username", c.Username)
	if reveal || c.Password == "" {
		b = appendField(b, "password", c.Password)
	} else {
		b = append(b, `,"password":"`+Redacted+`"`...)
	}
	if c.DB != 0 {
		b = append(b, `,"db":`...)
		b = strconv.AppendInt(b, int64(c.DB), 10)
	}
	if c.TTL.IsSet() {
		b = append(b, `,"ttl":"`...)
		if c.TTL.Never() {
			b = append(b, "never"...)
		} else {
			b = strconv.AppendInt(b, c.TTL.secs, 10)
			b = append(b, 's')
		}
		b = append(b, '"')
	}
	b = appendField(b, "key_prefix", c.KeyPrefix)
	b = appendIntField(b, "version", c.Version)
	b = appendField(b, "key_function", c.KeyFunction)
	b = appendIntField(b, "max_entries", c.MaxEntries)
	b = appendIntField(b, "cull_frequency", c.CullFrequency)
	b = appendField(b, "lib", c.Lib)
	if len(c.Options) > 0 {
		var small [16]string
		keys := small[:0]
		for k := range c.Options {
			keys = append(keys, k)
		}
		slices.Sort(keys)
		b = append(b, `,"options":{`...)
		for i, k := range keys {
			if i > 0 {
				b = append(b, ',')
			}
			b = appendJSONString(b, k)
			b = append(b, ':')
			if v := c.Options[k]; reveal || !secretOption(k) {
				b = appendJSONString(b, v)
			} else {
				b = append(b, `"`+Redacted+`"`...)
			}
		}
		b = append(b, '}')
	}
	return append(b, '}')
}

// secretOption reports whether the printed forms show the value of option
// k as [Redacted], as [Config.Redact] does: a credential option, or one
// whose name is not a parameter name.
func secretOption(k string) bool { return IsCredentialOption(k) || !isParamName(k) }

func appendField(b []byte, key, v string) []byte {
	if v == "" {
		return b
	}
	b = append(b, ',', '"')
	b = append(b, key...)
	b = append(b, '"', ':')
	return appendJSONString(b, v)
}

func appendIntField(b []byte, key string, v *int) []byte {
	if v == nil {
		return b
	}
	b = append(b, ',', '"')
	b = append(b, key...)
	b = append(b, '"', ':')
	return strconv.AppendInt(b, int64(*v), 10)
}

// appendJSONString appends s as a JSON string exactly as encoding/json
// writes it with HTML escaping off (invalid UTF-8 becomes U+FFFD; U+2028 and
// U+2029 are escaped): the string encoder of [Config.AppendJSON].
func appendJSONString(b []byte, s string) []byte {
	const hex = "0123456789abcdef"
	b = append(b, '"')
	start := 0
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if c >= 0x20 && c != '"' && c != '\\' {
				i++
				continue
			}
			b = append(b, s[start:i]...)
			switch c {
			case '"', '\\':
				b = append(b, '\\', c)
			case '\n':
				b = append(b, '\\', 'n')
			case '\r':
				b = append(b, '\\', 'r')
			case '\t':
				b = append(b, '\\', 't')
			case '\b':
				b = append(b, '\\', 'b')
			case '\f':
				b = append(b, '\\', 'f')
			default:
				b = append(b, '\\', 'u', '0', '0', hex[c>>4], hex[c&0xf])
			}
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			b = append(b, s[start:i]...)
			b = append(b, `\ufffd`...)
			i += size
			start = i
			continue
		}
		if r == '\u2028' || r == '\u2029' {
			b = append(b, s[start:i]...)
			b = append(b, '\\', 'u', '2', '0', '2', hex[r&0xf])
			i += size
			start = i
			continue
		}
		i += size
	}
	b = append(b, s[start:]...)
	return append(b, '"')
}
