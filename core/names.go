package core

import "strings"

func (p *parser) file(c *Config, head string, off int) bool {
	dir, bad, why := p.unescape(head, false)
	if bad >= 0 {
		for _, sp := range secretSpans(p.s, guessPassword) {
			if off+bad >= sp.start && off+bad < sp.end {
				// file://user:p%0Ass@host/dir: what looks like a password
				// is part of the directory; do not quote it.
				p.inPassword = true
				return p.fail(ErrMalformed, sp.start, sp.end-sp.start, "file:// takes a directory, which has no username or password: the text before '@' is part of the directory name, and it has an invalid percent-escape or decodes to a control character or invalid UTF-8; remove the credentials")
			}
		}
		return p.fail(ErrMalformed, off+bad, escLen(head, bad), "directory: "+why)
	}
	if dir == "" {
		return p.fail(ErrInvalidPath, off, 0, "file:// needs a directory: file:///var/tmp/cache (absolute) or file://relative/dir")
	}
	c.Path = dir
	return true
}

// name handles locmem, db, dummy and uwsgicache, whose authority is a name:
// printable ASCII without spaces or "/?#@:,", checked on the raw text, then
// percent-decoded (so locmem://%2F is the name "/", as in django-cache-url).
// The name is the authority, or the single path segment (locmem:///x).
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
	for i := 0; i < len(raw); i++ {
		b := raw[i]
		if b <= ' ' || b >= 0x7f || strings.IndexByte("/?#@:,", b) >= 0 {
			if b == '@' || b == ':' {
				// Do not quote the name: it may hold a password.
				p.inPassword = true
				return p.fail(ErrInvalidHost, roff, len(raw), sch.Name+":// takes no credentials or port; a name is printable ASCII without spaces or /?#@:, (percent-encode any other character, e.g. %3A for ':')")
			}
			return p.fail(ErrInvalidHost, roff, len(raw), "invalid character "+quoteRuneAt(raw, i)+" in the "+sch.Name+" name "+quoteShort(raw)+"; a name is printable ASCII without spaces or /?#@:, (percent-encode any other character)")
		}
	}
	name, bad, why := p.unescape(raw, false)
	if bad >= 0 {
		return p.fail(ErrMalformed, roff+bad, escLen(raw, bad), "name: "+why)
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

// escapeName writes a locmem, db, dummy or uwsgicache name so that it reads
// back as the same name: percent-encoded as userinfo is, and ',' as %2C.
func escapeName(b *strings.Builder, s string) {
	for {
		i := strings.IndexByte(s, ',')
		if i < 0 {
			escape(b, s, encUserinfo)
			return
		}
		escape(b, s[:i], encUserinfo)
		b.WriteString("%2C")
		s = s[i+1:]
	}
}
