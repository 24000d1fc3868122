package core

import (
	"context"
	"errors"
	"fmt"
	"testing"
)

func TestRedactText(t *testing.T) {
	max := 3
	known := Config{
		Scheme: "redis", Backend: BackendRedis, Hosts: []string{"h:6379"},
		Password: "p@ss/word", Options: map[string]string{"auth_token": "tok-123", "pool_size": "3"},
		MaxEntries: &max,
	}
	handMade := Config{Scheme: "redis://u:hunter2@h", Backend: BackendFile, Hosts: []string{"hunter3@h2"}}
	tests := []struct {
		name, in string
		known    []Config
		want     string
	}{
		{"valid URL: password and credential parameters, the rest as written",
			"redis://u:pw@h/0?key_prefix=me@corp&Token=t1&timeout=5m", nil,
			"redis://u:xxxxx@h/0?key_prefix=me@corp&Token=xxxxx&timeout=5m"},
		{"valid URL without secrets", "memcached://a,b:11211?key_prefix=x@y", nil,
			"memcached://a,b:11211?key_prefix=x@y"},
		{"valid URL: userinfo", "redis://:pw@h/0", nil, "redis://:xxxxx@h/0"},
		{"valid URL: a ':' in the password", "redis://u:p:w@h/0", nil, "redis://u:xxxxx@h/0"},
		{"valid URL: an '@' in the password", "redis://u:p@w@h/0", nil, "redis://u:xxxxx@h/0"},
		{"valid URL: surrounding spaces kept", "  redis://u:pw@h/0  ", nil, "  redis://u:xxxxx@h/0  "},
		{"valid URL: username only", "redis://u@h/0", nil, "redis://u@h/0"},
		{"valid URL: credential parameter names in any case, escaped",
			"redis://h/0?x_Password=s&a=1&pass%77ord=s&passwords=s", nil,
			"redis://h/0?x_Password=xxxxx&a=1&pass%77ord=xxxxx&passwords=s"},
		{"valid URL: a directory that looks like userinfo", "file://u:p@dir", nil, "file://u:p@dir"},
		{"invalid URL: a raw / in the password", "redis://u:S3cr/et@cache/0", nil,
			"redis://u:xxxxx@cache/0"},
		{"invalid URL: bad port", "redis://:hunter2@h:99999/0?password=hunter3", nil,
			"redis://:xxxxx@h:99999/0?password=xxxxx"},
		{"a URL inside a message", `dial "redis://:hunter2@h:6379/0": refused`, nil,
			`dial "redis://:xxxxx@h:6379/0": refused`},
		{"text without secrets", "dial tcp 127.0.0.1:6379: connect: connection refused", nil,
			"dial tcp 127.0.0.1:6379: connect: connection refused"},
		{"empty", "", nil, ""},
		{"known config: password as given and encoded, credential options",
			"WRONGPASS p@ss/word; url redis://:p%40ss%2Fword@h; token tok-123; pool 3", []Config{known},
			"WRONGPASS xxxxx; url redis://:xxxxx@h; token xxxxx; pool 3"},
		{"known hand-made config: userinfo in the scheme and a host",
			`unsupported backend: scheme "redis://u:hunter2@h"`, []Config{handMade},
			`unsupported backend: scheme "redis://u:xxxxx@h"`},
		{"known hand-made config: userinfo in a host", `host "hunter3@h2"`, []Config{handMade},
			`host "xxxxx@h2"`},
		// A secret of one or two bytes is replaced where it stands alone,
		// and kept inside longer words, where it shows nothing and
		// replacing it would mangle the text.
		{"short secret alone", "auth failed: q", []Config{{Password: "q"}}, "auth failed: xxxxx"},
		{"short secret quoted, and in a word", "the password 'q' is wrong; request refused", []Config{{Password: "q"}},
			"the password 'xxxxx' is wrong; request refused"},
		{"two-byte secret", "zq zqx xzq (zq)", []Config{{Password: "zq"}}, "xxxxx zqx xzq (xxxxx)"},
		{"short secret only in words", "ERR DB index is out of range", []Config{{Password: "e"}}, "ERR DB index is out of range"},
		{"short secret only in numbers", "dial tcp 127.0.0.1:6379: refused", []Config{{Password: "7"}}, "dial tcp 127.0.0.1:6379: refused"},
		{"short secret of punctuation", "a ! b!c", []Config{{Password: "!"}}, "a xxxxx b!c"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := RedactText(tt.in, tt.known...); got != tt.want {
				t.Errorf("RedactText(%q) =\n %q, want\n %q", tt.in, got, tt.want)
			}
		})
	}
}

// TestRedactError: the error's text is RedactText's, and the error still
// matches what it wraps; an error whose text shows no secret is returned as
// it is.
func TestRedactError(t *testing.T) {
	c := Config{Scheme: "redis", Password: "hunter2"}
	cause := fmt.Errorf("%w: server said hunter2", context.DeadlineExceeded)
	err := RedactError(cause, c)
	if err.Error() != "context deadline exceeded: server said xxxxx" || !errors.Is(err, context.DeadlineExceeded) || errors.Unwrap(err) != cause {
		t.Errorf("RedactError = %q (unwraps to %v)", err, errors.Unwrap(err))
	}
	plain := errors.New("connection refused")
	if RedactError(plain, c) != plain || RedactError(nil, c) != nil {
		t.Error("RedactError changed an error without a secret, or nil")
	}
}
