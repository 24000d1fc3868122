package django

import (
	"encoding/binary"
	"math"
	"math/big"
	"sort"
	"strings"
	"time"
)

// hkey is a Python value's identity for dict keys and set elements: two
// values have equal hkeys exactly when Python's == holds between them (1,
// 1.0, True and Decimal("1.0") are one key; NaN is never equal to anything).
// Containers are interned: a tuple's key lists the interned numbers of its
// items, so a key costs time in proportion to the tuple's own length, even
// when the tuple is shared many times through the memo.
type hkey struct {
	t byte
	u uint64
	s string
}

const (
	hkStr       = 's'
	hkBytes     = 'b'
	hkNone      = 'N'
	hkInt       = 'i' // fits int64: u
	hkBigInt    = 'I' // decimal text: s
	hkRational  = 'q' // big.Rat text of a non-integral number: s
	hkInf       = 'p' // u: 1 for +inf, 0 for -inf
	hkNaN       = 'x' // u: a counter, so no two NaN are equal
	hkHugeDec   = 'e' // a Decimal no int or float can equal: normalized text
	hkDate      = 'd'
	hkTime      = 'h'
	hkDateTime  = 'D'
	hkAware     = 'A'
	hkDelta     = 'T'
	hkTuple     = 't'
	hkFrozenSet = 'F'
	hkOther     = 'G'
)

// hashKey returns v's hkey, or an error when Python cannot hash v (a list,
// dict, set or bytearray, or a tuple holding one).
func (d *decoder) hashKey(v any, at int) (hkey, error) {
	switch x := v.(type) {
	case string:
		return hkey{t: hkStr, s: x}, nil
	case nil:
		return hkey{t: hkNone}, nil
	case bool:
		if x {
			return hkey{t: hkInt, u: 1}, nil
		}
		return hkey{t: hkInt}, nil
	case int64:
		return hkey{t: hkInt, u: uint64(x)}, nil
	case *big.Int:
		return intKey(x), nil
	case float64:
		return d.floatKey(x), nil
	case []byte:
		return hkey{t: hkBytes, s: string(x)}, nil
	case Decimal:
		return d.decimalKey(x, at)
	case Date:
		return hkey{t: hkDate, u: packDate(x)}, nil
	case Time:
		return hkey{t: hkTime, u: packTime(x)}, nil
	case DateTime:
		return hkey{t: hkDateTime, u: packDate(x.Date)<<37 | packTime(x.Time)}, nil
	case time.Time:
		return hkey{t: hkAware, u: uint64(x.UnixMicro())}, nil
	case time.Duration:
		return hkey{t: hkDelta, u: uint64(x)}, nil
	case *pyGlobal:
		return hkey{t: hkOther, s: "g" + x.module + "\x00" + x.name}, nil
	case *tzinfo:
		return hkey{t: hkOther, s: "z" + x.loc.String()}, nil
	case *node:
		switch x.kind {
		case kTuple:
			return d.tupleKey(x, at)
		case kFrozenSet:
			return d.frozenKey(x), nil
		}
	}
	return hkey{}, d.malformed(at, "unhashable type: %s as a dict key or set element", typeName(v))
}

func intKey(z *big.Int) hkey {
	if z.IsInt64() {
		return hkey{t: hkInt, u: uint64(z.Int64())}
	}
	return hkey{t: hkBigInt, s: z.String()}
}

func (d *decoder) floatKey(f float64) hkey {
	switch {
	case math.IsNaN(f):
		d.nans++
		return hkey{t: hkNaN, u: d.nans}
	case math.IsInf(f, 0):
		return hkey{t: hkInf, u: uint64(btoi(f > 0))}
	case f == math.Trunc(f):
		if f >= -(1<<63) && f < 1<<63 {
			return hkey{t: hkInt, u: uint64(int64(f))}
		}
		z, _ := new(big.Float).SetFloat64(f).Int(nil)
		return intKey(z)
	}
	return hkey{t: hkRational, s: new(big.Rat).SetFloat64(f).String()}
}

