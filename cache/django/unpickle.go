package django

import (
	"encoding/binary"
	"math"
	"math/big"
	"strconv"
	"time"
	"unicode/utf8"
)

// The decoder is a restricted unpickler: it reads pickle protocols 0 to 5,
// builds only plain data, never imports or calls anything, and bounds its
// work by the input's length. It runs in two passes, both iterative (no
// recursion, so a deeply nested value cannot exhaust the goroutine stack):
//
//  1. The opcodes build a graph of nodes (one per list, tuple, dict, set
//     and frozenset) with Python's semantics: the memo keeps references, so
//     a list referenced twice is one node, and items appended after the
//     memo took the list are seen by every reference.
//  2. finish walks the graph from the result, converts each node once into
//     its Go value (so shared nodes stay shared: the same []any twice),
//     measures the value as a tree (depth, values, string bytes) against
//     the limits, and refuses a value that contains itself.

type nodeKind uint8

const (
	kList nodeKind = iota + 1
	kTuple
	kDict
	kSet
	kFrozenSet
)

var kindName = [...]string{kList: "list", kTuple: "tuple", kDict: "dict", kSet: "set", kFrozenSet: "frozenset"}

// node is a container while decoding.
type node struct {
	kind   nodeKind
	allStr bool  // dict: every key so far is a str
	state  uint8 // iterative passes: 0 new, 1 in progress, 2 done
	depth  int32 // a lower bound of the nesting depth (see adopt)
	pos    int32 // iterative passes: next child to visit
	items  []any // elements; for a dict key, value, key, value, ...
	keys   *keys // hash keys, for sets, dicts and tuples used as keys
	out    any
	count  int64 // the value as a tree: values (a lower bound until finish)
	size   int64 // and string bytes (likewise)
}

// keys are a node's hash keys, allocated when needed.
type keys struct {
	hks   []hkey         // of the elements (dict keys)
	index map[hkey]int32 // from 9 elements: hash key -> element number
	hk    *hkey          // tuple, frozenset: its own key once computed
}

func (n *node) ks() *keys {
	if n.keys == nil {
		n.keys = &keys{}
	}
	return n.keys
}

func (n *node) ownKey() *hkey {
	if n.keys == nil {
		return nil
	}
	return n.keys.hk
}

const indexFrom = 8

// memoUnset marks an unset memo slot.
var memoUnset = new(struct{ byte })

// decoder holds one decoding's state.
type decoder struct {
	in      []byte
	pos     int
	lim     Limits
	proto   int
	stack   []any
	marks   []int
	memo    []any
	memoMap map[uint64]any
	memoLen int
	objects int
	intern  map[hkey]uint32
	nans    uint64
}

// unpickle decodes one pickle.
func unpickle(data []byte, lim Limits) (any, error) {
	lim = lim.resolved()
	if len(data) > lim.MaxBytes {
		return nil, newErr(ErrTooLarge, "the value is %d bytes, over the limit of %d", len(data), lim.MaxBytes)
	}
	d := &decoder{in: data, lim: lim}
	v, err := d.run()
	if err != nil {
		return nil, err
	}
	return d.finish(v)
}

func (d *decoder) malformed(at int, format string, args ...any) error {
	return newErr(ErrMalformed, "pickle: "+format+" (at byte "+strconv.Itoa(at)+")", args...)
}

func (d *decoder) unsupported(at int, format string, args ...any) error {
	return newErr(ErrUnsupported, "pickle: "+format+" (at byte "+strconv.Itoa(at)+"); nothing was run", args...)
}

func (d *decoder) need(n int, at int) ([]byte, error) {
	if n < 0 || n > len(d.in)-d.pos {
		return nil, d.malformed(at, "truncated: %d more bytes needed, %d left", n, len(d.in)-d.pos)
	}
	b := d.in[d.pos : d.pos+n]
	d.pos += n
	return b, nil
}

// line reads the text argument of a protocol 0 opcode, up to "\n".
func (d *decoder) line(at int) ([]byte, error) {
	for i := d.pos; i < len(d.in); i++ {
		if d.in[i] == '\n' {
			b := d.in[d.pos:i]
			d.pos = i + 1
			return b, nil
		}
	}
	return nil, d.malformed(at, "truncated: a text argument without its newline")
}

func (d *decoder) fence() int {
	if len(d.marks) == 0 {
		return 0
	}
	return d.marks[len(d.marks)-1]
}

