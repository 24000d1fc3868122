package cache

import "context"

// dummy stores nothing, as Django's DummyCache.
type dummy struct{}

func (dummy) get(context.Context, key) ([]byte, error)               { return nil, ErrNotFound }
func (dummy) set(context.Context, key, []byte, expiry) error         { return nil }
func (dummy) add(context.Context, key, []byte, expiry) (bool, error) { return true, nil }
func (dummy) delete(context.Context, key) (bool, error)              { return false, nil }
func (dummy) has(context.Context, key) (bool, error)                 { return false, nil }
func (dummy) getMany(context.Context, []key) (map[int][]byte, error) {
	return map[int][]byte{}, nil
}
func (dummy) setMany(context.Context, []key, [][]byte, expiry) error { return nil }
func (dummy) deleteMany(context.Context, []key) error                { return nil }
func (dummy) incr(context.Context, key, int64) (int64, error)        { return 0, ErrNotFound }
func (dummy) touch(context.Context, key, expiry) (bool, error)       { return false, nil }
func (dummy) clear(context.Context, string) error                    { return nil }
func (dummy) close() error                                           { return nil }
func (dummy) as(any) bool                                            { return false }
func (dummy) validKey(key) error                                     { return nil }
