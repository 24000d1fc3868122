package core

import "strings"

func (p *parser) redis(c *Config, sch *Scheme, head string, off int) bool {
	authority, rawPath := p.split(head, off)
	poff := off + len(authority)
	path, ok := p.decodedPath(rawPath, poff, "path")
	if !ok {
		return false
	}
	if authority == "" {
		if sch.Topology == Standalone && !isDBPath(path) {
			return p.socket(c, sch, path, poff)
		}
		c.Hosts = []string{"localhost:" + defaultPortText(sch.DefaultPort)}
	} else {
		hosts, hoff, ok := p.userinfo(c, authority, off)
		if !ok || !p.hostList(c, hosts, hoff, sch.DefaultPort) {
			return false
		}
	}
	switch sch.Topology {
	case Sentinel:
		return p.sentinelPath(c, path, poff)
	case Cluster:
		if path != "" && path != "/" && path != "/0" {
			return p.fail(ErrInvalidPath, poff, len(rawPath), "redis cluster has only db 0; remove the path "+quoteShort(path))
		}
		return true
	}
	if path == "" || path == "/" {
		return true
	}
	if !isDBPath(path) {
		return p.fail(ErrInvalidPath, poff, len(rawPath), "redis path "+quoteShort(path)+" must be /db, a number from 0 to 2147483647 (a unix socket has no host: redis:///path/to.sock)")
	}
	return p.setDB(c, path[1:], poff+1, len(rawPath)-1)
}

// isDBPath reports whether path is "", "/" or "/N".
func isDBPath(path string) bool {
	return path == "" || path == "/" || (path[0] == '/' && allDigits(path[1:]))
}

func (p *parser) setDB(c *Config, digits string, off, n int) bool {
	v, ok := parseUint(digits, maxInt)
	if !ok {
		return p.fail(ErrInvalidPath, off, n, "db "+quoteShort(digits)+" must be a number from 0 to 2147483647")
	}
	if c.DB != 0 || p.dbFromQuery {
		return p.fail(ErrDuplicateParameter, off, n, "db is given both in the path and as ?db=; give it once")
	}
	c.DB = v
	return true
}

func (p *parser) socket(c *Config, sch *Scheme, path string, off int) bool {
	if sch.TLS {
		return p.fail(ErrInvalidPath, off, len(path), sch.Name+":// cannot use a unix socket (no TLS over sockets); use redis:///path/to.sock")
	}
	sock := path
	if i := strings.LastIndexByte(path, '/'); allDigits(path[i+1:]) {
		sock = path[:i]
		if !p.setDB(c, path[i+1:], off+i+1, len(path)-i-1) {
			return false
		}
	}
	if strings.Trim(sock, "/") == "" {
		return p.fail(ErrInvalidPath, off, len(path), "invalid unix socket path "+quoteShort(sock))
	}
	c.Socket = sock
	c.Topology = Standalone
	return true
}

func (p *parser) sentinelPath(c *Config, path string, off int) bool {
	if path == "" || path == "/" {
		return true
	}
	rest := path[1:]
	master, db, hasDB := strings.Cut(rest, "/")
	if p.masterFromQuery {
		// With ?master_name= the path can only be /db.
		if !allDigits(rest) {
			return p.fail(ErrDuplicateParameter, off, len(path), "the master name is given both in the path and as ?master_name=; give it once")
		}
		return p.setDB(c, rest, off+1, len(rest))
	}
	if master == "" {
		return p.fail(ErrInvalidPath, off, len(path), "empty sentinel master name; write redis+sentinel://host:26379/mymaster[/db]")
	}
	if !p.setMaster(c, master, off+1) {
		return false
	}
	if hasDB {
		if !allDigits(db) {
			return p.fail(ErrInvalidPath, off+1+len(master), len(db)+1, "sentinel path must be /master or /master/db; "+quoteShort(db)+" is not a db number")
		}
		return p.setDB(c, db, off+2+len(master), len(db))
	}
	return true
}

func (p *parser) setMaster(c *Config, m string, off int) bool {
	for i := 0; i < len(m); i++ {
		if m[i] <= ' ' || m[i] >= 0x7f {
			return p.fail(ErrInvalidPath, off, len(m), "sentinel master name "+quoteShort(m)+" must be printable ASCII without spaces")
		}
	}
	c.Master = m
	return true
}