// push pushes a value; every push counts against MaxNodes (checked before
// each opcode), which bounds the stack, the memo and the containers.
func (d *decoder) push(v any) {
	d.objects++
	if len(d.stack) == cap(d.stack) {
		// Double (append grows large slices by a quarter, which copies
		// five times the final size in all).
		s := make([]any, len(d.stack), max(16, 2*cap(d.stack)))
		copy(s, d.stack)
		d.stack = s
	}
	d.stack = append(d.stack, v)
}

func (d *decoder) pop(at int) (any, error) {
	if len(d.stack) <= d.fence() {
		return nil, d.malformed(at, "stack underflow")
	}
	v := d.stack[len(d.stack)-1]
	d.stack[len(d.stack)-1] = nil
	d.stack = d.stack[:len(d.stack)-1]
	return v, nil
}

func (d *decoder) top(at int) (any, error) {
	if len(d.stack) <= d.fence() {
		return nil, d.malformed(at, "stack underflow")
	}
	return d.stack[len(d.stack)-1], nil
}

// popMark returns the items above the last mark (a view of the stack,
// valid until the next push) and removes them and the mark.
func (d *decoder) popMark(at int) ([]any, error) {
	if len(d.marks) == 0 {
		return nil, d.malformed(at, "no MARK before an opcode that needs one")
	}
	k := d.marks[len(d.marks)-1]
	d.marks = d.marks[:len(d.marks)-1]
	items := d.stack[k:]
	d.stack = d.stack[:k]
	return items, nil
}

func newNode(kind nodeKind) *node {
	return &node{kind: kind, allStr: kind == kDict, depth: 1, count: 1}
}

// adopt accounts for v entering n: lower bounds of n's nesting depth,
// values and string bytes grow, so that a hostile pickle (a deep chain of
// lists built through the memo, a list of itself twice, doubled again and
// again) fails as soon as it passes a limit, not after its whole graph is
// built. They are lower bounds because a child may still grow (only a
// repeated dict key, which Python never writes, counts more than once);
// finish measures exactly.
func (d *decoder) adopt(n *node, v any, at int) error {
	var cd int32
	cc, cs := int64(1), int64(0)
	switch x := v.(type) {
	case *node:
		cd, cc, cs = x.depth, x.count, x.size
	case string:
		cs = int64(len(x))
	case []byte:
		cs = int64(len(x))
	case ByteArray:
		cs = int64(len(x))
	}
	if cd >= n.depth {
		n.depth = cd + 1
		if int(n.depth) > d.lim.MaxDepth {
			return newErr(ErrTooLarge, "pickle: nested deeper than %d (at byte %d)", d.lim.MaxDepth, at)
		}
	}
	n.count += cc
	n.size += cs
	if n.count > int64(d.lim.MaxNodes) {
		return newErr(ErrTooLarge, "pickle: more than %d values as a tree (shared references count each time; at byte %d)", d.lim.MaxNodes, at)
	}
	if n.size > int64(d.lim.MaxBytes) {
		return newErr(ErrTooLarge, "pickle: more than %d bytes of str and bytes as a tree (shared references count each time; at byte %d)", d.lim.MaxBytes, at)
	}
	return nil
}

func (d *decoder) memoPut(idx uint64, v any) {
	if idx < uint64(len(d.memo)) {
		if d.memo[idx] == memoUnset {
			d.memoLen++
		}
		d.memo[idx] = v
		return
	}
	if idx < uint64(2*len(d.memo)+64) && d.memoMap == nil {
		for uint64(len(d.memo)) < idx {
			d.memo = append(d.memo, memoUnset)
		}
		d.memo = append(d.memo, v)
		d.memoLen++
		return
	}
	if d.memoMap == nil {
		d.memoMap = map[uint64]any{}
	}
	if _, ok := d.memoMap[idx]; !ok {
		d.memoLen++
	}
	d.memoMap[idx] = v
}

func (d *decoder) memoGet(idx uint64, at int) (any, error) {
	if idx < uint64(len(d.memo)) && d.memo[idx] != memoUnset {
		return d.memo[idx], nil
	}
	if v, ok := d.memoMap[idx]; ok {
		return v, nil
	}
	return nil, d.malformed(at, "memo entry %d is not set", idx)
}

func (d *decoder) str(b []byte, at int) (string, error) {
	if !utf8.Valid(b) {
		return "", d.malformed(at, "str is not valid UTF-8 (a lone surrogate, which Python allows in a str, has no Go string)")
	}
	return string(b), nil
}

