/* SPDX-License-Identifier: GPL-2.0-or-later */
/* TLS seen, not decrypted (sipflow/tls.h). The first record of a direction
 * is kept (bounded) to read the ClientHello's server name; after that the
 * direction is only counted (frames, bytes), and at its end a connection
 * that carries SIP is reported once as tls-encrypted. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sipflow/tls.h"

/* RFC 8446 5.1: a record is at most 2^14 bytes of plaintext; ciphertext may
 * add 256 (1.3) or 2048 (1.2) bytes. */
#define TLS_RECORD_MAX (16384u + 2048u)
#define TLS_HDR 5u

enum { TLS_CT_CCS = 20, TLS_CT_ALERT = 21, TLS_CT_HANDSHAKE = 22, TLS_CT_APPDATA = 23 };

bool sf_tls_looks_record(const uint8_t *p, uint32_t len, bool *need_more)
{
    *need_more = false;
    if (len == 0) {
        *need_more = true;
        return false;
    }
    if (p[0] < TLS_CT_CCS || p[0] > TLS_CT_APPDATA) return false;
    if (len < 2) {
        *need_more = true;
        return false;
    }
    if (p[1] != 3) return false;
    if (len < 3) {
        *need_more = true;
        return false;
    }
    if (p[2] > 4) return false;
    if (len < TLS_HDR) {
        *need_more = true;
        return false;
    }
    uint32_t rlen = (uint32_t)p[3] << 8 | p[4];
    /* An empty record is legal only for application data; a SIP stream
     * never begins with these bytes (a start line is printable). */
    return rlen <= TLS_RECORD_MAX && (rlen > 0 || p[0] == TLS_CT_APPDATA);
}

const char *sf_tls_version_name(uint16_t v)
{
    switch (v) {
    case 0x0300:
        return "SSL 3.0";
    case 0x0301:
        return "TLS 1.0";
    case 0x0302:
        return "TLS 1.1";
    case 0x0303:
        return "TLS 1.2";
    case 0x0304:
        return "TLS 1.3";
    default:
        return (v >> 8) == 0x7f ? "TLS 1.3 (draft)" : "TLS";
    }
}

/* A bounds-checked reader over p[pos..end). */
typedef struct rd {
    const uint8_t *p;
    uint32_t pos, end;
    bool ok;
} rd_t;

static uint32_t rd_uint(rd_t *r, uint32_t n)
{
    uint32_t v = 0;
    if (!r->ok || r->end - r->pos < n) {
        r->ok = false;
        return 0;
    }
    for (uint32_t i = 0; i < n; i++)
        v = v << 8 | r->p[r->pos++];
    return v;
}

static void rd_skip(rd_t *r, uint32_t n)
{
    if (!r->ok || r->end - r->pos < n) {
        r->ok = false;
        return;
    }
    r->pos += n;
}

/* RFC 6066 3: ServerNameList; the first host_name (type 0) is kept when it
 * is printable ASCII (a DNS name; anything else is not shown). */
static void read_sni(const uint8_t *p, uint32_t len, sf_tls_client_hello_t *out)
{
    rd_t r = {p, 0, len, true};
    uint32_t list = rd_uint(&r, 2);
    if (!r.ok || list > len - 2) return;
    r.end = 2 + list;
    while (r.ok && r.pos < r.end) {
        uint32_t type = rd_uint(&r, 1);
        uint32_t n = rd_uint(&r, 2);
        if (!r.ok || r.end - r.pos < n) return;
        if (type == 0 && n > 0 && n < sizeof out->sni) {
            for (uint32_t i = 0; i < n; i++) {
                uint8_t c = p[r.pos + i];
                if (c <= 0x20 || c >= 0x7f) return;
            }
            memcpy(out->sni, p + r.pos, n);
            out->sni[n] = '\0';
            return;
        }
        rd_skip(&r, n);
    }
}

/* Orders versions: SSL 3.0 .. TLS 1.2, then TLS 1.3 drafts (0x7fNN, as
 * deployed before RFC 8446), then TLS 1.3; GREASE and others rank 0. */
