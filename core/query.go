package core

import "strings"

// Query parameters.

// query parses the query string (form-style) into c. off is the offset of
// query in s (-1 when there is none).
func (p *parser) query(c *Config, sch *Scheme, q string, off int) bool {
	if q == "" {
		return true
	}
	var seenBuf [16]string
	seen := seenBuf[:0]
	var seenMap map[string]struct{}
	if len(q) > 256 {
		// Room for every parameter up front (each is a field with an '='):
		// growing a map of a thousand options costs more than counting.
		p.optHint = min(strings.Count(q, "&")+1, strings.Count(q, "="))
	}
	for len(q) > 0 {
		// One pass over the field: its end, its first '=', any ';'.
		end, eq := len(q), -1
		for i := 0; i < len(q); i++ {
			switch q[i] {
			case '&':
				end = i
				i = len(q)
			case '=':
				if eq < 0 {
					eq = i
				}
			case ';':
				return p.fail(ErrInvalidParameter, off+i, 1, "';' is not a parameter separator here; use '&' between parameters, and write a ';' inside a value as %3B")
			}
		}
		field := q[:end]
		if end < len(q) {
			q = q[end+1:]
		} else {
			q = ""
		}
		foff := off
		off += len(field) + 1
		if field == "" {
			continue
		}
		if eq < 0 {
			return p.fail(ErrInvalidParameter, foff, len(field), "parameter "+quoteShort(field)+" has no value; write name=value")
		}
		rawName, rawVal := field[:eq], field[eq+1:]
		name, bad, why := p.unescape(rawName, true)
		if bad >= 0 {
			return p.fail(ErrInvalidParameter, foff+bad, escLen(rawName, bad), "parameter name: "+why)
		}
		if name == "" {
			return p.fail(ErrInvalidParameter, foff, len(field), "empty parameter name in "+quoteShort(field))
		}
		lower := true
		for i := 0; i < len(name); i++ {
			switch cls := byteClass[name[i]]; {
			case cls&clsName != 0:
			case cls&clsUpper != 0:
				lower = false
			default:
				return p.fail(ErrInvalidParameter, foff, len(rawName), "invalid parameter name "+quoteShort(name)+"; names are ASCII letters, digits, '_', '.' and '-'")
			}
		}
		if !lower {
			name = strings.ToLower(name)
		}
		key := name
		if key == "ttl" {
			key = "timeout"
		}
		if (len(key) == 7 || len(key) == 8) && (key == "backend" || key == "location" || key == "options") {
			return p.fail(ErrReservedParameter, foff, len(rawName), "parameter "+quoteShort(name)+" is reserved (it would overwrite Django's "+strings.ToUpper(key)+"); remove it")
		}
		// A scan of the first few names; a map beyond them, so that a
		// query of a thousand parameters stays linear.
		dup := false
		if seenMap != nil {
			_, dup = seenMap[key]
			seenMap[key] = struct{}{}
		} else {
			for _, k := range seen {
				if k == key {
					dup = true
					break
				}
			}
			if seen = append(seen, key); len(seen) == cap(seenBuf) {
				seenMap = make(map[string]struct{}, p.optHint)
				for _, k := range seen {
					seenMap[k] = struct{}{}
				}
			}
		}
		if dup {
			what := quoteShort(name)
			if key == "timeout" {
				what = "timeout (alias ttl)"
			}
			return p.fail(ErrDuplicateParameter, foff, len(rawName), "parameter "+what+" is given twice (names are case-insensitive); give it once")
		}
		if rawVal == "" {
			continue // an empty value drops the parameter, as in the reference
		}
		voff := foff + eq + 1
		val, bad, why := p.unescape(rawVal, true)
		if bad >= 0 {
			if IsCredentialOption(key) {
				p.inPassword = true
				return p.fail(ErrInvalidParameter, voff, len(rawVal), "parameter "+quoteShort(name)+": its value has an invalid percent-escape or decodes to invalid text (write '%' itself as %25)")
			}
			return p.fail(ErrInvalidParameter, voff+bad, escLen(rawVal, bad), "parameter "+quoteShort(name)+": "+why)
		}
		if val == Redacted && IsCredentialOption(key) {
			p.inPassword = true
			return p.fail(ErrInvalidParameter, voff, len(rawVal), "parameter "+quoteShort(name)+urlMarkerMsg)
		}
		if !p.param(c, sch, key, val, voff, len(rawVal)) {
			return false
		}
	}
	return true
}

func (p *parser) param(c *Config, sch *Scheme, key, val string, off, n int) bool {
	switch key {
	case "timeout":
		t, msg := parseTimeout(val)
		if msg != "" {
			return p.fail(ErrInvalidParameter, off, n, "timeout "+msg)
		}
		c.TTL = t
		p.timeoutOff, p.timeoutLen = off, n
	case "key_prefix":
		c.KeyPrefix = val
	case "key_function":
		c.KeyFunction = val
	case "version":
		v, ok := parseUint(val, maxInt)
		if !ok {
			return p.fail(ErrInvalidParameter, off, n, "version "+quoteShort(val)+" must be a whole number from 0 to 2147483647")
		}
		c.Version = p.newInt(v)
	case "max_entries":
		v, ok := parseUint(val, maxInt)
		if !ok || v < 1 {
			return p.fail(ErrInvalidParameter, off, n, "max_entries "+quoteShort(val)+" must be a whole number from 1 to 2147483647")
		}
		c.MaxEntries = p.newInt(v)
	case "cull_frequency":
		v, ok := parseUint(val, maxInt)
		if !ok {
			return p.fail(ErrInvalidParameter, off, n, "cull_frequency "+quoteShort(val)+" must be a whole number from 0 to 2147483647")
		}
		c.CullFrequency = p.newInt(v)
	case "lib":
		if val != "redis-cache" && val != "django-redis" {
			msg := "lib " + quoteShort(val) + " must be redis-cache or django-redis"
			if l := strings.ToLower(val); l == "redis-cache" || l == "django-redis" {
				msg += " (lower-case)"
			}
			return p.fail(ErrInvalidParameter, off, n, msg)
		}
		c.Lib = val
		p.libOff, p.libLen = off-4, n+4
	case "db":
		if sch.Backend != BackendRedis {
			return p.option(c, key, val, off, n)
		}
		v, ok := parseUint(val, maxInt)
		if !ok {
			return p.fail(ErrInvalidParameter, off, n, "db "+quoteShort(val)+" must be a number from 0 to 2147483647")
		}
		c.DB = v
		p.dbFromQuery = true
		p.dbOff, p.dbLen = off, n
	case "master_name":
		if sch.Topology != Sentinel {
			return p.option(c, key, val, off, n)
		}
		p.masterFromQuery = true
		return p.setMaster(c, val, off)
	default:
		return p.option(c, key, val, off, n)
	}
	return true
}

func (p *parser) option(c *Config, key, val string, off, n int) bool {
	if key == "max_connections" {
		p.maxConnOff, p.maxConnLen = off, n
	}
	if c.Options == nil {
		c.Options = make(map[string]string, p.optHint)
	}
	c.Options[key] = val
	return true
}

// newInt returns a pointer to v; the three optional integers of one Config
// share one allocation.
func (p *parser) newInt(v int) *int {
	if p.ints == nil {
		p.ints = new([3]int)
	}
	x := &p.ints[p.nints]
	p.nints++
	*x = v
	return x
}