// asciiStr is a protocol 0-2 str of Python 2, which Python 3 reads with
// encoding "ASCII" unless told otherwise.
func (d *decoder) asciiStr(b []byte, at int) (string, error) {
	for _, c := range b {
		if c >= 0x80 {
			return "", d.malformed(at, "a Python 2 str with non-ASCII bytes (Python 3 reads these as ASCII and fails)")
		}
	}
	return string(b), nil
}

// The opcodes.
const (
	opMark           = '('
	opStop           = '.'
	opPop            = '0'
	opPopMark        = '1'
	opDup            = '2'
	opFloat          = 'F'
	opInt            = 'I'
	opBinInt         = 'J'
	opBinInt1        = 'K'
	opLong           = 'L'
	opBinInt2        = 'M'
	opNone           = 'N'
	opPersID         = 'P'
	opBinPersID      = 'Q'
	opReduce         = 'R'
	opString         = 'S'
	opBinString      = 'T'
	opShortBinString = 'U'
	opUnicode        = 'V'
	opBinUnicode     = 'X'
	opAppend         = 'a'
	opBuild          = 'b'
	opGlobal         = 'c'
	opDict           = 'd'
	opEmptyDict      = '}'
	opAppends        = 'e'
	opGet            = 'g'
	opBinGet         = 'h'
	opInst           = 'i'
	opLongBinGet     = 'j'
	opList           = 'l'
	opEmptyList      = ']'
	opObj            = 'o'
	opPut            = 'p'
	opBinPut         = 'q'
	opLongBinPut     = 'r'
	opSetItem        = 's'
	opTuple          = 't'
	opEmptyTuple     = ')'
	opSetItems       = 'u'
	opBinFloat       = 'G'

	opProto           = 0x80
	opNewObj          = 0x81
	opExt1            = 0x82
	opExt2            = 0x83
	opExt4            = 0x84
	opTuple1          = 0x85
	opTuple2          = 0x86
	opTuple3          = 0x87
	opNewTrue         = 0x88
	opNewFalse        = 0x89
	opLong1           = 0x8a
	opLong4           = 0x8b
	opBinBytes        = 'B'
	opShortBinBytes   = 'C'
	opShortBinUnicode = 0x8c
	opBinUnicode8     = 0x8d
	opBinBytes8       = 0x8e
	opEmptySet        = 0x8f
	opAddItems        = 0x90
	opFrozenSet       = 0x91
	opNewObjEx        = 0x92
	opStackGlobal     = 0x93
	opMemoize         = 0x94
	opFrame           = 0x95
	opByteArray8      = 0x96
	opNextBuffer      = 0x97
	opReadonlyBuffer  = 0x98
)

