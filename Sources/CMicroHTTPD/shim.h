#ifndef KAA_CMICROHTTPD_SHIM_H
#define KAA_CMICROHTTPD_SHIM_H
#include <sys/types.h>
#include <sys/socket.h>
#include <stdint.h>
#include <microhttpd.h>

// MHD_YES and MHD_NO are macros that cast to enum MHD_Result; Swift cannot import them.
static const enum MHD_Result kaa_mhd_yes = MHD_YES;
static const enum MHD_Result kaa_mhd_no = MHD_NO;

// libmicrohttpd's enums are declared closed, so Swift imports them with shortened case names that
// depend on the header version; these constants keep the Swift side stable.
static const enum MHD_ValueKind kaa_mhd_header_kind = MHD_HEADER_KIND;
static const enum MHD_ValueKind kaa_mhd_query_kind = MHD_GET_ARGUMENT_KIND;
static const enum MHD_ResponseMemoryMode kaa_mhd_must_copy = MHD_RESPMEM_MUST_COPY;

// MHD_start_daemon is variadic. This typed front starts a daemon with an internal thread pool
// bound to `address`, with connection limits and timeouts, and TLS when `key` and `cert` (PEM)
// are both given.
static inline struct MHD_Daemon *kaa_mhd_start(const struct sockaddr *address, unsigned int useIPv6,
                                                unsigned int threads, unsigned int connectionLimit,
                                                unsigned int perIPLimit, unsigned int timeoutSeconds,
                                                const char *key, const char *cert,
                                                MHD_AccessHandlerCallback handler, void *handlerContext,
                                                MHD_RequestCompletedCallback completed, void *completedContext) {
    unsigned int flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_AUTO;
    if (useIPv6) flags |= MHD_USE_IPv6;
    if (key != NULL && cert != NULL) {
        return MHD_start_daemon(flags | MHD_USE_TLS, 0, NULL, NULL, handler, handlerContext,
                                MHD_OPTION_SOCK_ADDR, address,
                                MHD_OPTION_THREAD_POOL_SIZE, threads,
                                MHD_OPTION_CONNECTION_LIMIT, connectionLimit,
                                MHD_OPTION_PER_IP_CONNECTION_LIMIT, perIPLimit,
                                MHD_OPTION_CONNECTION_TIMEOUT, timeoutSeconds,
                                MHD_OPTION_NOTIFY_COMPLETED, completed, completedContext,
                                MHD_OPTION_HTTPS_MEM_KEY, key,
                                MHD_OPTION_HTTPS_MEM_CERT, cert,
                                MHD_OPTION_END);
    }
    return MHD_start_daemon(flags, 0, NULL, NULL, handler, handlerContext,
                            MHD_OPTION_SOCK_ADDR, address,
                            MHD_OPTION_THREAD_POOL_SIZE, threads,
                            MHD_OPTION_CONNECTION_LIMIT, connectionLimit,
                            MHD_OPTION_PER_IP_CONNECTION_LIMIT, perIPLimit,
                            MHD_OPTION_CONNECTION_TIMEOUT, timeoutSeconds,
                            MHD_OPTION_NOTIFY_COMPLETED, completed, completedContext,
                            MHD_OPTION_END);
}

// MHD_get_daemon_info returns a union; this reads the bound port (for port 0).
static inline uint16_t kaa_mhd_bound_port(struct MHD_Daemon *daemon) {
    const union MHD_DaemonInfo *info = MHD_get_daemon_info(daemon, MHD_DAEMON_INFO_BIND_PORT);
    return info == NULL ? 0 : info->port;
}
#endif
