module github.com/apim-offset/apim-offset

go 1.25.0

require (
	github.com/google/go-cmp v0.7.0
	github.com/pelletier/go-toml/v2 v2.4.3
	github.com/rogpeppe/go-internal v1.16.0
	github.com/sergi/go-diff v1.4.0
	github.com/urfave/cli/v3 v3.14.0
	golang.org/x/sys v0.47.0
	golang.org/x/term v0.45.0
)

require golang.org/x/tools v0.26.0