// run executes the opcodes up to STOP and returns the result.
func (d *decoder) run() (any, error) {
	for {
		at := d.pos
		if d.objects > d.lim.MaxNodes {
			return nil, newErr(ErrTooLarge, "pickle: more than %d values (at byte %d)", d.lim.MaxNodes, at)
		}
		if d.pos >= len(d.in) {
			if at == 0 {
				return nil, d.malformed(at, "empty input")
			}
			return nil, d.malformed(at, "truncated: no STOP")
		}
		op := d.in[d.pos]
		d.pos++
		switch op {
		case opStop:
			return d.pop(at)
		case opProto:
			b, err := d.need(1, at)
			if err != nil {
				return nil, err
			}
			if b[0] > 5 {
				return nil, d.malformed(at, "unsupported pickle protocol %d", b[0])
			}
			d.proto = int(b[0])
		case opFrame:
			b, err := d.need(8, at)
			if err != nil {
				return nil, err
			}
			if n := binary.LittleEndian.Uint64(b); n > uint64(len(d.in)-d.pos) {
				return nil, d.malformed(at, "a FRAME of %d bytes with %d left", n, len(d.in)-d.pos)
			}
		case opMark:
			if len(d.marks) > d.lim.MaxDepth+2 {
				return nil, newErr(ErrTooLarge, "pickle: more than %d nested MARKs (at byte %d)", d.lim.MaxDepth+2, at)
			}
			d.marks = append(d.marks, len(d.stack))
		case opPop:
			if len(d.stack) > d.fence() {
				d.stack = d.stack[:len(d.stack)-1]
			} else if len(d.marks) > 0 {
				d.marks = d.marks[:len(d.marks)-1]
			} else {
				return nil, d.malformed(at, "stack underflow")
			}
		case opPopMark:
			if _, err := d.popMark(at); err != nil {
				return nil, err
			}
		case opDup:
			v, err := d.top(at)
			if err != nil {
				return nil, err
			}
			d.push(v)

		case opNone:
			d.push(nil)
		case opNewTrue:
			d.push(true)
		case opNewFalse:
			d.push(false)
		case opInt:
			b, err := d.line(at)
			if err != nil {
				return nil, err
			}
			switch string(b) {
			case "00":
				d.push(false)
				continue
			case "01":
				d.push(true)
				continue
			}
			if err := d.pushIntText(b, at); err != nil {
				return nil, err
			}
		case opLong:
			b, err := d.line(at)
			if err != nil {
				return nil, err
			}
			if len(b) > 0 && b[len(b)-1] == 'L' {
				b = b[:len(b)-1]
			}
			if err := d.pushIntText(b, at); err != nil {
				return nil, err
			}
		case opBinInt:
			b, err := d.need(4, at)
			if err != nil {
				return nil, err
			}
			d.push(int64(int32(binary.LittleEndian.Uint32(b))))
		case opBinInt1:
			b, err := d.need(1, at)
			if err != nil {
				return nil, err
			}
			d.push(int64(b[0]))
		case opBinInt2:
			b, err := d.need(2, at)
			if err != nil {
				return nil, err
			}
			d.push(int64(binary.LittleEndian.Uint16(b)))
		case opLong1, opLong4:
			var n int
			if op == opLong1 {
				b, err := d.need(1, at)
				if err != nil {
					return nil, err
				}
				n = int(b[0])
			} else {
				b, err := d.need(4, at)
				if err != nil {
					return nil, err
				}
				n = int(int32(binary.LittleEndian.Uint32(b)))
				if n < 0 {
					return nil, d.malformed(at, "LONG4 with a negative length")
				}
			}
			// An int of at most MaxDigits digits needs at most this many bytes.
			if max := int(float64(d.lim.MaxDigits)*math.Log2(10)/8) + 2; n > max {
				return nil, newErr(ErrTooLarge, "pickle: an int of %d bytes, more than %d decimal digits (at byte %d)", n, d.lim.MaxDigits, at)
			}
			b, err := d.need(n, at)
			if err != nil {
				return nil, err
			}
			v := decodeLong(b)
			if z, ok := v.(*big.Int); ok && !bigDigitsOK(z, d.lim.MaxDigits) {
				return nil, newErr(ErrTooLarge, "pickle: an int of more than %d decimal digits (at byte %d)", d.lim.MaxDigits, at)
			}
			d.push(v)
		case opFloat:
			b, err := d.line(at)
			if err != nil {
				return nil, err
			}
			f, ok := parseFloatText(string(b))
			if !ok {
				return nil, d.malformed(at, "FLOAT text is not a float repr")
			}
			d.push(f)
		case opBinFloat:
			b, err := d.need(8, at)
			if err != nil {
				return nil, err
			}
			d.push(math.Float64frombits(binary.BigEndian.Uint64(b)))

		case opString:
			b, err := d.line(at)
			if err != nil {
				return nil, err
			}
			raw, ok := unquotePy2(b)
			if !ok {
				return nil, d.malformed(at, "STRING argument is not a quoted Python 2 str")
			}
			s, err := d.asciiStr(raw, at)
			if err != nil {
				return nil, err
			}
			d.push(s)
		case opBinString, opShortBinString:
			n, err := d.length(op == opBinString, 4, at)
			if err != nil {
				return nil, err
			}
			b, err := d.need(n, at)
			if err != nil {
				return nil, err
			}
			s, err := d.asciiStr(b, at)
			if err != nil {
				return nil, err
			}
			d.push(s)
		case opUnicode:
			b, err := d.line(at)
			if err != nil {
				return nil, err
			}
			s, ok := rawUnicodeEscape(b)
			if !ok {
				return nil, d.malformed(at, "UNICODE text has a bad \\u escape or a lone surrogate")
			}
			d.push(s)
		case opBinUnicode, opShortBinUnicode, opBinUnicode8:
			n, err := d.sized(op, opBinUnicode, opBinUnicode8, at)
			if err != nil {
				return nil, err
			}
			b, err := d.need(n, at)
			if err != nil {
				return nil, err
			}
			s, err := d.str(b, at)
			if err != nil {
				return nil, err
			}
			d.push(s)
		case opBinBytes, opShortBinBytes, opBinBytes8:
			n, err := d.sized(op, opBinBytes, opBinBytes8, at)
			if err != nil {
				return nil, err
			}
			b, err := d.need(n, at)
			if err != nil {
				return nil, err
			}
			d.push(append([]byte{}, b...))
		case opByteArray8:
			n, err := d.length(false, 8, at)
			if err != nil {
				return nil, err
			}
			b, err := d.need(n, at)
			if err != nil {
				return nil, err
			}
			d.push(ByteArray(append([]byte{}, b...)))

		case opEmptyList, opEmptyDict, opEmptySet, opEmptyTuple:
			kind := kList
			switch op {
			case opEmptyDict:
				kind = kDict
			case opEmptySet:
				kind = kSet
			case opEmptyTuple:
				kind = kTuple
			}
			d.push(newNode(kind))
		case opList, opTuple, opFrozenSet:
			items, err := d.popMark(at)
			if err != nil {
				return nil, err
			}
			if err := d.pushSeq(op, items, at); err != nil {
				return nil, err
			}
		case opTuple1, opTuple2, opTuple3:
			k := int(op-opTuple1) + 1
			if len(d.stack)-d.fence() < k {
				return nil, d.malformed(at, "stack underflow")
			}
			items := d.stack[len(d.stack)-k:]
			d.stack = d.stack[:len(d.stack)-k]
			if err := d.pushSeq(opTuple, items, at); err != nil {
				return nil, err
			}
		case opDict:
			items, err := d.popMark(at)
			if err != nil {
				return nil, err
			}
			n := newNode(kDict)
			if err := d.setItems(n, items, at); err != nil {
				return nil, err
			}
			d.push(n)
		case opAppend:
			v, err := d.pop(at)
			if err != nil {
				return nil, err
			}
			t, err := d.target(kList, "APPEND", at)
			if err != nil {
				return nil, err
			}
			if err := d.adopt(t, v, at); err != nil {
				return nil, err
			}
			t.items = append(t.items, v)
		case opAppends:
			items, err := d.popMark(at)
			if err != nil {
				return nil, err
			}
			t, err := d.target(kList, "APPENDS", at)
			if err != nil {
				return nil, err
			}
			for _, v := range items {
				if err := d.adopt(t, v, at); err != nil {
					return nil, err
				}
			}
			t.items = append(t.items, items...)
		case opSetItem:
			v, err := d.pop(at)
			if err != nil {
				return nil, err
			}
			k, err := d.pop(at)
			if err != nil {
				return nil, err
			}
			t, err := d.target(kDict, "SETITEM", at)
			if err != nil {
				return nil, err
			}
			if err := d.setItems(t, []any{k, v}, at); err != nil {
				return nil, err
			}
		case opSetItems:
			items, err := d.popMark(at)
			if err != nil {
				return nil, err
			}
			t, err := d.target(kDict, "SETITEMS", at)
			if err != nil {
				return nil, err
			}
			if err := d.setItems(t, items, at); err != nil {
				return nil, err
			}
		case opAddItems:
			items, err := d.popMark(at)
			if err != nil {
				return nil, err
			}
			t, err := d.target(kSet, "ADDITEMS", at)
			if err != nil {
				return nil, err
			}
			for _, v := range items {
				if err := d.add(t, v, at); err != nil {
					return nil, err
				}
			}

		case opGet, opBinGet, opLongBinGet:
			idx, err := d.memoIndex(op, opGet, opBinGet, at)
			if err != nil {
				return nil, err
			}
			v, err := d.memoGet(idx, at)
			if err != nil {
				return nil, err
			}
			d.push(v)
		case opPut, opBinPut, opLongBinPut:
			idx, err := d.memoIndex(op, opPut, opBinPut, at)
			if err != nil {
				return nil, err
			}
			v, err := d.top(at)
			if err != nil {
				return nil, err
			}
			d.memoPut(idx, v)
		case opMemoize:
			v, err := d.top(at)
			if err != nil {
				return nil, err
			}
			d.memoPut(uint64(d.memoLen), v)

		case opGlobal:
			mod, err := d.line(at)
			if err != nil {
				return nil, err
			}
			name, err := d.line(at)
			if err != nil {
				return nil, err
			}
			if !utf8.Valid(mod) || !utf8.Valid(name) {
				return nil, d.malformed(at, "GLOBAL names are not UTF-8")
			}
			g, err := d.global(string(mod), string(name), at)
			if err != nil {
				return nil, err
			}
			d.push(g)
		case opStackGlobal:
			name, err := d.pop(at)
			if err != nil {
				return nil, err
			}
			mod, err := d.pop(at)
			if err != nil {
				return nil, err
			}
			ms, ok1 := mod.(string)
			ns, ok2 := name.(string)
			if !ok1 || !ok2 {
				return nil, d.malformed(at, "STACK_GLOBAL needs two str")
			}
			g, err := d.global(ms, ns, at)
			if err != nil {
				return nil, err
			}
			d.push(g)
		case opReduce:
			args, err := d.pop(at)
			if err != nil {
				return nil, err
			}
			callable, err := d.pop(at)
			if err != nil {
				return nil, err
			}
			v, err := d.reduce(callable, args, at)
			if err != nil {
				return nil, err
			}
			d.push(v)

		case opInst:
			mod, _ := d.line(at)
			name, _ := d.line(at)
			return nil, d.unsupported(at, "an instance of %s (INST)", dotted(string(mod), string(name)))
		case opObj, opNewObj, opNewObjEx:
			what := "a class"
			for i := len(d.stack) - 1; i >= 0 && i >= len(d.stack)-3; i-- {
				if g, ok := d.stack[i].(*pyGlobal); ok {
					what = dotted(g.module, g.name)
					break
				}
			}
			return nil, d.unsupported(at, "an instance of %s (%s)", what, map[byte]string{opObj: "OBJ", opNewObj: "NEWOBJ", opNewObjEx: "NEWOBJ_EX"}[op])
		case opBuild:
			return nil, d.unsupported(at, "object state (BUILD), which only class instances have")
		case opExt1, opExt2, opExt4:
			return nil, d.unsupported(at, "a class from the copyreg extension registry (EXT%d)", map[byte]int{opExt1: 1, opExt2: 2, opExt4: 4}[op])
		case opPersID, opBinPersID:
			return nil, d.unsupported(at, "a persistent id (an object the writer stored elsewhere)")
		case opNextBuffer, opReadonlyBuffer:
			return nil, d.unsupported(at, "an out-of-band buffer")
		default:
			return nil, d.malformed(at, "unknown opcode 0x%02x", op)
		}
	}
}

