package judge_test

import (
	"github.com/apim-offset/apim-offset/internal/judge"
	"github.com/apim-offset/apim-offset/internal/server"
	"github.com/apim-offset/apim-offset/internal/wso2"
	"github.com/apim-offset/apim-offset/patcher"
)

// Home is a server to judge: its home, product, file and the file's bytes.
type Home struct {
	Dir     string
	Product wso2.Product
	File    string
	Src     []byte
}

// environ is a System that also has an environment, as the servers are
// loaded with.
type environ interface {
	judge.System
	Getenv(string) string
}

// check loads the homes on sys, as doctor does, and judges them all.
func check(homes []Home, sys environ) []judge.Finding {
	procs, _ := sys.Processes()
	m := server.Machine{Getenv: sys.Getenv, Processes: procs}
	var servers []*server.Server
	for _, h := range homes {
		p := server.Place{Home: h.Dir, Path: h.File, Product: h.Product, Known: true}
		servers = append(servers, server.Load(p, h.Src, patcher.Auto, m))
	}
	return judge.Check(servers, sys, judge.All)
}