static uint32_t version_rank(uint16_t v)
{
    if (v >= 0x0300 && v <= 0x0303) return v - 0x02ffu;
    if ((v >> 8) == 0x7f) return 0x100u + (v & 0xffu);
    if (v == 0x0304) return 0x200u;
    return 0;
}

/* RFC 8446 4.2.1: the client's supported_versions list; the highest
 * non-GREASE TLS version is kept. */
static void read_versions(const uint8_t *p, uint32_t len, sf_tls_client_hello_t *out)
{
    if (len < 1) return;
    uint32_t n = p[0];
    if (n > len - 1) n = len - 1;
    for (uint32_t i = 0; i + 1 < n; i += 2) {
        uint16_t v = (uint16_t)(p[1 + i] << 8 | p[2 + i]);
        if (version_rank(v) > version_rank(out->version)) out->version = v;
    }
}

bool sf_tls_parse_hello(const uint8_t *p, uint32_t len, sf_tls_client_hello_t *out)
{
    memset(out, 0, sizeof *out);
    if (len < TLS_HDR || p[0] != TLS_CT_HANDSHAKE) return false;
    uint32_t rlen = (uint32_t)p[3] << 8 | p[4];
    out->version = (uint16_t)(p[1] << 8 | p[2]);
    rd_t r = {p, TLS_HDR, len < TLS_HDR + rlen ? len : TLS_HDR + rlen, true};
    uint32_t type = rd_uint(&r, 1);
    if (!r.ok) return true;
    out->is_client_hello = type == 1;
    out->is_server_hello = type == 2;
    if (type != 1) return true;
    rd_skip(&r, 3); /* handshake length: the record bounds us anyway */
    uint32_t legacy = rd_uint(&r, 2);
    if (r.ok) out->version = (uint16_t)legacy;
    rd_skip(&r, 32);             /* random */
    rd_skip(&r, rd_uint(&r, 1)); /* legacy_session_id */
    rd_skip(&r, rd_uint(&r, 2)); /* cipher_suites */
    rd_skip(&r, rd_uint(&r, 1)); /* legacy_compression_methods */
    uint32_t ext_len = rd_uint(&r, 2);
    if (!r.ok) return true;
    if (ext_len < r.end - r.pos) r.end = r.pos + ext_len;
    /* Each extension consumes at least 4 bytes, so this ends. */
    while (r.ok && r.pos < r.end) {
        uint32_t et = rd_uint(&r, 2);
        uint32_t el = rd_uint(&r, 2);
        if (!r.ok) break;
        uint32_t avail = r.end - r.pos < el ? r.end - r.pos : el;
        if (et == 0) read_sni(p + r.pos, avail, out);
        if (et == 43) read_versions(p + r.pos, avail, out);
        if (avail < el) break;
        rd_skip(&r, el);
    }
    return true;
}

typedef struct peer_pair {
    uint8_t family;
    uint8_t a[16], b[16]; /* a <= b */
} peer_pair_t;

struct sf_tls_peers {
    peer_pair_t pairs[SF_TLS_PEERS_MAX];
    uint32_t n, next; /* ring: the oldest is replaced */
};

sf_tls_peers_t *sf_tls_peers_create(void)
{
    return calloc(1, sizeof(sf_tls_peers_t));
}

void sf_tls_peers_destroy(sf_tls_peers_t *p)
{
    free(p);
}

static peer_pair_t pair_of(const sf_endpoint_t *x, const sf_endpoint_t *y)
{
    peer_pair_t pp;
    memset(&pp, 0, sizeof pp);
    pp.family = x->family;
    bool lt = memcmp(x->addr, y->addr, sizeof x->addr) <= 0;
    memcpy(pp.a, lt ? x->addr : y->addr, 16);
    memcpy(pp.b, lt ? y->addr : x->addr, 16);
    return pp;
}