// length reads a little-endian length of width bytes (1 unless wide);
// signed lengths (BINSTRING) must not be negative.
func (d *decoder) length(wide bool, width int, at int) (int, error) {
	if !wide && width != 8 {
		width = 1
	}
	b, err := d.need(width, at)
	if err != nil {
		return 0, err
	}
	var n uint64
	switch width {
	case 1:
		n = uint64(b[0])
	case 4:
		n = uint64(binary.LittleEndian.Uint32(b))
	case 8:
		n = binary.LittleEndian.Uint64(b)
	}
	if n > uint64(len(d.in)-d.pos) {
		return 0, d.malformed(at, "truncated: a length of %d with %d bytes left", n, len(d.in)-d.pos)
	}
	return int(n), nil
}

// sized reads the length of a str or bytes opcode: 4 bytes for the plain
// one, 8 for the "8" one, 1 for the short one.
func (d *decoder) sized(op, four, eight byte, at int) (int, error) {
	switch op {
	case four:
		return d.length(true, 4, at)
	case eight:
		return d.length(true, 8, at)
	}
	return d.length(false, 1, at)
}

func (d *decoder) memoIndex(op, text, one byte, at int) (uint64, error) {
	switch op {
	case text:
		b, err := d.line(at)
		if err != nil {
			return 0, err
		}
		v, err := parseIntText(b, 19, true) // CPython reads it with int()
		if err != nil {
			return 0, d.malformed(at, "memo index is not a decimal")
		}
		n, ok := v.(int64)
		if !ok || n < 0 {
			return 0, d.malformed(at, "memo index is negative")
		}
		return uint64(n), nil
	case one:
		b, err := d.need(1, at)
		if err != nil {
			return 0, err
		}
		return uint64(b[0]), nil
	}
	b, err := d.need(4, at)
	if err != nil {
		return 0, err
	}
	return uint64(binary.LittleEndian.Uint32(b)), nil
}

