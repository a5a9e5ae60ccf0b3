#ifndef KAA_CFUZZER_H
#define KAA_CFUZZER_H
#include <stddef.h>
#include <stdint.h>

// libFuzzer's driver, for a program that has its own main: SwiftPM links every executable with
// `--defsym main=<module>_main`, so libFuzzer's main cannot be used and the fuzz build of kaa-fuzz
// calls this from its @main instead. Declared only: it exists in the fuzz build (which links
// libclang_rt.fuzzer through -sanitize=fuzzer) and is never called in the normal one.
int LLVMFuzzerRunDriver(int *argc, char ***argv, int (*callback)(const uint8_t *data, size_t size));

#endif
