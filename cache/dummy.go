package cache

import "context"

// dummy stores nothing, as Django's DummyCache.
type dummy struct{}

func (dummy) get(context.Context, string) ([]byte, error)               { return nil, ErrNotFound }
func (dummy) set(context.Context, string, []byte, expiry) error         { return nil }
func (dummy) add(context.Context, string, []byte, expiry) (bool, error) { return true, nil }
func (dummy) delete(context.Context, string) (bool, error)              { return false, nil }
func (dummy) has(context.Context, string) (bool, error)                 { return false, nil }
func (dummy) getMany(context.Context, []string) (map[string][]byte, error) {
	return map[string][]byte{}, nil
}
func (dummy) setMany(context.Context, []string, [][]byte, expiry) error { return nil }
func (dummy) deleteMany(context.Context, []string) error                { return nil }
func (dummy) incr(context.Context, string, int64) (int64, error)        { return 0, ErrNotFound }
func (dummy) touch(context.Context, string, expiry) (bool, error)       { return false, nil }
func (dummy) clear(context.Context, string) error                       { return nil }
func (dummy) close() error                                              { return nil }
func (dummy) as(any) bool                                               { return false }
func (dummy) validKey(string) error                                     { return nil }
