package core

import "strings"

func (p *parser) file(c *Config, head string, off int) bool {
	dir, ok := p.decodedPath(head, off, "directory")
	if !ok {
		return false
	}
	if dir == "" {
		return p.fail(ErrInvalidPath, off, 0, "file:// needs a directory: file:///var/tmp/cache (absolute) or file://relative/dir")
	}
	c.Path = dir
	return true
}

// name handles locmem, db, dummy and uwsgicache, whose authority is a name.
func (p *parser) name(c *Config, sch *Scheme, head string, off int) bool {
	authority, path := p.split(head, off)
	raw, roff := authority, off
	if authority != "" {
		if path != "" && path != "/" {
			return p.fail(ErrInvalidPath, off+len(authority), len(path), sch.Name+":// takes a name only; remove the path "+quoteShort(path))
		}
	} else if path != "" {
		inner := strings.TrimSuffix(path[1:], "/")
		if strings.IndexByte(inner, '/') >= 0 {
			return p.fail(ErrInvalidPath, off, len(path), sch.Name+":// takes a single name, not the path "+quoteShort(path))
		}
		raw, roff = inner, off+1
	}
	name, bad, why := p.unescape(raw, false)
	if bad >= 0 {
		return p.fail(ErrMalformed, roff+bad, escLen(raw, bad), "name: "+why)
	}
	for i := 0; i < len(name); i++ {
		b := name[i]
		if b <= ' ' || b >= 0x7f || strings.IndexByte("/?#@:,", b) >= 0 {
			if b == '@' || b == ':' {
				// Do not quote the name: it may hold a password.
				p.inPassword = true
				return p.fail(ErrInvalidHost, roff, len(raw), sch.Name+":// takes no credentials or port; a name is printable ASCII without spaces or /?#@:,")
			}
			return p.fail(ErrInvalidHost, roff, len(raw), "invalid character "+quoteRuneAt(name, i)+" in the "+sch.Name+" name "+quoteShort(name)+"; a name is printable ASCII without spaces or /?#@:,")
		}
	}
	switch {
	case name != "":
		c.Path = name
	case sch.Backend == BackendDB:
		return p.fail(ErrInvalidPath, off, 0, "db:// needs a table name: db://my_cache_table")
	case sch.Backend == BackendUWSGI:
		c.Path = "default"
	}
	return true
}
