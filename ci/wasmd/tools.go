//go:build tools

// Records the wasmd command as a dependency so that `go mod tidy` keeps go.sum complete.
package tools

import _ "github.com/CosmWasm/wasmd/cmd/wasmd"
