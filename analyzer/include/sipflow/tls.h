/* SPDX-License-Identifier: GPL-2.0-or-later */
/* TLS on a TCP stream direction, recognised by its record header (RFC 8446
 * 5.1: content type 20..23, legacy version 0x03xx). sipflow does not
 * decrypt: a TLS connection that carries SIP is reported once, as the
 * anomaly tls-encrypted ("encrypted SIP, not analysed"), with its
 * endpoints, the server name (SNI, RFC 6066 3) of the ClientHello when
 * present, and the client's frames, so the user knows what is missing.
 *
 * Which TLS connections are SIP: RFC 3261 26.2 gives SIP over TLS port
 * 5061; sipflow counts a connection with a port in 5060..5069, or whose
 * SNI has a label beginning with "sip" (sip.example.com), or between two
 * hosts that already had such a connection (sf_tls_peers_t). Others
 * (HTTPS) are not reported, so HTTPS captures do not flood the list.
 * One report per connection: by the direction carrying the ClientHello;
 * when the handshake was not captured, by the direction towards the SIP
 * port (the lower endpoint when both ports are SIP ports); never by the
 * direction that starts with a ServerHello. */
#ifndef SIPFLOW_TLS_H
#define SIPFLOW_TLS_H

#include "sipflow/anomaly.h"
#include "sipflow/msg_meta.h"

#ifdef __cplusplus
extern "C" {
#endif

/* A TLS record header at p: content type 20..23 (RFC 8446 5.1), version
 * 0x0300..0x0304, length <= 2^14 + 2048. need_more when len < 5 and the
 * bytes so far fit. */
bool sf_tls_looks_record(const uint8_t *p, uint32_t len, bool *need_more);

typedef struct sf_tls_client_hello {
    bool is_client_hello; /* handshake type 1 in the first record */
    bool is_server_hello; /* handshake type 2 */
    uint16_t version;     /* highest offered: supported_versions, else legacy_version */
    char sni[256];        /* host_name, NUL-terminated, printable ASCII; "" when none */
} sf_tls_client_hello_t;

/* Parses the first TLS record (header included) as far as its bytes go:
 * ClientHello fields up to the server_name extension (RFC 8446 4.1.2,
 * RFC 6066 3). Never reads outside p[0..len). Returns false when the record
 * is not a handshake record. */
bool sf_tls_parse_hello(const uint8_t *p, uint32_t len, sf_tls_client_hello_t *out);

/* "TLS 1.3", "TLS 1.2", ... "SSL 3.0"; "TLS" when unknown. */
const char *sf_tls_version_name(uint16_t version);

/* Host pairs (unordered) that had a SIP-over-TLS connection, newest
 * first, at most SF_TLS_PEERS_MAX: a later TLS connection between the same
 * two hosts on other ports (a server connecting back to a client's own
 * TLS listener) counts as SIP too. One per capture, shared by streams. */
#define SF_TLS_PEERS_MAX 256
typedef struct sf_tls_peers sf_tls_peers_t;
sf_tls_peers_t *sf_tls_peers_create(void);
void sf_tls_peers_destroy(sf_tls_peers_t *p);

typedef struct sf_tls_stream sf_tls_stream_t;

/* peers may be NULL (no evidence from earlier connections). */
sf_tls_stream_t *sf_tls_stream_create(const sf_msg_meta_t *meta_template,
                                      const sf_anomaly_sink_t *anomalies, sf_tls_peers_t *peers);
void sf_tls_stream_push(sf_tls_stream_t *s, const uint8_t *data, uint32_t len, uint64_t frame,
                        sf_ts_t ts);
void sf_tls_stream_gap(sf_tls_stream_t *s, uint64_t missing, uint64_t frame, sf_ts_t ts);
/* Emits the notice (when this direction reports the connection). */
void sf_tls_stream_finish(sf_tls_stream_t *s, uint64_t frame, sf_ts_t ts);
void sf_tls_stream_destroy(sf_tls_stream_t *s);

#ifdef __cplusplus
}
#endif

#endif
