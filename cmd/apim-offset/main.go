// Command apim-offset sets the port offset of a WSO2 API Manager, Identity
// Server or Micro Integrator in its deployment.toml, changing only the bytes
// that must change, and shows the change as a unified diff first.
//
// Usage:
//
//	apim-offset set N [--home DIR]... | --file PATH|- [--product P] [--dry-run | --check] [--yes] [--json]
//	apim-offset get [--home DIR]... | --file PATH|- [--product P] [--json]
//	apim-offset ports [--home DIR | --file PATH | --product P] [--offset N] [--json]
//	apim-offset plan --home DIR... [--free] [--json | --apply [--dry-run | --yes]]
//	apim-offset doctor [--home DIR]... [--product P] [--json]
//	apim-offset completion bash|zsh|fish
//	apim-offset man
//	apim-offset help [COMMAND]
//	apim-offset version
//
// Run "apim-offset help COMMAND" for the details, the exit codes and examples.
package main

import "os"

func main() { os.Exit(run(os.Args, os.Stdin, os.Stdout, os.Stderr)) }
