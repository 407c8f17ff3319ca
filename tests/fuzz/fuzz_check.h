#pragma once
// A property every input must keep. A broken one aborts, which libFuzzer records as a crash and
// the corpus regression test (regression_main.cpp) reports as a failure.
#include <cstdio>
#include <cstdlib>

#define FUZZ_REQUIRE(condition)                                                            \
  do {                                                                                     \
    if (!(condition)) {                                                                    \
      std::fprintf(stderr, "%s:%d: property broken: %s\n", __FILE__, __LINE__, #condition); \
      std::abort();                                                                        \
    }                                                                                      \
  } while (false)
