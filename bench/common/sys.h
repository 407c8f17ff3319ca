#pragma once
// Small Linux facts the bench tools need: the open-file limit, /proc readings of another process,
// the ephemeral port range.
#include <cstdint>
#include <optional>
#include <string>
#include <utility>

namespace fleet::bench {

// Raises the soft RLIMIT_NOFILE to the hard limit; returns the soft limit now in force.
std::uint64_t raise_nofile_limit();

// A "VmRSS:"-style field of /proc/PID/status in KiB, or nullopt when the process is gone.
std::optional<std::uint64_t> proc_status_kib(int pid, const std::string& field = "VmRSS");

// utime + stime of /proc/PID/stat in seconds, or nullopt.
std::optional<double> proc_cpu_seconds(int pid);

// Busy CPU seconds of the whole machine, all cores summed (/proc/stat: everything but idle and
// iowait), or nullopt.
std::optional<double> machine_busy_cpu_seconds();

// CPU seconds this process has used (user + system).
double self_cpu_seconds();

// net.ipv4.ip_local_port_range as [low, high]; {32768, 60999} if unreadable.
std::pair<int, int> ephemeral_port_range();

}  // namespace fleet::bench
