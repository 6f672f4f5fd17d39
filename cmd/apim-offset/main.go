// Command apim-offset sets the port offset of a WSO2 API Manager, Identity
// Server or Micro Integrator in its deployment.toml, changing only the bytes
// that must change, and shows the change as a unified diff first.
//
// Usage:
//
//	apim-offset set N [--home DIR | --file PATH] [--product P] [--shift-literals] [--dry-run] [--yes]
//	apim-offset get [--home DIR | --file PATH] [--product P]
//	apim-offset ports [--home DIR | --file PATH | --product P] [--offset N] [--json]
//	apim-offset doctor [--home DIR]... [--product P] [--json]
//
// Run "apim-offset --help" for the details and the exit codes.
package main

import "os"

func main() { os.Exit(run(os.Args, os.Stdin, os.Stdout, os.Stderr)) }
