package django

import (
	"bytes"
	"encoding/json"
	"errors"
	"strings"
)

// Into stores v, a value as [Codec.Decode] or [Cache.Get] returns it, in
// dst, a non-nil pointer, as encoding/json's Unmarshal stores the JSON form
// of v ([ToJSON]): a dict's keys fill a struct's fields by their json tags
// or names (case-insensitively), a list or tuple fills a slice or an array,
// a dict with str keys a map, and a field of a type with its own
// UnmarshalJSON or UnmarshalText decodes itself. So a struct written for a
// JSON API reads a Django value as it would read that JSON:
//
//	var s struct {
//		UserID int    `json:"user_id"`
//		Name   string `json:"name"`
//		Cart   []int  `json:"cart"`
//	}
//	err := django.Into(session, &s)
//
// The values with no JSON type arrive as ToJSON renders them: an aware
// datetime as an RFC 3339 string (it fills a time.Time), bytes as base64
// (they fill a []byte), a Decimal, date or time as a string. Numbers
// stored in an interface (a map[string]any or an any field) are
// json.Number, exact for an int of any size. When dst is a *any, it gets v
// itself.
//
// An error is of kind [ErrType] and names the JSON path and Go type, not
// the data: a value that does not fit dst (a str where an int field is, a
// float NaN or infinity, which encoding/json cannot hold), or a field's
// own decoding that failed. As with encoding/json, the fields before the
// failure may have been set.
func Into(v, dst any) error {
	if p, ok := dst.(*any); ok && p != nil {
		*p = v
		return nil
	}
	b, err := ToJSON(v)
	if err != nil {
		return err
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	if err := dec.Decode(dst); err != nil {
		return intoError(err, dst)
	}
	return nil
}

// intoError restates an encoding/json error without the data it may
// quote (a number's text, a time's text).
func intoError(err error, dst any) error {
	var ie *json.InvalidUnmarshalError
	var te *json.UnmarshalTypeError
	var se *json.SyntaxError
	switch {
	case errors.As(err, &ie):
		return newErr(ErrType, "Into needs a non-nil pointer, not %s", ie.Type)
	case errors.As(err, &te):
		what, _, _ := strings.Cut(te.Value, " ") // "number 3.5" -> "number"
		at := "the value"
		if te.Field != "" {
			at = short(te.Field)
		}
		return newErr(ErrType, "%s is a JSON %s, which does not fit a Go %s", at, what, te.Type)
	case errors.As(err, &se):
		// ToJSON wrote NaN or Infinity, as json.dumps does.
		return newErr(ErrType, "a float NaN or infinity has no encoding/json form (at byte %d of the JSON)", se.Offset)
	}
	return newErr(ErrType, "the value does not fit %T: the decoding of a part of it (its UnmarshalJSON or UnmarshalText) failed", dst)
}
