package cache

import "github.com/cacheurl/cacheurl/core"

// SetLocmemImpl selects the locmem driver for a test ("lru", the driver;
// "otter", the measured alternative) and returns the undo.
func SetLocmemImpl(name string) func() {
	old := newLocmemDriver
	if name == "otter" {
		newLocmemDriver = func(cfg core.Config) (driver, error) { return newOtterLocmem(cfg) }
	}
	return func() { newLocmemDriver = old }
}
