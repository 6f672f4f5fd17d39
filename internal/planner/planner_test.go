package planner_test

import (
	"fmt"
	"testing"

	"github.com/apim-offset/apim-offset/internal/planner"
	"github.com/apim-offset/apim-offset/internal/server"
	"github.com/apim-offset/apim-offset/internal/wso2"
	"github.com/google/go-cmp/cmp"
)

func product(t testing.TB, id string) wso2.Product {
	t.Helper()
	p, ok := wso2.Lookup(id)
	if !ok {
		t.Fatalf("no product %s", id)
	}
	return p
}

// overlap reports the ports two planned servers both need.
// row is a server to plan, as the tests write it.
type row struct {
	Name    string
	Product wso2.Product
	Offset  int
	Set     bool
	PIDs    []int
}

// servers makes the rows loaded servers: the offset their file gives, and
// the processes that run from their home.
func servers(rows []row) []*server.Server {
	out := make([]*server.Server, len(rows))
	for i, r := range rows {
		var procs []server.Process
		for _, pid := range r.PIDs {
			procs = append(procs, server.Process{PID: pid})
		}
		out[i] = &server.Server{Place: server.Place{Home: r.Name, Product: r.Product},
			Effective: server.Effective{Offset: r.Offset, File: server.FileOffset{Offset: r.Offset, Set: r.Set}, Processes: procs}}
	}
	return out
}

func overlap(a, b planner.Assignment) []int {
	need := map[int]bool{}
	for _, p := range a.Server.Product.Ports {
		if p.Enabled && p.Shifts {
			need[p.Port+a.New] = true
		}
	}
	var out []int
	for _, p := range b.Server.Product.Ports {
		if p.Enabled && p.Shifts && need[p.Port+b.New] {
			out = append(out, p.Port+b.New)
		}
	}
	return out
}

func TestPlan(t *testing.T) {
	apim, mi := product(t, "apim-4"), product(t, "mi")
	tests := []struct {
		name    string
		servers []row
		inUse   map[int]int // port: the process holding it (-1: one that cannot be told)
		want    []int       // the offsets planned
	}{
		{"three new API Managers get 0, 1, 2", []row{{Name: "a", Product: apim}, {Name: "b", Product: apim}, {Name: "c", Product: apim}}, nil, []int{0, 1, 2}},
		{"a set offset is kept; the new one fits around it", []row{{Name: "a", Product: apim}, {Name: "b", Product: apim, Offset: 0, Set: true}}, nil, []int{1, 0}},
		{"100 apart collide (9611+100 = 9711): the later one moves", []row{{Name: "a", Product: apim, Offset: 0, Set: true}, {Name: "b", Product: apim, Offset: 100, Set: true}}, nil, []int{0, 1}},
		{"two equal set offsets: the second moves", []row{{Name: "a", Product: apim, Offset: 5, Set: true}, {Name: "b", Product: apim, Offset: 5, Set: true}}, nil, []int{5, 0}},
		{"Micro Integrator at its default 10 collides with nothing: it stays", []row{{Name: "a", Product: apim}, {Name: "m", Product: mi, Offset: 10}}, nil, []int{0, 10}},
		{"Micro Integrator set to 0: 8280 and 8243 are API Manager's at 0, so it moves", []row{{Name: "a", Product: apim, Offset: 0, Set: true}, {Name: "m", Product: mi, Offset: 0, Set: true}}, nil, []int{0, 1}},
		{"a home at its default keeps it; one set to it first wins", []row{{Name: "a", Product: apim, Offset: 3}, {Name: "b", Product: apim, Offset: 3, Set: true}}, nil, []int{0, 3}},
		{"a port in use pushes the offset up", []row{{Name: "a", Product: apim}}, map[int]int{9443: -1, 9444: -1}, []int{2}},
		{"a port held by the home's own running server does not", []row{{Name: "a", Product: apim, PIDs: []int{42}}}, map[int]int{9443: 42}, []int{0}},
		{"but it does for another home", []row{{Name: "a", Product: apim, Offset: 0, Set: true, PIDs: []int{42}}, {Name: "b", Product: apim, Offset: 1, Set: true}}, map[int]int{9443: 42, 9444: 7}, []int{0, 2}},
		{"a port whose owner cannot be told counts as in use", []row{{Name: "a", Product: apim, PIDs: []int{42}}}, map[int]int{9443: -1}, []int{1}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var inUse func(int) (bool, int)
			if tt.inUse != nil {
				inUse = func(p int) (bool, int) {
					pid, ok := tt.inUse[p]
					return ok, max(pid, 0)
				}
			}
			got, err := planner.Plan(servers(tt.servers), inUse)
			if err != nil {
				t.Fatal(err)
			}
			var offsets []int
			for _, a := range got {
				offsets = append(offsets, a.New)
			}
			if d := cmp.Diff(tt.want, offsets); d != "" {
				t.Errorf("offsets (-want +got):\n%s", d)
			}
			for i := range got {
				for j := i + 1; j < len(got); j++ {
					if o := overlap(got[i], got[j]); len(o) > 0 {
						t.Errorf("%s and %s share %v", got[i].Server.Name(), got[j].Server.Name(), o)
					}
				}
			}
		})
	}
}

