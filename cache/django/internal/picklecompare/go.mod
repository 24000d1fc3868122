// This module only measures (it is not imported by anything): the pickle
// libraries package django was compared with, kept out of the main module's
// dependency list.
module github.com/cacheurl/cacheurl/cache/django/internal/picklecompare

go 1.24.0

replace github.com/cacheurl/cacheurl => ../../../..

require (
	github.com/cacheurl/cacheurl v0.0.0-00010101000000-000000000000
	github.com/kisielk/og-rek v1.3.0
	github.com/nlpodyssey/gopickle v0.2.0
)

require (
	github.com/aristanetworks/gomap v0.0.0-20230726210543-f4e41046dced // indirect
	golang.org/x/exp v0.0.0-20230725093048-515e97ebf090 // indirect
)
