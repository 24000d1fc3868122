package django

import (
	"errors"
	"math"
	"math/big"
	"strconv"
	"strings"
)

var (
	errNotInt    = errors.New("not an int")
	errTooManyDg = errors.New("too many digits")
)

// isPySpace is CPython's Py_ISSPACE for bytes: what int(b" 42\n") strips.
func isPySpace(c byte) bool {
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f'
}

// parseIntText parses decimal int text. With lenient, it is Python's
// int(text) in base 10 (what Django's redis serializer and the memcached
// clients call on a stored int): surrounding ASCII whitespace, a sign,
// digits with single underscores between them, leading zeros allowed.
// Without, it is what the pickler writes for INT and LONG: an optional
// sign and digits without leading zeros. The result is an int64, or a
// *big.Int when it does not fit. Text with more than maxDigits digits is
// errTooManyDg, checked before any conversion.
func parseIntText(s []byte, maxDigits int, lenient bool) (any, error) {
	if lenient {
		for len(s) > 0 && isPySpace(s[0]) {
			s = s[1:]
		}
		for len(s) > 0 && isPySpace(s[len(s)-1]) {
			s = s[:len(s)-1]
		}
	}
	neg := false
	if len(s) > 0 && (s[0] == '+' || s[0] == '-') {
		neg = s[0] == '-'
		s = s[1:]
	}
	digits, underscores := 0, false
	for i, c := range s {
		switch {
		case c >= '0' && c <= '9':
			digits++
		case c == '_' && lenient && i > 0 && i+1 < len(s) && s[i-1] != '_' && s[i+1] >= '0' && s[i+1] <= '9':
			underscores = true
		default:
			return nil, errNotInt
		}
	}
	if digits == 0 || (!lenient && len(s) > 1 && s[0] == '0') {
		return nil, errNotInt
	}
	if digits > maxDigits {
		return nil, errTooManyDg
	}
	if digits <= 18 {
		var n int64
		for _, c := range s {
			if c != '_' {
				n = n*10 + int64(c-'0')
			}
		}
		if neg {
			n = -n
		}
		return n, nil
	}
	text := string(s)
	if underscores {
		text = strings.ReplaceAll(text, "_", "")
	}
	z, ok := new(big.Int).SetString(text, 10)
	if !ok {
		return nil, errNotInt
	}
	if neg {
		z.Neg(z)
	}
	return normInt(z), nil
}

// normInt returns z as an int64 when it fits.
func normInt(z *big.Int) any {
	if z.IsInt64() {
		return z.Int64()
	}
	return z
}

// tenPow returns 10**n.
func tenPow(n int) *big.Int {
	return new(big.Int).Exp(big.NewInt(10), big.NewInt(int64(n)), nil)
}

// bigDigitsOK reports whether |z| has at most maxDigits decimal digits.
func bigDigitsOK(z *big.Int, maxDigits int) bool {
	// 10**d > 2**(bits-1) needs d >= (bits-1)*log10(2); decide cheaply by
	// bit length first, and exactly near the boundary.
	bits := z.BitLen()
	if float64(bits-1)*math.Log10(2) < float64(maxDigits)-1 {
		return true
	}
	if float64(bits)*math.Log10(2) > float64(maxDigits)+1 {
		return false
	}
	return new(big.Int).Abs(z).Cmp(tenPow(maxDigits)) < 0
}

// decodeLong decodes the little-endian two's complement bytes of LONG1 and
// LONG4.
func decodeLong(b []byte) any {
	if len(b) == 0 {
		return int64(0)
	}
	if len(b) <= 8 {
		var u uint64
		for i := len(b) - 1; i >= 0; i-- {
			u = u<<8 | uint64(b[i])
		}
		if shift := 64 - 8*uint(len(b)); b[len(b)-1]&0x80 != 0 && shift < 64 {
			return int64(u<<shift) >> shift
		}
		if len(b) < 8 || u <= math.MaxInt64 {
			return int64(u)
		}
	}
	be := make([]byte, len(b))
	for i, c := range b {
		be[len(b)-1-i] = c
	}
	z := new(big.Int).SetBytes(be)
	if b[len(b)-1]&0x80 != 0 {
		z.Sub(z, new(big.Int).Lsh(big.NewInt(1), uint(8*len(b))))
	}
	return normInt(z)
}

