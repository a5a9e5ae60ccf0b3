#ifndef KAA_CSQLITE_SHIM_H
#define KAA_CSQLITE_SHIM_H
#include <sqlite3.h>

// SQLITE_TRANSIENT is a macro that casts -1 to a function pointer; Swift cannot import it.
static const sqlite3_destructor_type kaa_sqlite_transient = SQLITE_TRANSIENT;

// sqlite3_db_config is variadic; this typed front sets one integer option and reads it back.
static inline int kaa_sqlite_db_config_int(sqlite3 *db, int op, int value, int *result) {
    return sqlite3_db_config(db, op, value, result);
}
#endif
