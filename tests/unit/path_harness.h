/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Shared by the packet-path unit tests (test_path_*.c): a sink that keeps
 * what each SIP message looked like, a packet path feeding it, and the
 * cmocka fixture holding both. Define MAX_MSGS before including to change
 * how many messages are kept, and PATH_FIX_EXTRA (member declarations) to
 * give the fixture fields of the test file's own. */
#ifndef SF_TEST_PATH_HARNESS_H
#define SF_TEST_PATH_HARNESS_H

#include <stdio.h>
#include <stdlib.h>

#include "sf_test.h"
#include "test_net_build.h"
#include "sipflow/packet_path.h"

#ifndef MAX_MSGS
#define MAX_MSGS 16
#endif

typedef struct got {
    uint32_t n; /* messages seen (also past MAX_MSGS) */
    struct {
        sf_msg_meta_t meta;
        char start[96];
        char malformed[96];
        uint32_t len;
        int64_t content_length;
        char call_id[64];
    } m[MAX_MSGS];
    recorder_t r; /* anomalies */
} got_t;

static inline void on_msg(void *user, const sf_msg_meta_t *meta, const sf_sip_msg_t *msg)
{
    got_t *g = user;
    if (g->n < MAX_MSGS) {
        g->m[g->n].meta = *meta;
        snprintf(g->m[g->n].start, sizeof g->m[0].start, "%.*s", (int)msg->start_line.len,
                 msg->start_line.p);
        snprintf(g->m[g->n].malformed, sizeof g->m[0].malformed, "%s",
                 msg->malformed ? msg->malformed : "");
        snprintf(g->m[g->n].call_id, sizeof g->m[0].call_id, "%.*s", (int)msg->call_id.len,
                 msg->call_id.p);
        g->m[g->n].len = msg->len;
        g->m[g->n].content_length = msg->content_length;
    }
    g->n++;
}

/* A packet path (cfg NULL: the defaults) whose messages and anomalies go to g. */
static inline sf_packet_path_t *path_for(got_t *g, const sf_packet_path_config_t *cfg)
{
    sf_sip_sink_t sink = {on_msg, g};
    sf_anomaly_sink_t an = {rec_anomaly, &g->r};
    return sf_packet_path_create(cfg, &sink, &an);
}

#ifndef PATH_FIX_EXTRA
#define PATH_FIX_EXTRA
#endif

typedef struct fix {
    got_t g;
    sf_packet_path_t *pp;
    uint64_t frame; /* the last frame number pushed */
    PATH_FIX_EXTRA
} fix_t;

/* cmocka group fixture: a fix_t with a default packet path */
static inline int setup(void **state)
{
    fix_t *f = calloc(1, sizeof *f);
    if (!f) return -1;
    f->pp = path_for(&f->g, NULL);
    *state = f;
    return f->pp ? 0 : -1;
}

static inline int teardown(void **state)
{
    fix_t *f = *state;
    sf_packet_path_destroy(f->pp);
    free(f);
    return 0;
}

#endif
