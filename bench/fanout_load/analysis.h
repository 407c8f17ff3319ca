#pragma once
// What a fan-out run means, computed after the run from raw arrivals (no Beast here, so it is
// unit-tested on hand-made timelines).
//
// A tick is one time_left value: the server sends it to every socket in the same second. For
// each tick we take every socket's first arrival of it; the tick's spread is each arrival minus
// the tick's first arrival across all sockets. Definitions (README.md explains them too):
//   majority tick   a tick received by at least half of the sockets held to the end
//   measured tick   a majority tick whose first arrival lies in the measurement window
//   stale message   a message whose tick is older (first seen earlier) than a majority tick whose
//                   median arrival had already passed: most sockets had a newer value by then
//   missed tick     a measured tick that a socket held to the end never received
//   minority value  a message whose time_left value less than half the held sockets got, first
//                   seen in the window (two sockets told different values in the same second)
//   repeat          the same value again on one socket (not an error: start/stop send at once)
#include <cstddef>
#include <cstdint>
#include <vector>

namespace fleet::bench {

struct Arrival {
  std::uint32_t socket = 0;
  std::int32_t time_left = 0;
  std::int64_t at_ns = 0;  // steady clock, relative to the run's start
};

struct SocketTimeline {
  std::int64_t launched_ns = -1;       // connect started
  std::int64_t connected_ns = -1;      // WebSocket handshake done
  std::int64_t first_message_ns = -1;  // the message right after connecting
  std::int64_t lost_ns = -1;           // closed or failed before we closed it
};

struct Window {
  std::int64_t start_ns = 0;  // measurement window [start, end]
  std::int64_t end_ns = 0;
  std::int64_t stop_ns = 0;  // arrivals after this are ignored (grace for late arrivals)
};

struct Percentiles {
  std::size_t count = 0;
  double p50 = 0, p95 = 0, p99 = 0, max = 0;
};

struct TickStats {
  std::int32_t time_left = 0;
  std::size_t receivers = 0;  // sockets held to the end that got it
  double first_ms = 0;        // first arrival, ms since the window's start
  Percentiles spread_ms;
};

struct Analysis {
  std::size_t requested = 0;
  std::size_t connected = 0;     // handshake completed
  std::size_t held = 0;          // connected and still open when the window closed
  std::size_t lost = 0;          // connected, then closed by the server or an error before the end
  double connect_seconds = 0;    // first launch to last handshake
  Percentiles connect_ms;        // launch to handshake
  Percentiles first_message_ms;  // handshake to the first message
  std::size_t without_first_message = 0;

  double window_seconds = 0;
  std::size_t window_messages = 0;
  double messages_per_second = 0;

  std::vector<TickStats> ticks;  // measured ticks, in arrival order
  Percentiles spread_ms;         // all arrivals of all measured ticks pooled
  double worst_tick_p95_ms = 0;
  double worst_tick_p99_ms = 0;

  std::size_t stale_messages = 0;
  std::size_t missed_ticks = 0;
  std::size_t minority_messages = 0;
  std::size_t repeats = 0;

  bool clean() const { return stale_messages == 0 && missed_ticks == 0 && minority_messages == 0; }
};

// Nearest-rank percentiles; `values` is sorted in place.
Percentiles percentiles(std::vector<double>& values);

Analysis analyze(const std::vector<Arrival>& arrivals, const std::vector<SocketTimeline>& sockets,
                 const Window& window);

}  // namespace fleet::bench