func (d *decoder) pushIntText(b []byte, at int) error {
	v, err := parseIntText(b, d.lim.MaxDigits, false)
	switch err {
	case nil:
		d.push(v)
		return nil
	case errTooManyDg:
		return newErr(ErrTooLarge, "pickle: an int of more than %d decimal digits (at byte %d)", d.lim.MaxDigits, at)
	}
	return d.malformed(at, "INT or LONG text is not a plain decimal")
}

// target returns the container below the top of the stack that APPEND,
// SETITEM or ADDITEMS change.
func (d *decoder) target(kind nodeKind, op string, at int) (*node, error) {
	v, err := d.top(at)
	if err != nil {
		return nil, err
	}
	n, ok := v.(*node)
	if !ok || n.kind != kind {
		return nil, d.malformed(at, "%s on a %s", op, typeName(v))
	}
	return n, nil
}

// pushSeq builds a list, tuple or frozenset from items.
func (d *decoder) pushSeq(op byte, items []any, at int) error {
	kind := kList
	switch op {
	case opTuple:
		kind = kTuple
	case opFrozenSet:
		kind = kFrozenSet
	}
	n := newNode(kind)
	if kind == kFrozenSet {
		for _, v := range items {
			if err := d.add(n, v, at); err != nil {
				return err
			}
		}
	} else {
		for _, v := range items {
			if err := d.adopt(n, v, at); err != nil {
				return err
			}
		}
		n.items = append(make([]any, 0, len(items)), items...)
	}
	d.push(n)
	return nil
}

