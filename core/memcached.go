package core

import "strings"

func (p *parser) memcached(c *Config, sch *Scheme, head string, off int) bool {
	authority, rawPath := p.split(head, off)
	poff := off + len(authority)
	path, ok := p.decodedPath(rawPath, poff, "path")
	if !ok {
		return false
	}
	if authority == "" {
		if path == "" || path == "/" {
			return p.fail(ErrInvalidHost, off, 0, sch.Name+":// needs hosts (host:11211,host2) or a unix socket ("+sch.Name+":///path/to.sock)")
		}
		if sch.Name == "elasticache" {
			return p.fail(ErrInvalidPath, poff, len(rawPath), "elasticache:// needs the cluster's configuration endpoint host, not a unix socket")
		}
		if strings.Trim(path, "/") == "" {
			return p.fail(ErrInvalidPath, poff, len(rawPath), slashSocketMsg(path, sch.Name))
		}
		c.Socket = path
		return true
	}
	hosts, hoff, ok := p.userinfo(c, authority, off)
	if !ok || !p.hostList(c, hosts, hoff, 0) {
		return false
	}
	if path != "" && path != "/" {
		return p.fail(ErrInvalidPath, poff, len(rawPath), "memcached takes no path after the hosts; remove "+quoteShort(path))
	}
	return true
}
