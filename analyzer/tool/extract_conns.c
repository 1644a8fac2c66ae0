/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The connections of the chosen calls (extract_conns.h). A connection is
 * (input, IP protocol, the two endpoints in a canonical order), so both
 * directions share one key. Pass 2 decodes each record with the network
 * decoder (link layer, VLAN, tunnels, IP) to learn its 4-tuple; the sink
 * only copies it into the table's scratch key: no per-packet allocation. */
#include "extract_conns.h"

#include <glib.h>
#include <string.h>

#include "sipflow/ip.h"
#include "sipflow/net_decode.h"
#include "sipflow/sctp.h"

typedef struct {
    uint32_t file;
    uint8_t proto; /* SF_IPPROTO_TCP or SF_IPPROTO_SCTP */
    uint8_t fam_a, fam_b;
    uint8_t pad;
    uint16_t port_a, port_b;
    uint8_t addr_a[16], addr_b[16];
} conn_key_t;

struct sf_extract_conns {
    GHashTable *per_call; /* call number -> GHashTable set of conn_key_t */
    GHashTable *chosen;   /* set of conn_key_t */
    sf_net_decoder_t *dec;
    conn_key_t cur; /* pass 2: the key of the current record's PDU */
    bool have_cur;
};

static guint key_hash(gconstpointer p)
{
    const uint8_t *b = p;
    guint h = 2166136261u; /* FNV-1a over the whole (zeroed) key */
    for (size_t i = 0; i < sizeof(conn_key_t); i++)
        h = (h ^ b[i]) * 16777619u;
    return h;
}

static gboolean key_equal(gconstpointer a, gconstpointer b)
{
    return memcmp(a, b, sizeof(conn_key_t)) == 0;
}

static GHashTable *key_set(void)
{
    return g_hash_table_new_full(key_hash, key_equal, g_free, NULL);
}

static void set_side(uint8_t *fam, uint8_t *addr, uint16_t *port, const sf_endpoint_t *ep)
{
    *fam = ep->family;
    memcpy(addr, ep->addr, ep->family == 4 ? 4 : 16);
    *port = ep->port;
}

/* Fills k (zeroed first so that padding and unused address bytes compare
 * equal) with the endpoints in a canonical order. */
static void make_key(conn_key_t *k, uint32_t file, uint8_t proto, const sf_endpoint_t *src,
                     const sf_endpoint_t *dst)
{
    memset(k, 0, sizeof *k);
    k->file = file;
    k->proto = proto;
    conn_key_t s, d;
    memset(&s, 0, sizeof s);
    memset(&d, 0, sizeof d);
    set_side(&s.fam_a, s.addr_a, &s.port_a, src);
    set_side(&d.fam_a, d.addr_a, &d.port_a, dst);
    int c = memcmp(&s, &d, sizeof s);
    const conn_key_t *lo = c <= 0 ? &s : &d, *hi = c <= 0 ? &d : &s;
    k->fam_a = lo->fam_a;
    k->port_a = lo->port_a;
    memcpy(k->addr_a, lo->addr_a, 16);
    k->fam_b = hi->fam_a;
    k->port_b = hi->port_a;
    memcpy(k->addr_b, hi->addr_a, 16);
}

static void on_pdu(void *user, const sf_net_pdu_t *pdu)
{
    sf_extract_conns_t *x = user;
    if (pdu->ip_proto != SF_IPPROTO_TCP && pdu->ip_proto != SF_IPPROTO_SCTP) return;
    make_key(&x->cur, pdu->meta->file, pdu->ip_proto, &pdu->meta->src, &pdu->meta->dst);
    x->have_cur = true;
}

sf_extract_conns_t *sf_extract_conns_new(void)
{
    sf_extract_conns_t *x = g_new0(sf_extract_conns_t, 1);
    x->per_call = g_hash_table_new_full(g_direct_hash, g_direct_equal, NULL,
                                        (GDestroyNotify)g_hash_table_destroy);
    x->chosen = key_set();
    return x;
}

void sf_extract_conns_free(sf_extract_conns_t *x)
{
    if (!x) return;
    g_hash_table_destroy(x->per_call);
    g_hash_table_destroy(x->chosen);
    if (x->dec) sf_net_decoder_destroy(x->dec);
    g_free(x);
}

void sf_extract_conns_on_message(sf_extract_conns_t *x, const sf_msg_info_t *info)
{
    const sf_msg_meta_t *m = info->meta;
    if (!info->call || !m) return;
    uint8_t proto;
    switch (m->transport) {
    case SF_TRANSPORT_TCP:
    case SF_TRANSPORT_WS:
        proto = SF_IPPROTO_TCP;
        break;
    case SF_TRANSPORT_SCTP:
        proto = SF_IPPROTO_SCTP;
        break;
    default:
        return; /* datagrams: the message frames are the whole story */
    }
    conn_key_t k;
    make_key(&k, m->file, proto, &m->src, &m->dst);
    gpointer call = GUINT_TO_POINTER(info->call);
    GHashTable *set = g_hash_table_lookup(x->per_call, call);
    if (!set) {
        set = key_set();
        g_hash_table_insert(x->per_call, call, set);
    }
    if (!g_hash_table_contains(set, &k)) g_hash_table_add(set, g_memdup2(&k, sizeof k));
}

void sf_extract_conns_call_done(sf_extract_conns_t *x, uint32_t call, bool chosen)
{
    gpointer id = GUINT_TO_POINTER(call);
    GHashTable *set = g_hash_table_lookup(x->per_call, id);
    if (!set) return;
    if (chosen) {
        GHashTableIter it;
        gpointer k;
        g_hash_table_iter_init(&it, set);
        while (g_hash_table_iter_next(&it, &k, NULL))
            if (!g_hash_table_contains(x->chosen, k))
                g_hash_table_add(x->chosen, g_memdup2(k, sizeof(conn_key_t)));
    }
    g_hash_table_remove(x->per_call, id);
}

uint32_t sf_extract_conns_count(const sf_extract_conns_t *x)
{
    return g_hash_table_size(x->chosen);
}

bool sf_extract_conns_match(sf_extract_conns_t *x, const sf_packet_t *pkt)
{
    if (!g_hash_table_size(x->chosen)) return false;
    if (!x->dec) {
        sf_net_sink_t sink = {.pdu = on_pdu, .user = x};
        x->dec = sf_net_decoder_create(NULL, &sink, NULL);
        if (!x->dec) return false;
    }
    x->have_cur = false;
    sf_net_decoder_push(x->dec, pkt);
    return x->have_cur && g_hash_table_contains(x->chosen, &x->cur);
}
