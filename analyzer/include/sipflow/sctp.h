/* SPDX-License-Identifier: GPL-2.0-or-later */
/* SCTP (RFC 9260) for SIP over SCTP (RFC 4168): the common header and chunk
 * walk (pure functions), and a reassembler that turns DATA / I-DATA
 * (RFC 8260) chunks into user messages, one SIP message each.
 *
 * The checksum is never verified (captures taken on the sending host see
 * packets before CRC32c offload fills it in, as for UDP/TCP).
 *
 * Reassembly state is kept per direction of an association: (input file,
 * VLAN, source and destination address and port). A change of the
 * verification tag in DATA-bearing packets is a new incarnation of the
 * association (restart, RFC 9260 5.2.4): pending fragments are reported
 * incomplete and the state starts afresh. */
#ifndef SIPFLOW_SCTP_H
#define SIPFLOW_SCTP_H

#include "sipflow/anomaly.h"
#include "sipflow/msg_meta.h"

#ifdef __cplusplus
extern "C" {
#endif

#define SF_IPPROTO_SCTP 132
/* RFC 4168 assigns no payload protocol identifier and IANA registers none
 * for SIP (39 is DISCARD): SIP travels with PPID 0, "unspecified", and is
 * recognised by content. */
#define SF_SCTP_PPID_UNSPECIFIED 0u
#define SF_SCTP_HEADER_LEN 12u

enum {
    SF_SCTP_CHUNK_DATA = 0,
    SF_SCTP_CHUNK_INIT = 1,
    SF_SCTP_CHUNK_INIT_ACK = 2,
    SF_SCTP_CHUNK_SACK = 3,
    SF_SCTP_CHUNK_ABORT = 6,
    SF_SCTP_CHUNK_SHUTDOWN = 7,
    SF_SCTP_CHUNK_SHUTDOWN_ACK = 8,
    SF_SCTP_CHUNK_COOKIE_ECHO = 10,
    SF_SCTP_CHUNK_COOKIE_ACK = 11,
    SF_SCTP_CHUNK_SHUTDOWN_COMPLETE = 14,
    SF_SCTP_CHUNK_I_DATA = 64, /* RFC 8260 2.1 */
};

/* DATA / I-DATA chunk flags (RFC 9260 3.3.1, RFC 8260 2.1) */
enum {
    SF_SCTP_FLAG_E = 0x01, /* last fragment */
    SF_SCTP_FLAG_B = 0x02, /* first fragment */
    SF_SCTP_FLAG_U = 0x04, /* unordered */
    SF_SCTP_FLAG_I = 0x08, /* SACK immediately (RFC 7053) */
};

typedef enum sf_sctp_result {
    SF_SCTP_OK = 0,
    SF_SCTP_END,       /* no more chunks */
    SF_SCTP_TRUNCATED, /* the bytes end inside a chunk */
    SF_SCTP_MALFORMED, /* a length that cannot be right */
} sf_sctp_result_t;

typedef struct sf_sctp_header {
    uint16_t sport, dport;
    uint32_t vtag;
} sf_sctp_header_t;

typedef struct sf_sctp_chunk {
    uint8_t type, flags;
    uint16_t length;      /* Chunk Length: header + value, padding excluded */
    const uint8_t *value; /* after the 4-byte chunk header */
    uint32_t value_len;   /* length - 4 */
} sf_sctp_chunk_t;

/* A DATA or I-DATA chunk's fields. For I-DATA, ppid is meaningful only in
 * the first fragment (B set); the others carry fsn. For DATA, mid and fsn
 * are 0. */
typedef struct sf_sctp_data {
    bool idata;
    uint8_t flags; /* SF_SCTP_FLAG_* */
    uint32_t tsn;
    uint16_t stream;
    uint16_t ssn; /* DATA only */
    uint32_t mid; /* I-DATA only */
    uint32_t fsn; /* I-DATA only (0 for the first fragment) */
    uint32_t ppid;
    const uint8_t *data;
    uint32_t len;
} sf_sctp_data_t;

/* The common header (RFC 9260 3.1). False when len < 12. */
bool sf_sctp_parse_header(const uint8_t *p, uint32_t len, sf_sctp_header_t *h);

/* Walks the chunks of the SCTP packet p[0..len): *off starts at 12 and is
 * advanced past the chunk and its padding (RFC 9260 3.2: chunks are padded
 * to 4 bytes; a last chunk without its padding is accepted). */
sf_sctp_result_t sf_sctp_next_chunk(const uint8_t *p, uint32_t len, uint32_t *off,
                                    sf_sctp_chunk_t *c, const char **why);

/* Decodes a DATA (type 0) or I-DATA (type 64) chunk. A chunk without user
 * data is malformed (RFC 9260 6.2, "No User Data"). */
sf_sctp_result_t sf_sctp_parse_data(const sf_sctp_chunk_t *c, sf_sctp_data_t *d, const char **why);

/* ---- reassembly ---- */

typedef struct sf_sctp_config {
    uint32_t max_message;     /* bytes of one user message (default 256 KiB) */
    uint32_t max_assoc_bytes; /* fragment bytes held per direction (default 1 MiB) */
    uint32_t max_fragments;   /* fragments held per direction (default 1024) */
    uint64_t max_bytes;       /* fragment bytes held in total (default 16 MiB) */
    uint32_t max_directions;  /* association directions tracked (default 65536) */
    int64_t timeout_ns;       /* idle, in capture time (default 120 s) */
} sf_sctp_config_t;

void sf_sctp_config_default(sf_sctp_config_t *cfg);

/* One user message. meta: file, every frame that carried a piece of it
 * (the completing frame last), the completing frame's time, addresses and
 * ports, transport SF_TRANSPORT_SCTP. Everything is valid only during the
 * callback. */
typedef struct sf_sctp_message {
    const sf_msg_meta_t *meta;
    const uint8_t *data;
    uint32_t len;
    uint32_t ppid;
    uint16_t stream;
    bool unordered;
    uint32_t fragments; /* DATA chunks it was built from */
} sf_sctp_message_t;

typedef struct sf_sctp_sink {
    void (*message)(void *user, const sf_sctp_message_t *m);
    void *user;
} sf_sctp_sink_t;

typedef struct sf_sctp_stats {
    uint64_t packets;
    uint64_t chunks;
    uint64_t data_chunks; /* DATA and I-DATA */
    uint64_t messages;    /* user messages delivered */
    uint64_t reassembled; /* of which built from several chunks */
    uint64_t duplicates;  /* retransmitted DATA (TSN seen before) */
    uint64_t other_ppid;  /* DATA chunks of other protocols, skipped */
    uint64_t malformed;
    uint64_t incomplete;   /* fragments of never-completed messages dropped */
    uint64_t evicted;      /* fragments dropped at a cap */
    uint64_t conflicts;    /* retransmission with different bytes */
    uint64_t pending_peak; /* most fragment bytes held at once */
    uint64_t directions_peak;
} sf_sctp_stats_t;

typedef struct sf_sctp_reasm sf_sctp_reasm_t;

sf_sctp_reasm_t *sf_sctp_reasm_create(const sf_sctp_config_t *cfg, const sf_sctp_sink_t *sink,
                                      const sf_anomaly_sink_t *anomalies);
/* One SCTP packet (from its common header on). meta comes from the network
 * decoder (frames, time, addresses with the SCTP ports). truncated: the
 * capture holds fewer bytes than the IP length (reported already); a chunk
 * cut short is then dropped silently. */
void sf_sctp_reasm_packet(sf_sctp_reasm_t *r, const sf_msg_meta_t *meta, const uint8_t *p,
                          uint32_t len, bool truncated);
/* End of capture: pending fragments are reported incomplete. */
void sf_sctp_reasm_finish(sf_sctp_reasm_t *r);
void sf_sctp_reasm_get_stats(const sf_sctp_reasm_t *r, sf_sctp_stats_t *st);
void sf_sctp_reasm_destroy(sf_sctp_reasm_t *r);

#ifdef __cplusplus
}
#endif

#endif
