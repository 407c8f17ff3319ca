// Asio and Beast are compiled once, here, for both bench tools (the *_SEPARATE_COMPILATION
// definitions are PUBLIC on fleet_bench_asio, so every file that includes them agrees).
#include <boost/asio/impl/src.hpp>
#include <boost/beast/src.hpp>
