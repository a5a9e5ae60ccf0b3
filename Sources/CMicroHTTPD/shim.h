#ifndef KAA_CMICROHTTPD_SHIM_H
#define KAA_CMICROHTTPD_SHIM_H
#include <sys/types.h>
#include <sys/socket.h>
#include <netdb.h>
#include <stdint.h>
#include <string.h>
#include <microhttpd.h>

// MHD_YES and MHD_NO are macros that cast to enum MHD_Result; Swift cannot import them.
static const enum MHD_Result kaa_mhd_yes = MHD_YES;
static const enum MHD_Result kaa_mhd_no = MHD_NO;

// libmicrohttpd's enums are declared closed, so Swift imports them with shortened case names that
// depend on the header version; these constants keep the Swift side stable.
static const enum MHD_ValueKind kaa_mhd_header_kind = MHD_HEADER_KIND;
static const enum MHD_ValueKind kaa_mhd_query_kind = MHD_GET_ARGUMENT_KIND;
static const enum MHD_ResponseMemoryMode kaa_mhd_must_copy = MHD_RESPMEM_MUST_COPY;

// libmicrohttpd percent-decodes the path in place and hands it to the access handler as a
// C string without its length, so "%00" would silently cut the path short: "/v1/sites/0380%00x"
// would be routed as "/v1/sites/0380". This unescaper decodes like MHD_http_unescape but leaves a
// value that contains "%00" undecoded, so no NUL ever enters a path or query key or value.
static inline size_t kaa_mhd_unescape(void *context, struct MHD_Connection *connection, char *value) {
    (void) context;
    (void) connection;
    if (strstr(value, "%00") != NULL) return strlen(value);
    return MHD_http_unescape(value);
}

// MHD_start_daemon is variadic. This typed front starts a daemon with an internal thread pool
// bound to `address`, with connection limits and timeouts, strict HTTP parsing (HTTP/1.1 without
// Host refused), a callback on every connection's start and close (the header deadline), and TLS
// when `key` and `cert` (PEM) are both given.
static inline struct MHD_Daemon *kaa_mhd_start(const struct sockaddr *address, unsigned int useIPv6,
                                                unsigned int threads, unsigned int connectionLimit,
                                                unsigned int perIPLimit, unsigned int timeoutSeconds,
                                                const char *key, const char *cert,
                                                MHD_AccessHandlerCallback handler, void *handlerContext,
                                                MHD_RequestCompletedCallback completed, void *completedContext,
                                                MHD_NotifyConnectionCallback notify, void *notifyContext) {
    unsigned int flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_AUTO;
    if (useIPv6) flags |= MHD_USE_IPv6;
    if (key != NULL && cert != NULL) {
        return MHD_start_daemon(flags | MHD_USE_TLS, 0, NULL, NULL, handler, handlerContext,
                                MHD_OPTION_SOCK_ADDR, address,
                                MHD_OPTION_THREAD_POOL_SIZE, threads,
                                MHD_OPTION_CONNECTION_LIMIT, connectionLimit,
                                MHD_OPTION_PER_IP_CONNECTION_LIMIT, perIPLimit,
                                MHD_OPTION_CONNECTION_TIMEOUT, timeoutSeconds,
                                MHD_OPTION_STRICT_FOR_CLIENT, (int) 1,
                                MHD_OPTION_NOTIFY_COMPLETED, completed, completedContext,
                                MHD_OPTION_NOTIFY_CONNECTION, notify, notifyContext,
                                MHD_OPTION_UNESCAPE_CALLBACK, kaa_mhd_unescape, NULL,
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
                            MHD_OPTION_STRICT_FOR_CLIENT, (int) 1,
                            MHD_OPTION_NOTIFY_COMPLETED, completed, completedContext,
                            MHD_OPTION_NOTIFY_CONNECTION, notify, notifyContext,
                            MHD_OPTION_UNESCAPE_CALLBACK, kaa_mhd_unescape, NULL,
                            MHD_OPTION_END);
}

// libmicrohttpd 0.9.75 has no deadline for a request's line and headers, only an idle timeout
// that every trickled byte resets; the server ends a connection past its deadline with
// shutdown(2), which makes libmicrohttpd's own poll see the end and close it in its thread.
static const enum MHD_ConnectionNotificationCode kaa_mhd_connection_started = MHD_CONNECTION_NOTIFY_STARTED;
// A request answered in full: its connection may carry the next one, whose head gets a new deadline.
static const enum MHD_RequestTerminationCode kaa_mhd_request_completed_ok = MHD_REQUEST_TERMINATED_COMPLETED_OK;

// MHD_get_daemon_info returns a union; this reads the bound port (for port 0).
static inline uint16_t kaa_mhd_bound_port(struct MHD_Daemon *daemon) {
    const union MHD_DaemonInfo *info = MHD_get_daemon_info(daemon, MHD_DAEMON_INFO_BIND_PORT);
    return info == NULL ? 0 : info->port;
}

// MHD_get_connection_info returns a union; this reads the connection's socket, or -1.
// libmicrohttpd 0.9.75 refuses MHD_queue_response while a body is arriving (it accepts one only
// before the body or after all of it), so the 413 that cuts a chunked body off at the limit is
// written to the socket directly, just before the connection is closed.
static inline int kaa_mhd_connection_socket(struct MHD_Connection *connection) {
    const union MHD_ConnectionInfo *info = MHD_get_connection_info(connection, MHD_CONNECTION_INFO_CONNECTION_FD);
    return info == NULL ? -1 : info->connect_fd;
}
// The connection's peer address as numeric text ("127.0.0.1", "::1"), written to `out` (NUL-ended);
// 0 when it is not known.
static inline int kaa_mhd_client_address(struct MHD_Connection *connection, char *out, size_t length) {
    const union MHD_ConnectionInfo *info = MHD_get_connection_info(connection, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
    if (info == NULL || info->client_addr == NULL || length == 0) return 0;
    const struct sockaddr *address = info->client_addr;
    socklen_t size = address->sa_family == AF_INET6 ? sizeof(struct sockaddr_in6) : sizeof(struct sockaddr_in);
    if (address->sa_family != AF_INET && address->sa_family != AF_INET6) return 0;
    return getnameinfo(address, size, out, (socklen_t) length, NULL, 0, NI_NUMERICHOST) == 0;
}
#endif
