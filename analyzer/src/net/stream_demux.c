/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Stream demultiplexer (sipflow/stream_demux.h): picks a stream
 * application for one TCP direction from its first bytes, then forwards
 * everything to it. Plain SIP decides on its first byte in practice (a
 * letter or CR/LF matches no other kind), so the SIP path costs one
 * indirect call per chunk. */
#include <stdlib.h>
#include <string.h>

#include "sipflow/hep_input.h"
#include "sipflow/hep_stream.h"
#include "sipflow/stream_demux.h"
#include "sipflow/tls.h"
#include "sipflow/websocket.h"

#define DEFAULT_MAX (256u * 1024u)

static uint32_t max_of(const sf_stream_env_t *env)
{
    return env->max_message ? env->max_message : DEFAULT_MAX;
}

/* ---- SIP (the default): the RFC 3261 18.3 stream framer ---- */

static void *sip_create(const sf_stream_env_t *env, const uint8_t *first, uint32_t len)
{
    (void)first;
    (void)len;
    sf_sip_stream_config_t cfg = {.max_message = env->max_message};
    return sf_sip_stream_create(&cfg, &env->meta, env->sip, env->anomalies);
}
static void sip_push(void *a, const uint8_t *p, uint32_t len, uint64_t frame, sf_ts_t ts)
{
    sf_sip_stream_push(a, p, len, frame, ts);
}
static void sip_gap(void *a, uint64_t missing, uint64_t frame, sf_ts_t ts)
{
    sf_sip_stream_gap(a, missing, frame, ts);
}
static void sip_finish(void *a, uint64_t frame, sf_ts_t ts)
{
    sf_sip_stream_finish(a, frame, ts);
}
static void sip_destroy(void *a)
{
    sf_sip_stream_destroy(a);
}

/* ---- WebSocket (RFC 6455, RFC 7118) ---- */

static sf_detect_t ws_detect(const uint8_t *p, uint32_t len, const sf_stream_env_t *env)
{
    bool m1 = false, m2 = false, m3 = false;
    if (sf_ws_looks_request(p, len, &m1) || sf_ws_looks_response(p, len, &m2) ||
        sf_ws_looks_sip_frame(p, len, max_of(env), &m3))
        return SF_DETECT_YES;
    return m1 || m2 || m3 ? SF_DETECT_MAYBE : SF_DETECT_NO;
}
static void *ws_create(const sf_stream_env_t *env, const uint8_t *first, uint32_t len)
{
    bool more;
    sf_ws_start_t start = sf_ws_looks_request(first, len, &more)    ? SF_WS_START_REQUEST
                          : sf_ws_looks_response(first, len, &more) ? SF_WS_START_RESPONSE
                                                                    : SF_WS_START_FRAMES;
    return sf_ws_stream_create(start, env->max_message, &env->meta, env->sip, env->anomalies);
}
static void ws_push(void *a, const uint8_t *p, uint32_t len, uint64_t frame, sf_ts_t ts)
{
    sf_ws_stream_push(a, p, len, frame, ts);
}
static void ws_gap(void *a, uint64_t missing, uint64_t frame, sf_ts_t ts)
{
    sf_ws_stream_gap(a, missing, frame, ts);
}
static void ws_finish(void *a, uint64_t frame, sf_ts_t ts)
{
    sf_ws_stream_finish(a, frame, ts);
}
static void ws_destroy(void *a)
{
    sf_ws_stream_destroy(a);
}

/* ---- TLS (RFC 8446 5.1 record layer; not decrypted) ---- */

static sf_detect_t tls_detect(const uint8_t *p, uint32_t len, const sf_stream_env_t *env)
{
    (void)env;
    bool more = false;
    if (sf_tls_looks_record(p, len, &more)) return SF_DETECT_YES;
    return more ? SF_DETECT_MAYBE : SF_DETECT_NO;
}
static void *tls_create(const sf_stream_env_t *env, const uint8_t *first, uint32_t len)
{
    (void)first;
    (void)len;
    return sf_tls_stream_create(&env->meta, env->anomalies, env->tls_peers);
}
static void tls_push(void *a, const uint8_t *p, uint32_t len, uint64_t frame, sf_ts_t ts)
{
    sf_tls_stream_push(a, p, len, frame, ts);
}
static void tls_gap(void *a, uint64_t missing, uint64_t frame, sf_ts_t ts)
{
    sf_tls_stream_gap(a, missing, frame, ts);
}
static void tls_finish(void *a, uint64_t frame, sf_ts_t ts)
{
    sf_tls_stream_finish(a, frame, ts);
}
static void tls_destroy(void *a)
{
    sf_tls_stream_destroy(a);
}

/* ---- HEP3 (Homer encapsulation over TCP; hep_stream.h) ---- */

static sf_detect_t hep_detect(const uint8_t *p, uint32_t len, const sf_stream_env_t *env)
{
    if (!env->hep) return SF_DETECT_NO;
    static const char magic[4] = {'H', 'E', 'P', '3'};
    uint32_t n = len < 4 ? len : 4;
    if (memcmp(p, magic, n) != 0) return SF_DETECT_NO;
    if (n < 4) return SF_DETECT_MAYBE;
    return sf_hep_stream_sniff(p, len) ? SF_DETECT_YES : SF_DETECT_NO;
}

