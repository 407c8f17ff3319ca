#include "fleet/common/priority.h"

#include <unistd.h>

#include <fstream>

namespace fleet::priority {

bool yield_to_other_processes(int nice) {
  if (getsid(0) != getpid()) return false;
  std::ofstream autogroup("/proc/self/autogroup");
  if (!autogroup) return false;  // a kernel without CONFIG_SCHED_AUTOGROUP
  autogroup << nice << '\n';
  autogroup.flush();
  return static_cast<bool>(autogroup);
}

}  // namespace fleet::priority
