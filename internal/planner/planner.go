// Package planner assigns port offsets to several WSO2 servers on one
// machine so that no two need the same port.
//
// Each server needs the ports of its product that are on by default and move
// with the offset (wso2.Port.Enabled and Shifts), at its offset. A server
// that already has an offset keeps it unless it collides with one kept
// before it; the others get, in order, the smallest offset whose ports are
// all free: not needed by a server planned before, at or below 65535, and,
// when the caller asks, not in use on this machine.
package planner

import (
	"fmt"

	"github.com/apim-offset/apim-offset/internal/wso2"
)

// Server is one server to plan.
type Server struct {
	Name    string // for messages: its home
	Product wso2.Product
	Offset  int  // its offset now
	Set     bool // the offset is set in its file; otherwise Offset is the product's default
}

// Assignment is the plan for one server.
type Assignment struct {
	Server
	New     int  // the offset planned
	Changed bool // New differs from Offset, or the file sets none
	Low     int  // the lowest port it needs at New
	High    int  // the highest
}

// Plan assigns an offset to each server, in the order given. inUse, when
// not nil, tells whether a port is taken on this machine; such ports count
// as needed. It returns an error when a server cannot be placed.
func Plan(servers []Server, inUse func(port int) bool) ([]Assignment, error) {
	var taken [65536]bool
	needed := map[string][]int{} // by product ID
	for _, s := range servers {
		if _, ok := needed[s.Product.ID]; !ok {
			needed[s.Product.ID] = needs(s.Product)
		}
	}
	// probed remembers inUse's answers: 1 free, 2 in use. Probing binds a
	// socket, so it comes last and once a port.
	var probed [65536]uint8
	free := func(ports []int, offset int) bool {
		for _, port := range ports {
			if q := port + offset; q > 65535 || taken[q] {
				return false
			}
		}
		if inUse == nil {
			return true
		}
		for _, port := range ports {
			q := port + offset
			if probed[q] == 0 {
				probed[q] = 1
				if inUse(q) {
					probed[q] = 2
				}
			}
			if probed[q] == 2 {
				return false
			}
		}
		return true
	}
	take := func(ports []int, offset int) {
		for _, port := range ports {
			taken[port+offset] = true
		}
	}
	out := make([]Assignment, len(servers))
	placed := make([]bool, len(servers))
	// Servers whose file sets an offset keep it while it does not collide.
	for i, s := range servers {
		out[i].Server = s
		if ports := needed[s.Product.ID]; s.Set && s.Offset >= 0 && free(ports, s.Offset) {
			out[i].New, placed[i] = s.Offset, true
			take(ports, s.Offset)
		}
	}
	for i, s := range servers {
		if placed[i] {
			continue
		}
		ports, limit := needed[s.Product.ID], s.Product.MaxOffset()
		o := 0
		for o <= limit && !free(ports, o) {
			o++
		}
		if o > limit {
			return nil, fmt.Errorf("%s: no offset up to %d leaves all of its ports free", s.Name, limit)
		}
		out[i].New = o
		take(ports, o)
	}
	for i := range out {
		a := &out[i]
		a.Changed = a.New != a.Offset || !a.Set
		a.Low, a.High = 65536, -1
		for _, port := range needed[a.Product.ID] {
			a.Low, a.High = min(a.Low, port+a.New), max(a.High, port+a.New)
		}
	}
	return out, nil
}

// needs lists the ports a product needs: on by default and moving with the
// offset. Ports that do not move are the same for every server, so no
// offset can separate them.
func needs(p wso2.Product) []int {
	var out []int
	for _, port := range p.Ports {
		if port.Enabled && port.Shifts {
			out = append(out, port.Port)
		}
	}
	return out
}