typedef struct hep_app {
    sf_hep_stream_t *s;
    struct sf_hep_input *input;
} hep_app_t;

static void *hep_create(const sf_stream_env_t *env, const uint8_t *first, uint32_t len)
{
    (void)first;
    (void)len;
    hep_app_t *a = calloc(1, sizeof *a);
    if (!a) return NULL;
    a->s = sf_hep_stream_create(&env->meta, env->hep, env->anomalies);
    if (!a->s) {
        free(a);
        return NULL;
    }
    a->input = env->hep_input;
    return a;
}
static void hep_push(void *a, const uint8_t *p, uint32_t len, uint64_t frame, sf_ts_t ts)
{
    sf_hep_stream_push(((hep_app_t *)a)->s, p, len, frame, ts);
}
static void hep_gap(void *a, uint64_t missing, uint64_t frame, sf_ts_t ts)
{
    sf_hep_stream_gap(((hep_app_t *)a)->s, missing, frame, ts);
}
static void hep_finish(void *a, uint64_t frame, sf_ts_t ts)
{
    sf_hep_stream_finish(((hep_app_t *)a)->s, frame, ts);
}
static void hep_destroy(void *p)
{
    hep_app_t *a = p;
    if (a->input) sf_hep_input_count_stream(a->input, sf_hep_stream_skipped(a->s));
    sf_hep_stream_destroy(a->s);
    free(a);
}

/* Detection order: the first YES wins. SIP is the fallback and has no
 * detector. A new kind goes above the kinds whose first bytes it could
 * be mistaken for (HEPv2's first byte 0x02 is also a WebSocket binary
 * frame's, so HEP would go above WebSocket). */
static const sf_stream_app_ops_t kinds[] = {
    {SF_STREAM_TLS, tls_detect, tls_create, tls_push, tls_gap, tls_finish, tls_destroy},
    {SF_STREAM_HEP, hep_detect, hep_create, hep_push, hep_gap, hep_finish, hep_destroy},
    {SF_STREAM_WS, ws_detect, ws_create, ws_push, ws_gap, ws_finish, ws_destroy},
    {SF_STREAM_SIP, NULL, sip_create, sip_push, sip_gap, sip_finish, sip_destroy},
};
#define N_KINDS (sizeof kinds / sizeof kinds[0])

const char *sf_stream_kind_name(sf_stream_kind_t kind)
{
    switch (kind) {
    case SF_STREAM_SIP:
        return "sip";
    case SF_STREAM_WS:
        return "ws";
    case SF_STREAM_TLS:
        return "tls";
    case SF_STREAM_HEP:
        return "hep";
    default:
        return "undecided";
    }
}

static const sf_stream_app_ops_t *ops_of(sf_stream_kind_t kind)
{
    for (size_t i = 0; i < N_KINDS; i++)
        if (kinds[i].kind == kind) return &kinds[i];
    return NULL;
}

sf_stream_kind_t sf_stream_classify(const uint8_t *p, uint32_t len, const sf_stream_env_t *env)
{
    bool maybe = false;
    for (size_t i = 0; i < N_KINDS; i++) {
        if (!kinds[i].detect) continue;
        sf_detect_t d = kinds[i].detect(p, len, env);
        if (d == SF_DETECT_YES) return kinds[i].kind;
        if (d == SF_DETECT_MAYBE) maybe = true;
    }
    return maybe && len < SF_STREAM_DETECT_MAX ? SF_STREAM_UNDECIDED : SF_STREAM_SIP;
}

/* What the demux needs until it has decided: the environment (without
 * the meta's 256-byte frame list) and the first bytes. Freed at the
 * decision, so a decided direction costs the demux only its small head:
 * tens of thousands of streams may be open (issue 6, tests/hostile case
 * tcp-stream-flood, 64 MB for 50,000 streams). */
typedef struct pending {
    uint32_t file;
    uint32_t iface;
    uint16_t vlan;
    sf_transport_t transport;
    sf_ts_t ts;
    sf_endpoint_t src, dst;
    const sf_sip_raw_sink_t *sip;
    const sf_anomaly_sink_t *anomalies;
    uint32_t max_message;
    struct sf_tls_peers *tls_peers;
    const struct sf_hep_packet_sink *hep;
    struct sf_hep_input *hep_input;
    uint8_t head[SF_STREAM_DETECT_MAX];
    uint32_t head_len;
    uint64_t first_frame;
    sf_ts_t first_ts;
} pending_t;

static void env_expand(const pending_t *c, sf_stream_env_t *env)
{
    memset(env, 0, sizeof *env);
    env->meta.file = c->file;
    env->meta.vlan = c->vlan;
    env->meta.iface = c->iface;
    env->meta.transport = c->transport;
    env->meta.ts = c->ts;
    env->meta.src = c->src;
    env->meta.dst = c->dst;
    env->sip = c->sip;
    env->anomalies = c->anomalies;
    env->max_message = c->max_message;
    env->tls_peers = c->tls_peers;
    env->hep = c->hep;
    env->hep_input = c->hep_input;
}

