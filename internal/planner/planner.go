// Package planner assigns port offsets to several WSO2 servers on one
// machine so that no two need the same port.
//
// Each server needs its own ports that move with the offset, at its offset:
// those of its package and version's table that are on, with the bases its
// file sets (the loaded server's Product), and
// those the table lists as unverified (wso2.Port.Unverified): keeping clear
// of a port that may be open costs nothing. A server keeps the offset it
// runs at (its file's, or its product's default when the file sets none)
// unless it collides with one kept before it, servers whose file sets an
// offset first; the others get, in order, the smallest offset whose ports
// are all free: not needed by a server planned before, at or below 65535,
// and, when the caller asks, not in use on this machine by any process but
// the server's own.
package planner

import (
	"fmt"
	"slices"

	"github.com/apim-offset/apim-offset/internal/server"
	"github.com/apim-offset/apim-offset/internal/wso2"
)

// Assignment is the plan for one server.
type Assignment struct {
	Server  *server.Server
	Offset  int  // its offset now: its file's, or its product's default when the file sets none
	Set     bool // the offset is set in its file
	New     int  // the offset planned
	Changed bool // New differs from Offset
	Low     int  // the lowest port it needs at New
	High    int  // the highest
}

// pids are the processes running from s's home: a port one of them holds
// is not in use against it.
func pids(s *server.Server) []int {
	var out []int
	for _, p := range s.Effective.Processes {
		out = append(out, p.PID)
	}
	return out
}

// Plan assigns an offset to each server, in the order given. inUse, when
// not nil, tells whether a port is taken on this machine and by which
// process (0 when that cannot be told); such ports count as needed, except
// against the server whose process holds them. It returns an error when a
// server cannot be placed.
//
// Servers keep their offset first, while it collides with none kept before:
// those whose file sets one, then those at their product's default; then
// the others are placed in order.
func Plan(servers []*server.Server, inUse func(port int) (bool, int)) ([]Assignment, error) {
	b := &board{inUse: inUse}
	out := make([]Assignment, len(servers))
	for i, s := range servers {
		f := s.Effective.File
		out[i] = Assignment{Server: s, Offset: f.Offset, Set: f.Set}
	}
	placed := make([]bool, len(servers))
	for _, set := range []bool{true, false} {
		for i := range out {
			a := &out[i]
			if ports := needs(a.Server.Product); a.Set == set && a.Offset >= 0 && b.free(ports, a.Offset, pids(a.Server)) {
				a.New, placed[i] = a.Offset, true
				b.take(ports, a.Offset)
			}
		}
	}
	for i, s := range servers {
		if placed[i] {
			continue
		}
		o, err := b.place(s)
		if err != nil {
			return nil, err
		}
		out[i].New = o
	}
	for i := range out {
		a := &out[i]
		a.Changed = a.New != a.Offset
		a.Low, a.High = 65536, -1
		for _, port := range needs(a.Server.Product) {
			a.Low, a.High = min(a.Low, port+a.New), max(a.High, port+a.New)
		}
	}
	return out, nil
}

// board is the machine's ports as the plan takes them.
type board struct {
	taken [65536]bool
	inUse func(port int) (bool, int)
	// probed remembers inUse's answers: 1 free, 2 in use, with the owner
	// in owner. Probing binds a socket, so it comes last and once a port.
	probed [65536]uint8
	owner  map[int]int
	// next is, by the ports a server needs, the offset where the search
	// for the next such server starts: the offsets below the last placed
	// were not free then, and taken ports stay taken.
	next map[string]int
}

// place gives s the smallest offset whose ports are free, and takes them.
func (b *board) place(s *server.Server) (int, error) {
	ports, limit, own := needs(s.Product), s.Product.MaxOffset(), pids(s)
	key := fmt.Sprint(ports, own) // who may hold a port changes what is free
	o := b.next[key]
	for o <= limit && !b.free(ports, o, own) {
		o++
	}
	if o > limit {
		return 0, fmt.Errorf("%s: no offset up to %d leaves all of its ports free", s.Name(), limit)
	}
	b.take(ports, o)
	if b.next == nil {
		b.next = map[string]int{}
	}
	b.next[key] = o + 1
	return o, nil
}

// free tells whether ports, moved by offset, are all within 65535, not
// taken by the plan and, with inUse, not in use on the machine by a process
// other than own.
func (b *board) free(ports []int, offset int, own []int) bool {
	for _, port := range ports {
		if q := port + offset; q > 65535 || b.taken[q] {
			return false
		}
	}
	if b.inUse == nil {
		return true
	}
	for _, port := range ports {
		q := port + offset
		if b.probed[q] == 0 {
			b.probed[q] = 1
			if used, pid := b.inUse(q); used {
				b.probed[q] = 2
				if b.owner == nil {
					b.owner = map[int]int{}
				}
				b.owner[q] = pid
			}
		}
		if b.probed[q] == 2 && (b.owner[q] == 0 || !slices.Contains(own, b.owner[q])) {
			return false
		}
	}
	return true
}

func (b *board) take(ports []int, offset int) {
	for _, port := range ports {
		b.taken[port+offset] = true
	}
}

// needs lists the ports a server needs: on (or unverified) and moving with
// the offset. Ports that do not move are the same for every server, so no
// offset can separate them.
func needs(p wso2.Product) []int {
	var out []int
	for _, port := range p.Ports {
		if (port.Enabled || port.Unverified) && port.Shifts {
			out = append(out, port.Port)
		}
	}
	return out
}