// decimalKey: a Decimal equals the int or float of the same exact value.
func (d *decoder) decimalKey(x Decimal, at int) (hkey, error) {
	s := string(x)
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	switch {
	case strings.HasPrefix(s, "sNaN"):
		return hkey{}, d.malformed(at, "unhashable: a signaling NaN Decimal as a dict key or set element")
	case strings.HasPrefix(s, "NaN"):
		d.nans++
		return hkey{t: hkNaN, u: d.nans}, nil
	case s == "Infinity":
		return hkey{t: hkInf, u: uint64(btoi(!neg))}, nil
	}
	coeff, exp := decimalParts(s)
	coeff = strings.TrimLeft(coeff, "0")
	if coeff == "" {
		return hkey{t: hkInt}, nil
	}
	for strings.HasSuffix(coeff, "0") {
		coeff = coeff[:len(coeff)-1]
		exp++
	}
	sign := ""
	if neg {
		sign = "-"
	}
	switch {
	case exp >= 0 && int64(len(coeff))+exp <= int64(d.lim.MaxDigits):
		z, _ := new(big.Int).SetString(sign+coeff+strings.Repeat("0", int(exp)), 10)
		return intKey(z), nil
	case exp < 0 && exp >= -10000:
		num, _ := new(big.Int).SetString(sign+coeff, 10)
		r := new(big.Rat).SetFrac(num, tenPow(int(-exp)))
		return hkey{t: hkRational, s: r.String()}, nil
	}
	// Beyond any int of MaxDigits digits and any float's exact value.
	return hkey{t: hkHugeDec, s: sign + coeff + "E" + itoa64(exp)}, nil
}

// decimalParts splits the finite text of Python's str(Decimal) into its
// coefficient digits and exponent.
func decimalParts(s string) (string, int64) {
	var exp int64
	if i := strings.IndexByte(s, 'E'); i >= 0 {
		v, _ := parseIntText([]byte(strings.TrimPrefix(s[i+1:], "+")), 19, false)
		exp, _ = v.(int64)
		s = s[:i]
	}
	if i := strings.IndexByte(s, '.'); i >= 0 {
		exp -= int64(len(s) - i - 1)
		s = s[:i] + s[i+1:]
	}
	return s, exp
}

func itoa64(n int64) string { return string(appendInt64(nil, n)) }

func appendInt64(b []byte, n int64) []byte {
	if n < 0 {
		b = append(b, '-')
		return appendPad(b, int(-n), 1)
	}
	return appendPad(b, int(n), 1)
}

func packDate(x Date) uint64 {
	return uint64(x.Year)<<9 | uint64(x.Month)<<5 | uint64(x.Day)
}

func packTime(x Time) uint64 {
	return uint64(x.Hour)<<32 | uint64(x.Minute)<<26 | uint64(x.Second)<<20 | uint64(x.Microsecond)
}

// internID numbers a hash key, for the keys of containers.
func (d *decoder) internID(hk hkey) uint32 {
	if d.intern == nil {
		d.intern = map[hkey]uint32{}
	}
	id, ok := d.intern[hk]
	if !ok {
		id = uint32(len(d.intern))
		d.intern[hk] = id
	}
	return id
}

// tupleKey computes a tuple's key without recursion: nested tuples are
// visited with an explicit stack and each keeps its key once computed.
func (d *decoder) tupleKey(root *node, at int) (hkey, error) {
	if hk := root.ownKey(); hk != nil {
		return *hk, nil
	}
	stack := []*node{root}
	for len(stack) > 0 {
		n := stack[len(stack)-1]
		n.state = 1
		descended := false
		for int(n.pos) < len(n.items) {
			c, ok := n.items[n.pos].(*node)
			if ok && c.kind == kTuple && c.ownKey() == nil {
				if c.state == 1 {
					return hkey{}, d.malformed(at, "a tuple that contains itself as a key")
				}
				stack = append(stack, c)
				descended = true
				break
			}
			n.pos++
		}
		if descended {
			continue
		}
		buf := make([]byte, 0, 4*len(n.items))
		for _, it := range n.items {
			hk, err := d.hashKey(it, at)
			if err != nil {
				return hkey{}, err
			}
			buf = binary.AppendUvarint(buf, uint64(d.internID(hk)))
		}
		hk := hkey{t: hkTuple, s: string(buf)}
		n.ks().hk, n.pos, n.state = &hk, 0, 0
		stack = stack[:len(stack)-1]
	}
	return *root.ownKey(), nil
}

// frozenKey: a frozenset's elements are hashed already (they were added);
// its key is their interned numbers in order.
func (d *decoder) frozenKey(n *node) hkey {
	if hk := n.ownKey(); hk != nil {
		return *hk
	}
	ks := n.ks()
	ids := make([]uint32, len(ks.hks))
	for i, h := range ks.hks {
		ids[i] = d.internID(h)
	}
	sort.Slice(ids, func(i, j int) bool { return ids[i] < ids[j] })
	buf := make([]byte, 0, 4*len(ids))
	for _, id := range ids {
		buf = binary.AppendUvarint(buf, uint64(id))
	}
	hk := hkey{t: hkFrozenSet, s: string(buf)}
	ks.hk = &hk
	return hk
}