struct sf_stream_demux {
    const sf_stream_app_ops_t *ops; /* NULL while undecided */
    void *app;
    pending_t *pend; /* while undecided */
    sf_stream_kind_t kind;
};

sf_stream_demux_t *sf_stream_demux_create(const sf_stream_env_t *env)
{
    sf_stream_demux_t *d = calloc(1, sizeof *d);
    pending_t *pd = malloc(sizeof *pd);
    if (!d || !pd) {
        free(d);
        free(pd);
        return NULL;
    }
    *pd = (pending_t){.file = env->meta.file,
                      .iface = env->meta.iface,
                      .vlan = env->meta.vlan,
                      .transport = env->meta.transport,
                      .ts = env->meta.ts,
                      .src = env->meta.src,
                      .dst = env->meta.dst,
                      .sip = env->sip,
                      .anomalies = env->anomalies,
                      .max_message = env->max_message,
                      .tls_peers = env->tls_peers,
                      .hep = env->hep,
                      .hep_input = env->hep_input};
    d->pend = pd;
    return d;
}

/* Creates the application; the pending state is released by the caller
 * once the held bytes were replayed. Without an application (allocation
 * failure) the direction's bytes are ignored. */
static void decide(sf_stream_demux_t *d, sf_stream_kind_t kind, const uint8_t *first, uint32_t len)
{
    sf_stream_env_t env;
    env_expand(d->pend, &env);
    d->kind = kind;
    d->ops = ops_of(kind);
    d->app = d->ops ? d->ops->create(&env, first, len) : NULL;
    if (!d->app) d->ops = NULL;
}

static void release_pending(sf_stream_demux_t *d)
{
    free(d->pend);
    d->pend = NULL;
}

void sf_stream_demux_push(sf_stream_demux_t *d, const uint8_t *p, uint32_t len, uint64_t frame,
                          sf_ts_t ts)
{
    if (!d || !p || len == 0) return;
    if (d->app) {
        d->ops->push(d->app, p, len, frame, ts);
        return;
    }
    pending_t *pd = d->pend;
    if (!pd) return; /* decided, but the application could not be created */
    sf_stream_env_t env;
    env_expand(pd, &env);
    if (pd->head_len == 0) {
        /* the common case: the first chunk decides, nothing is copied */
        sf_stream_kind_t k = sf_stream_classify(p, len, &env);
        if (k != SF_STREAM_UNDECIDED) {
            decide(d, k, p, len);
            release_pending(d);
            if (d->app) d->ops->push(d->app, p, len, frame, ts);
            return;
        }
        pd->first_frame = frame;
        pd->first_ts = ts;
    }
    /* Short chunks: collect up to SF_STREAM_DETECT_MAX bytes, which always
     * decide (sf_stream_classify answers SIP at that length). */
    uint32_t n = SF_STREAM_DETECT_MAX - pd->head_len;
    if (n > len) n = len;
    memcpy(pd->head + pd->head_len, p, n);
    pd->head_len += n;
    sf_stream_kind_t k = sf_stream_classify(pd->head, pd->head_len, &env);
    if (k == SF_STREAM_UNDECIDED) return; /* n == len here */
    decide(d, k, pd->head, pd->head_len);
    /* The held bytes keep the frame they started in. */
    if (d->app) {
        d->ops->push(d->app, pd->head, pd->head_len - n, pd->first_frame, pd->first_ts);
        d->ops->push(d->app, p, len, frame, ts);
    }
    release_pending(d);
}

void sf_stream_demux_gap(sf_stream_demux_t *d, uint64_t missing, uint64_t frame, sf_ts_t ts)
{
    if (!d) return;
    if (d->app) {
        d->ops->gap(d->app, missing, frame, ts);
        return;
    }
    /* Undecided: the few held bytes are lost with the gap (the TCP layer
     * reported it); what follows is classified afresh, as a pick-up. */
    if (d->pend) d->pend->head_len = 0;
}

void sf_stream_demux_finish(sf_stream_demux_t *d, uint64_t frame, sf_ts_t ts)
{
    if (!d) return;
    if (!d->app && d->pend && d->pend->head_len) {
        /* The stream ended undecided: its few bytes are SIP's to judge. */
        pending_t *pd = d->pend;
        decide(d, SF_STREAM_SIP, pd->head, pd->head_len);
        if (d->app) d->ops->push(d->app, pd->head, pd->head_len, pd->first_frame, pd->first_ts);
        release_pending(d);
    }
    if (d->app) d->ops->finish(d->app, frame, ts);
}

sf_stream_kind_t sf_stream_demux_kind(const sf_stream_demux_t *d)
{
    return d ? d->kind : SF_STREAM_UNDECIDED;
}

void sf_stream_demux_destroy(sf_stream_demux_t *d)
{
    if (!d) return;
    if (d->app) d->ops->destroy(d->app);
    free(d->pend);
    free(d);
}
