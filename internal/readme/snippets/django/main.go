// Command django-view prints the Django CACHES entry a Django service
// reading the same CACHE_URL gets, as django-cache-url 3.4.6 builds it.
package main

import (
	"encoding/json"
	"fmt"
	"log"

	"github.com/cacheurl/cacheurl/core"
)

func main() {
	c, err := core.Parse("redis://:secret@Cache:6379/1?key_prefix=app&timeout=5m")
	if err != nil {
		log.Fatal(err)
	}
	view, err := c.Redact().Django() // map[string]any, ready for encoding/json
	if err != nil {
		log.Fatal(err) // Sentinel and Cluster URLs have no Django view
	}
	out, _ := json.MarshalIndent(view, "", "  ")
	fmt.Println(string(out))
}
