package doctor

// HomeProcesses keeps the processes that run from home: started with
// -Dcarbon.home=HOME or a script under HOME/bin. The planner uses it to
// tell a home's own running server from other holders of its ports.
func HomeProcesses(home string, procs []Process) []Process {
	return homeProcesses(home, procs)
}