/* Linear: at most SF_TLS_PEERS_MAX compares, once per TLS direction. */
static bool peers_has(const sf_tls_peers_t *p, const peer_pair_t *q)
{
    for (uint32_t i = 0; p && i < p->n; i++)
        if (memcmp(&p->pairs[i], q, sizeof *q) == 0) return true;
    return false;
}

static void peers_add(sf_tls_peers_t *p, const peer_pair_t *q)
{
    if (!p || peers_has(p, q)) return;
    p->pairs[p->next] = *q;
    p->next = (p->next + 1) % SF_TLS_PEERS_MAX;
    if (p->n < SF_TLS_PEERS_MAX) p->n++;
}

struct sf_tls_stream {
    sf_msg_meta_t meta;
    sf_tls_peers_t *peers;
    bool by_peers; /* reported because the hosts spoke SIP over TLS before */
    sf_anomaly_sink_t anomalies;
    uint8_t *rec; /* the first record, up to its end (bounded) */
    uint32_t rlen, rwant, rcap;
    bool decided, report;
    sf_tls_client_hello_t hello;
    uint64_t first_frame, last_frame, bytes, gaps;
    sf_ts_t first_ts;
};

sf_tls_stream_t *sf_tls_stream_create(const sf_msg_meta_t *meta_template,
                                      const sf_anomaly_sink_t *anomalies, sf_tls_peers_t *peers)
{
    sf_tls_stream_t *s = calloc(1, sizeof *s);
    if (!s) return NULL;
    s->peers = peers;
    if (meta_template) s->meta = *meta_template;
    if (anomalies) s->anomalies = *anomalies;
    return s;
}

void sf_tls_stream_destroy(sf_tls_stream_t *s)
{
    if (!s) return;
    free(s->rec);
    free(s);
}

/* 5060..5069: SIP's own ports (RFC 3261 19.1.2, 26.2) and the neighbours
 * deployments use for more listeners. */
static bool sip_port(uint16_t port)
{
    return port >= 5060 && port <= 5069;
}

/* A DNS label starting with "sip" (sip., sip2., sipproxy.). */
static bool sip_sni(const char *sni)
{
    const char *q = sni;
    while (*q) {
        if ((q[0] | 0x20) == 's' && (q[1] | 0x20) == 'i' && (q[2] | 0x20) == 'p') return true;
        q = strchr(q, '.');
        if (!q) break;
        q++;
    }
    return false;
}

static int endpoint_cmp(const sf_endpoint_t *a, const sf_endpoint_t *b)
{
    int c = memcmp(a->addr, b->addr, sizeof a->addr);
    if (c) return c;
    return (int)a->port - (int)b->port;
}

/* Decides once whether this direction reports the connection (tls.h). */
static void decide(sf_tls_stream_t *s)
{
    if (s->decided) return;
    s->decided = true;
    bool hello = s->rec && sf_tls_parse_hello(s->rec, s->rlen, &s->hello);
    if (!hello) memset(&s->hello, 0, sizeof s->hello);
    if (s->rec && s->rlen >= 3 && !s->hello.version)
        s->hello.version = (uint16_t)(s->rec[1] << 8 | s->rec[2]);
    free(s->rec);
    s->rec = NULL;
    uint16_t sp = s->meta.src.port, dp = s->meta.dst.port;
    peer_pair_t pp = pair_of(&s->meta.src, &s->meta.dst);
    if (s->hello.is_client_hello) {
        s->report = sip_port(sp) || sip_port(dp) || sip_sni(s->hello.sni);
        if (!s->report && peers_has(s->peers, &pp)) s->report = s->by_peers = true;
    } else if (s->hello.is_server_hello) {
        s->report = false; /* the ClientHello's direction reports */
    } else {
        s->report = sip_port(dp) && (!sip_port(sp) || endpoint_cmp(&s->meta.src, &s->meta.dst) < 0);
    }
    if (s->report && !s->by_peers) peers_add(s->peers, &pp);
}

