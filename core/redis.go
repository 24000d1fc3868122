package core

import "strings"

func (p *parser) redis(c *Config, sch *Scheme, head string, off int) bool {
	if sch.Name == "unix" {
		return p.unix(c, head, off)
	}
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
		if !ok {
			return false
		}
		if hosts == "" && sch.Topology == Standalone && !isDBPath(path) {
			// redis://:pw@/path.sock: credentials before a socket path.
			p.inPassword = true
			return p.fail(ErrInvalidUserinfo, poff, len(rawPath), sch.Name+
				":// puts a unix socket after an empty authority (redis:///path/to.sock), which has no room for a username or password: write unix://[user]:password@/path/to.sock, or "+
				sch.Name+":///path/to.sock?password=...")
		}
		if !p.hostList(c, hosts, hoff, sch.DefaultPort) {
			return false
		}
	}
	switch sch.Topology {
	case Sentinel:
		return p.sentinelPath(c, path, poff)
	case Cluster:
		if path == "" || path == "/" {
			return true
		}
		if !isDBPath(path) {
			return p.fail(ErrInvalidPath, poff, len(rawPath), "a redis cluster URL takes no path, only its nodes; remove "+quoteShort(path))
		}
		// finish holds a cluster to db 0, from the path or from ?db=.
		ok := p.setDB(c, path[1:], poff+1, len(rawPath)-1)
		p.dbOff, p.dbLen = poff, len(rawPath)
		return ok
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
		return p.fail(ErrInvalidPath, off, len(path), slashSocketMsg(sock, sch.Name))
	}
	c.Socket = sock
	c.Topology = Standalone
	return true
}

// slashSocketMsg is the error for a socket path made only of slashes.
func slashSocketMsg(sock, scheme string) string {
	return "unix socket path " + quoteShort(sock) + " names no file; write the socket's absolute path: " + scheme + ":///path/to.sock"
}

// unix parses unix://[[user]:password@]/path/to/redis.sock[?db=N], redis-py's
// and go-redis's spelling of a redis unix socket: userinfo before an empty
// host, then the socket's absolute path. The whole path is the socket (a
// trailing all-digit segment is part of it): the db is given only as ?db=N.
func (p *parser) unix(c *Config, head string, off int) bool {
	authority, rawPath := p.split(head, off)
	poff := off + len(authority)
	if authority != "" {
		hosts, hoff, ok := p.userinfo(c, authority, off)
		if !ok {
			return false
		}
		if hosts != "" {
			// Not quoted: without an '@' it may be a password.
			p.inPassword = true
			return p.fail(ErrInvalidHost, hoff, len(hosts), "unix:// takes no host, only a socket path: unix:///path/to/redis.sock, with credentials unix://[user]:password@/path/to/redis.sock")
		}
	}
	path, ok := p.decodedPath(rawPath, poff, "socket path")
	if !ok {
		return false
	}
	if path == "" {
		return p.fail(ErrInvalidPath, poff, 0, "unix:// needs the socket's absolute path: unix:///path/to/redis.sock[?db=N]")
	}
	if strings.Trim(path, "/") == "" {
		return p.fail(ErrInvalidPath, poff, len(rawPath), slashSocketMsg(path, "unix"))
	}
	c.Socket = path
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