// setItems sets key, value pairs in a dict, with Python's rules: keys must
// be hashable, and a key equal to one present replaces its value (the
// first key object stays).
func (d *decoder) setItems(n *node, kv []any, at int) error {
	if len(kv)%2 != 0 {
		return d.malformed(at, "an odd number of items for a dict")
	}
	if cap(n.items)-len(n.items) < len(kv) {
		n.items = append(make([]any, 0, len(n.items)+len(kv)), n.items...)
	}
	for i := 0; i < len(kv); i += 2 {
		k, v := kv[i], kv[i+1]
		if err := d.adopt(n, k, at); err != nil {
			return err
		}
		if err := d.adopt(n, v, at); err != nil {
			return err
		}
		if s, ok := k.(string); ok && n.allStr {
			if p, ok := d.lookupStr(n, s); ok {
				n.items[2*p+1] = v
				continue
			}
			n.items = append(n.items, k, v)
			if n.keys != nil && n.keys.index != nil {
				n.keys.index[hkey{t: 's', s: s}] = int32(len(n.items)/2 - 1)
			} else if len(n.items)/2 > indexFrom {
				ks := n.ks()
				ks.index = make(map[hkey]int32, len(n.items))
				for j := 0; j < len(n.items); j += 2 {
					ks.index[hkey{t: 's', s: n.items[j].(string)}] = int32(j / 2)
				}
			}
			continue
		}
		hk, err := d.hashKey(k, at)
		if err != nil {
			return err
		}
		if n.allStr {
			n.allStr = false
			ks := n.ks()
			ks.hks = make([]hkey, 0, len(n.items)/2+1)
			for j := 0; j < len(n.items); j += 2 {
				ks.hks = append(ks.hks, hkey{t: 's', s: n.items[j].(string)})
			}
		}
		if p, ok := n.lookup(hk); ok {
			n.items[2*p+1] = v
			continue
		}
		n.items = append(n.items, k, v)
		n.addKey(hk)
	}
	return nil
}

func (d *decoder) lookupStr(n *node, s string) (int, bool) {
	if n.keys != nil && n.keys.index != nil {
		p, ok := n.keys.index[hkey{t: 's', s: s}]
		return int(p), ok
	}
	for j := 0; j < len(n.items); j += 2 {
		if n.items[j].(string) == s {
			return j / 2, true
		}
	}
	return 0, false
}

func (n *node) lookup(hk hkey) (int, bool) {
	if n.keys == nil {
		return 0, false
	}
	if n.keys.index != nil {
		p, ok := n.keys.index[hk]
		return int(p), ok
	}
	for j, h := range n.keys.hks {
		if h == hk {
			return j, true
		}
	}
	return 0, false
}

func (n *node) addKey(hk hkey) {
	ks := n.ks()
	ks.hks = append(ks.hks, hk)
	if ks.index != nil {
		ks.index[hk] = int32(len(ks.hks) - 1)
	} else if len(ks.hks) > indexFrom {
		ks.index = make(map[hkey]int32, 2*len(ks.hks))
		for j, h := range ks.hks {
			ks.index[h] = int32(j)
		}
	}
}

