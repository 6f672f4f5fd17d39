// Package parsecount counts the parses of deployment.toml files in this
// process (patcher.Parse, and the parse of an edit's result that checks
// it), so that a test can hold each command to one parse of each file.
package parsecount

import "sync/atomic"

var n atomic.Int64

// Add counts one parse.
func Add() { n.Add(1) }

// Load is how many parses this process has made.
func Load() int64 { return n.Load() }
