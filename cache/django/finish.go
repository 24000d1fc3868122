package django

// finish converts the decoded graph into Go values (see unpickle.go): each
// node once, in place, children first, with an explicit stack. It measures
// the value as a tree (nesting depth, values and string bytes, each shared
// reference counted) and refuses a value over the limits, one that
// contains itself, and a class or tzinfo standing alone as a value.
func (d *decoder) finish(root any) (any, error) {
	if n, ok := root.(*node); ok {
		if err := d.finishNodes(n); err != nil {
			return nil, err
		}
		return n.out, nil
	}
	if _, _, err := d.scalar(root); err != nil {
		return nil, err
	}
	return root, nil
}

// scalar checks a non-node value and returns its measure.
func (d *decoder) scalar(v any) (count, size int64, err error) {
	switch x := v.(type) {
	case string:
		return 1, int64(len(x)), nil
	case []byte:
		return 1, int64(len(x)), nil
	case ByteArray:
		return 1, int64(len(x)), nil
	case *pyGlobal:
		return 0, 0, newErr(ErrUnsupported, "pickle: the value is the Python object %s itself, not plain data", dotted(x.module, x.name))
	case *tzinfo:
		return 0, 0, newErr(ErrUnsupported, "pickle: the value is a tzinfo object, not plain data")
	}
	return 1, 0, nil
}

func (d *decoder) finishNodes(root *node) error {
	maxNodes, maxBytes := int64(d.lim.MaxNodes), int64(d.lim.MaxBytes)
	stack := []*node{root}
	root.state = 1
	for len(stack) > 0 {
		n := stack[len(stack)-1]
		descended := false
		for int(n.pos) < len(n.items) {
			c, ok := n.items[n.pos].(*node)
			if ok && c.state != 2 {
				if c.state == 1 {
					return newErr(ErrUnsupported, "pickle: a %s that contains itself (a recursive value has no Go or JSON form)", kindName[c.kind])
				}
				if len(stack) >= d.lim.MaxDepth {
					return newErr(ErrTooLarge, "pickle: nested deeper than %d", d.lim.MaxDepth)
				}
				c.state = 1
				stack = append(stack, c)
				descended = true
				break
			}
			n.pos++
		}
		if descended {
			continue
		}
		// Every child is done: replace nodes by their values, and measure.
		count, size := int64(1), int64(0)
		for i, it := range n.items {
			var cc, cs int64
			if c, ok := it.(*node); ok {
				n.items[i] = c.out
				cc, cs = c.count, c.size
			} else {
				var err error
				if cc, cs, err = d.scalar(it); err != nil {
					return err
				}
			}
			count += cc
			size += cs
			if count > maxNodes {
				return newErr(ErrTooLarge, "pickle: more than %d values as a tree (shared references count each time)", maxNodes)
			}
			if size > maxBytes {
				return newErr(ErrTooLarge, "pickle: more than %d bytes of str and bytes as a tree (shared references count each time)", maxBytes)
			}
		}
		n.count, n.size = count, size
		n.out = n.value()
		n.state = 2
		n.items, n.keys = nil, nil
		stack = stack[:len(stack)-1]
	}
	return nil
}

// value builds the Go value of a node whose items are final.
func (n *node) value() any {
	switch n.kind {
	case kList:
		if n.items == nil {
			return []any{}
		}
		return n.items
	case kTuple:
		if n.items == nil {
			return Tuple{}
		}
		return Tuple(n.items)
	case kSet:
		if n.items == nil {
			return Set{}
		}
		return Set(n.items)
	case kFrozenSet:
		if n.items == nil {
			return FrozenSet{}
		}
		return FrozenSet(n.items)
	}
	if n.allStr {
		m := make(map[string]any, len(n.items)/2)
		for i := 0; i < len(n.items); i += 2 {
			m[n.items[i].(string)] = n.items[i+1]
		}
		return m
	}
	dict := make(Dict, len(n.items)/2)
	for i := range dict {
		dict[i] = Item{Key: n.items[2*i], Value: n.items[2*i+1]}
	}
	return dict
}