// encodeLong returns z as minimal little-endian two's complement bytes, as
// Python's encode_long does (0 is no bytes).
func encodeLong(z *big.Int) []byte {
	if z.Sign() == 0 {
		return nil
	}
	n := z.BitLen()/8 + 1 // room for the sign bit
	var v *big.Int
	if z.Sign() > 0 {
		v = z
	} else {
		v = new(big.Int).Add(z, new(big.Int).Lsh(big.NewInt(1), uint(8*n)))
	}
	be := v.FillBytes(make([]byte, n))
	out := make([]byte, n)
	for i, c := range be {
		out[n-1-i] = c
	}
	// Drop a redundant sign byte, as Python's minimal encoding does.
	for len(out) > 1 {
		last, prev := out[len(out)-1], out[len(out)-2]
		if (last == 0 && prev&0x80 == 0) || (last == 0xff && prev&0x80 != 0) {
			out = out[:len(out)-1]
			continue
		}
		break
	}
	return out
}

// parseFloatText parses the text of a FLOAT opcode: what repr(float)
// writes (digits, a point, an exponent, inf, nan), not Go's other forms
// (hex, underscores). Overflow is an error, as in CPython.
func parseFloatText(s string) (float64, bool) {
	t := s
	if t != "" && (t[0] == '+' || t[0] == '-') {
		t = t[1:]
	}
	switch strings.ToLower(t) {
	case "nan":
		return math.NaN(), true
	case "inf", "infinity":
		if s[0] == '-' {
			return math.Inf(-1), true
		}
		return math.Inf(1), true
	}
	i := skipDigits(t, 0)
	mant := i
	if i < len(t) && t[i] == '.' {
		j := skipDigits(t, i+1)
		mant, i = mant+j-i-1, j
	}
	if mant == 0 {
		return 0, false
	}
	if i < len(t) && (t[i] == 'e' || t[i] == 'E') {
		i++
		if i < len(t) && (t[i] == '+' || t[i] == '-') {
			i++
		}
		j := skipDigits(t, i)
		if j == i {
			return 0, false
		}
		i = j
	}
	if i != len(t) {
		return 0, false
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil {
		return 0, false
	}
	return f, true
}

// appendPyFloat appends f as Python's repr(float) (and json.dumps) writes
// it: the shortest text that reads back as f, with ".0" on integral values,
// exponent form below 1e-4 and from 1e16 ("1e-05", "1e+16"), and "NaN",
// "Infinity", "-Infinity" for the values JSON has no number for.
func appendPyFloat(b []byte, f float64) []byte {
	switch {
	case math.IsNaN(f):
		return append(b, "NaN"...)
	case math.IsInf(f, 1):
		return append(b, "Infinity"...)
	case math.IsInf(f, -1):
		return append(b, "-Infinity"...)
	}
	var buf [32]byte
	e := strconv.AppendFloat(buf[:0], f, 'e', -1, 64) // [-]d[.ddd]e±XX
	if e[0] == '-' {
		b = append(b, '-')
		e = e[1:]
	}
	ei := 0
	for e[ei] != 'e' {
		ei++
	}
	exp, _ := strconv.Atoi(string(e[ei+1:]))
	digits := make([]byte, 0, 20)
	for _, c := range e[:ei] {
		if c != '.' {
			digits = append(digits, c)
		}
	}
	decpt := exp + 1
	if decpt > -4 && decpt <= 16 {
		switch {
		case decpt <= 0:
			b = append(b, "0."...)
			for i := 0; i < -decpt; i++ {
				b = append(b, '0')
			}
			return append(b, digits...)
		case decpt >= len(digits):
			b = append(b, digits...)
			for i := len(digits); i < decpt; i++ {
				b = append(b, '0')
			}
			return append(b, ".0"...)
		default:
			b = append(b, digits[:decpt]...)
			b = append(b, '.')
			return append(b, digits[decpt:]...)
		}
	}
	b = append(b, digits[0])
	if len(digits) > 1 {
		b = append(b, '.')
		b = append(b, digits[1:]...)
	}
	b = append(b, 'e')
	x := decpt - 1
	if x < 0 {
		b = append(b, '-')
		x = -x
	} else {
		b = append(b, '+')
	}
	if x < 10 {
		b = append(b, '0')
	}
	return strconv.AppendInt(b, int64(x), 10)
}

// parseDecimal checks text as a decimal.Decimal and returns Python's str()
// of it: the forms str() writes and what Decimal() reads of them (any case
// of "e", "inf", "infinity", "nan", "snan"; leading zeros; a leading or
// trailing point). Underscores, spaces and non-ASCII digits, which Decimal()
// also reads, are refused. Coefficients of more than maxDigits digits and
// exponents beyond ±10**15 are errTooManyDg.
func parseDecimal(s string, maxDigits int) (string, error) {
	neg := false
	t := s
	if t != "" && (t[0] == '+' || t[0] == '-') {
		neg = t[0] == '-'
		t = t[1:]
	}
	sign := ""
	if neg {
		sign = "-"
	}
	lower := strings.ToLower(t)
	switch lower {
	case "inf", "infinity":
		return sign + "Infinity", nil
	}
	for _, nan := range []string{"snan", "nan"} {
		if strings.HasPrefix(lower, nan) {
			payload := t[len(nan):]
			for _, c := range []byte(payload) {
				if c < '0' || c > '9' {
					return "", errNotInt
				}
			}
			if len(payload) > maxDigits {
				return "", errTooManyDg
			}
			payload = strings.TrimLeft(payload, "0")
			name := "NaN"
			if nan == "snan" {
				name = "sNaN"
			}
			return sign + name + payload, nil
		}
	}
	var coeff []byte
	i, frac, point := 0, 0, false
	for ; i < len(t); i++ {
		c := t[i]
		if c >= '0' && c <= '9' {
			if len(coeff) > 0 || c != '0' {
				coeff = append(coeff, c)
				if len(coeff) > maxDigits {
					return "", errTooManyDg
				}
			}
			if point {
				frac++
			}
			continue
		}
		if c == '.' && !point {
			point = true
			continue
		}
		break
	}
	mantissa := i - btoi(point)
	if mantissa == 0 {
		return "", errNotInt
	}
	var exp int64
	if i < len(t) {
		if t[i] != 'e' && t[i] != 'E' {
			return "", errNotInt
		}
		e := t[i+1:]
		eneg := false
		if e != "" && (e[0] == '+' || e[0] == '-') {
			eneg = e[0] == '-'
			e = e[1:]
		}
		if e == "" {
			return "", errNotInt
		}
		for _, c := range []byte(e) {
			if c < '0' || c > '9' {
				return "", errNotInt
			}
			if exp = exp*10 + int64(c-'0'); exp > 1e15 {
				return "", errTooManyDg
			}
		}
		if eneg {
			exp = -exp
		}
	}
	exp -= int64(frac)
	if len(coeff) == 0 {
		coeff = []byte{'0'}
	}
	return sign + decimalString(string(coeff), exp), nil
}

func btoi(b bool) int {
	if b {
		return 1
	}
	return 0
}

// decimalString is Python's Decimal.__str__ for a finite value with
// coefficient digits (no leading zeros) and exponent exp.
func decimalString(coeff string, exp int64) string {
	leftdigits := exp + int64(len(coeff))
	var dotplace int64
	if exp <= 0 && leftdigits > -6 {
		dotplace = leftdigits
	} else {
		dotplace = 1
	}
	var b strings.Builder
	switch {
	case dotplace <= 0:
		b.WriteString("0.")
		b.WriteString(strings.Repeat("0", int(-dotplace)))
		b.WriteString(coeff)
	case dotplace >= int64(len(coeff)):
		b.WriteString(coeff)
		b.WriteString(strings.Repeat("0", int(dotplace-int64(len(coeff)))))
	default:
		b.WriteString(coeff[:dotplace])
		b.WriteByte('.')
		b.WriteString(coeff[dotplace:])
	}
	if leftdigits != dotplace {
		b.WriteByte('E')
		x := leftdigits - dotplace
		if x >= 0 {
			b.WriteByte('+')
		}
		b.WriteString(strconv.FormatInt(x, 10))
	}
	return b.String()
}