func TestPlanMany(t *testing.T) {
	// 1,000 API Managers: every pair apart, every port at or below 65535.
	rows := make([]row, 1000)
	for i := range rows {
		rows[i] = row{Name: fmt.Sprint(i), Product: product(t, "apim-4")}
	}
	got, err := planner.Plan(servers(rows), nil)
	if err != nil {
		t.Fatal(err)
	}
	owner := map[int]string{}
	for _, a := range got {
		if a.High > 65535 {
			t.Fatalf("%s needs port %d", a.Server.Name(), a.High)
		}
		for _, p := range a.Server.Product.Ports {
			if !p.Enabled || !p.Shifts {
				continue
			}
			q := p.Port + a.New
			if o, ok := owner[q]; ok {
				t.Fatalf("port %d planned for %s and %s", q, o, a.Server.Name())
			}
			owner[q] = a.Server.Name()
		}
	}
	t.Logf("1000 API Managers: highest offset %d", got[len(got)-1].New)
}

func TestPlanFull(t *testing.T) {
	// Every port taken: nothing fits, and the error says which server.
	_, err := planner.Plan(servers([]row{{Name: "a", Product: product(t, "mi")}}), func(int) (bool, int) { return true, 0 })
	if err == nil || err.Error() != "a: no offset up to 56344 leaves all of its ports free" {
		t.Errorf("error = %v", err)
	}
}

func BenchmarkPlan1000(b *testing.B) {
	rows := make([]row, 1000)
	for i := range rows {
		rows[i] = row{Name: fmt.Sprint(i), Product: product(b, "apim-4")}
	}
	loaded := servers(rows)
	for b.Loop() {
		if _, err := planner.Plan(loaded, nil); err != nil {
			b.Fatal(err)
		}
	}
}

func TestPlanProbesOnce(t *testing.T) {
	// Ports are probed only for offsets free of the other homes, and each
	// port once: probing binds a socket.
	rows := make([]row, 50)
	for i := range rows {
		rows[i] = row{Name: fmt.Sprint(i), Product: product(t, "apim-4")}
	}
	probes := map[int]int{}
	if _, err := planner.Plan(servers(rows), func(p int) (bool, int) { probes[p]++; return false, 0 }); err != nil {
		t.Fatal(err)
	}
	for p, n := range probes {
		if n > 1 {
			t.Errorf("port %d probed %d times", p, n)
		}
	}
	if len(probes) > 50*17 {
		t.Errorf("%d ports probed for 50 homes of 17 ports", len(probes))
	}
}
