#ifndef KAA_CXLSXWRITER_SHIM_H
#define KAA_CXLSXWRITER_SHIM_H
// Debian's libxlsxwriter-dev: the Excel downloads of the hub (design §8). Nothing to front here:
// the calls the wrapper uses take fixed arguments, so Swift calls them directly.
#include <xlsxwriter.h>
#endif
