// A C target needs one source file; the module is the declaration in include/CFuzzer.h.
#include "CFuzzer.h"
