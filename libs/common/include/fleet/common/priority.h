#pragma once
// A process's share of the CPU against the other processes of the machine.

namespace fleet::priority {

// Makes this whole process yield the CPU to other processes, for a service whose work can wait
// (auth's password hashing yields to the gateway's reads). Linux with autogroups divides the
// CPU between sessions first and only then between a session's threads, so a thread's nice
// orders only the threads of its own session: a service started in a session of its own
// (deploy/dev/up) would get an equal share whatever its threads' nice. This sets the nice of
// the session's autogroup, but only when this process leads the session, so that the shell or
// test runner that started it is never touched. Returns whether it was set; false without
// autogroups or when the session is another process's.
bool yield_to_other_processes(int nice);

}  // namespace fleet::priority