// add adds v to a set or frozenset unless an equal element is present.
func (d *decoder) add(n *node, v any, at int) error {
	hk, err := d.hashKey(v, at)
	if err != nil {
		return err
	}
	if _, ok := n.lookup(hk); ok {
		return nil
	}
	if err := d.adopt(n, v, at); err != nil {
		return err
	}
	n.items = append(n.items, v)
	n.addKey(hk)
	return nil
}

// typeName is the Python type of a decoding value, for messages.
func typeName(v any) string {
	switch x := v.(type) {
	case nil:
		return "None"
	case bool:
		return "bool"
	case int64, *big.Int:
		return "int"
	case float64:
		return "float"
	case string:
		return "str"
	case []byte:
		return "bytes"
	case ByteArray:
		return "bytearray"
	case *node:
		return kindName[x.kind]
	case *pyGlobal:
		return dotted(x.module, x.name)
	case *tzinfo:
		return "tzinfo"
	case Decimal:
		return "decimal.Decimal"
	case Date:
		return "datetime.date"
	case Time:
		return "datetime.time"
	case time.Duration:
		return "datetime.timedelta"
	}
	return "datetime.datetime"
}

// unquotePy2 undoes the repr() of a Python 2 str (STRING's argument):
// matching quotes, then the escapes of codecs.escape_decode.
func unquotePy2(b []byte) ([]byte, bool) {
	if len(b) < 2 || (b[0] != '\'' && b[0] != '"') || b[len(b)-1] != b[0] {
		return nil, false
	}
	b = b[1 : len(b)-1]
	out := make([]byte, 0, len(b))
	for i := 0; i < len(b); i++ {
		c := b[i]
		if c != '\\' {
			out = append(out, c)
			continue
		}
		i++
		if i >= len(b) {
			return nil, false // a trailing backslash
		}
		switch c = b[i]; c {
		case '\n':
		case '\\', '\'', '"':
			out = append(out, c)
		case 'a':
			out = append(out, '\a')
		case 'b':
			out = append(out, '\b')
		case 'f':
			out = append(out, '\f')
		case 'n':
			out = append(out, '\n')
		case 'r':
			out = append(out, '\r')
		case 't':
			out = append(out, '\t')
		case 'v':
			out = append(out, '\v')
		case 'x':
			if i+2 >= len(b) {
				return nil, false
			}
			h, ok := unhex(b[i+1 : i+3])
			if !ok {
				return nil, false
			}
			out = append(out, byte(h))
			i += 2
		default:
			if c >= '0' && c <= '7' {
				v := int(c - '0')
				for k := 0; k < 2 && i+1 < len(b) && b[i+1] >= '0' && b[i+1] <= '7'; k++ {
					i++
					v = v*8 + int(b[i]-'0')
				}
				out = append(out, byte(v))
				continue
			}
			out = append(out, '\\', c)
		}
	}
	return out, true
}

func unhex(b []byte) (rune, bool) {
	var v rune
	for _, c := range b {
		switch {
		case c >= '0' && c <= '9':
			v = v*16 + rune(c-'0')
		case c >= 'a' && c <= 'f':
			v = v*16 + rune(c-'a'+10)
		case c >= 'A' && c <= 'F':
			v = v*16 + rune(c-'A'+10)
		default:
			return 0, false
		}
	}
	return v, true
}

// rawUnicodeEscape decodes Python's raw-unicode-escape (UNICODE's
// argument): bytes are Latin-1 code points, except \uXXXX and \UXXXXXXXX
// after an odd number of backslashes. A lone surrogate is refused.
func rawUnicodeEscape(b []byte) (string, bool) {
	out := make([]byte, 0, len(b))
	for i := 0; i < len(b); {
		c := b[i]
		if c != '\\' {
			out = utf8.AppendRune(out, rune(c))
			i++
			continue
		}
		j := i
		for j < len(b) && b[j] == '\\' {
			j++
		}
		out = append(out, b[i:j]...)
		run := j - i
		i = j
		if run%2 == 0 || j >= len(b) || (b[j] != 'u' && b[j] != 'U') {
			continue
		}
		out = out[:len(out)-1] // the escaping backslash
		n := 4
		if b[j] == 'U' {
			n = 8
		}
		if j+1+n > len(b) {
			return "", false
		}
		r, ok := unhex(b[j+1 : j+1+n])
		if !ok || r > utf8.MaxRune || (r >= 0xd800 && r < 0xe000) {
			return "", false
		}
		out = utf8.AppendRune(out, r)
		i = j + 1 + n
	}
	return string(out), true
}
