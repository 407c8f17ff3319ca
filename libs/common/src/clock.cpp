// Clock is header-only; this unit anchors the library for build systems that dislike empty ones.
#include "fleet/common/clock.h"