void sf_tls_stream_push(sf_tls_stream_t *s, const uint8_t *data, uint32_t len, uint64_t frame,
                        sf_ts_t ts)
{
    if (!s || !data || len == 0) return;
    if (!s->first_frame) {
        s->first_frame = frame;
        s->first_ts = ts;
    }
    s->last_frame = frame;
    s->bytes += len;
    if (s->decided) return;
    if (!s->rwant) s->rwant = TLS_HDR;
    uint32_t i = 0;
    while (i < len && s->rlen < s->rwant) {
        uint32_t n = s->rwant - s->rlen;
        if (n > len - i) n = len - i;
        /* Grown with the bytes actually received, never to the declared
         * length at once: thousands of streams that only begin a record
         * must not each hold 18 KiB. */
        if (s->rlen + n > s->rcap) {
            uint32_t cap = s->rcap ? s->rcap : 256u;
            while (cap < s->rlen + n)
                cap *= 2;
            if (cap > TLS_HDR + TLS_RECORD_MAX) cap = TLS_HDR + TLS_RECORD_MAX;
            uint8_t *nb = realloc(s->rec, cap);
            if (!nb) {
                decide(s);
                return;
            }
            s->rec = nb;
            s->rcap = cap;
        }
        memcpy(s->rec + s->rlen, data + i, n);
        s->rlen += n;
        i += n;
        if (s->rlen == TLS_HDR && s->rwant == TLS_HDR) {
            uint32_t rl = (uint32_t)s->rec[3] << 8 | s->rec[4];
            if (rl > TLS_RECORD_MAX) rl = TLS_RECORD_MAX;
            s->rwant = TLS_HDR + rl;
        }
    }
    /* Only a ClientHello is read further than its first byte: anything
     * else decides at once (no need to hold an 18 KiB record). */
    if (s->rlen >= s->rwant || (s->rlen >= TLS_HDR && s->rec[0] != TLS_CT_HANDSHAKE) ||
        (s->rlen > TLS_HDR && s->rec[TLS_HDR] != 1))
        decide(s);
}

void sf_tls_stream_gap(sf_tls_stream_t *s, uint64_t missing, uint64_t frame, sf_ts_t ts)
{
    (void)missing;
    (void)frame;
    (void)ts;
    if (!s) return;
    s->gaps++;
    decide(s); /* the first record cannot be completed any more */
}

void sf_tls_stream_finish(sf_tls_stream_t *s, uint64_t frame, sf_ts_t ts)
{
    (void)frame;
    (void)ts;
    if (!s || !s->first_frame) return;
    decide(s);
    if (!s->report) return;
    s->report = false; /* once */
    char a[SF_ENDPOINT_STRLEN], b[SF_ENDPOINT_STRLEN], sni[340] = "no SNI";
    bool client = s->hello.is_client_hello;
    sf_endpoint_format(&s->meta.src, a, sizeof a);
    sf_endpoint_format(&s->meta.dst, b, sizeof b);
    if (s->hello.sni[0]) snprintf(sni, sizeof sni, "SNI %s", s->hello.sni);
    if (s->by_peers)
        snprintf(sni + strlen(sni), sizeof sni - strlen(sni),
                 " (hosts of an earlier SIP-over-TLS connection)");
    /* RFC 3261 26.2: SIP over TLS; without the session keys nothing of the
     * SIP inside can be read. */
    sf_anomaly_emit(&s->anomalies, s->meta.file, s->first_frame, s->first_ts, SF_ANOM_TLS_ENCRYPTED,
                    "encrypted SIP, not analysed: %s %s %s -> %s, %s, %s frames %llu-%llu "
                    "(%llu bytes%s); TLS decryption is not supported",
                    sf_tls_version_name(s->hello.version),
                    client ? "client" : "connection picked up mid-stream,", a, b, sni,
                    client ? "client" : "this direction's", (unsigned long long)s->first_frame,
                    (unsigned long long)s->last_frame, (unsigned long long)s->bytes,
                    s->gaps ? ", with gaps" : "");
}
