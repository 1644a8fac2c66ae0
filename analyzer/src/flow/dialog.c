/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Dialogs (RFC 3261 12): Call-ID + the two tags, matched in either
 * direction (12: the local and remote tags swap with the direction). */
#include <stdlib.h>
#include <string.h>

#include "flow_internal.h"

const char *sf_dialog_state_name(sf_dialog_state_t s)
{
    static const char *const names[SF_DIALOG_STATE_COUNT] = {"early", "confirmed", "terminated"};
    return (unsigned)s < SF_DIALOG_STATE_COUNT ? names[s] : "unknown";
}

#define DKEY_MAX FLOW_DIALOG_KEY_MAX
/* keeps the dialogs table's hashes apart from the other tables' */
#define DIALOG_HASH_SEED 7
#define DFIELD_MAX 256

static size_t dkey(char *k, sf_slice_t cid, sf_slice_t a, sf_slice_t b)
{
    /* order the tags so both directions give the same key */
    int c = memcmp(a.p ? a.p : "", b.p ? b.p : "", a.len < b.len ? a.len : b.len);
    if (c > 0 || (c == 0 && a.len > b.len)) {
        sf_slice_t t = a;
        a = b;
        b = t;
    }
    size_t n = sf_key_put(k, 0, cid, DFIELD_MAX);
    n = sf_key_put(k, n, a, DFIELD_MAX);
    return sf_key_put(k, n, b, DFIELD_MAX);
}

void sf_flow_dialog_key(sf_engine_t *e, sf_slice_t cid, sf_slice_t t1, sf_slice_t t2,
                        flow_keys_t *keys)
{
    keys->dialog.n = (uint32_t)dkey(keys->dialog_buf, cid, t1, t2);
    keys->dialog.h = sf_hash_bytes(DIALOG_HASH_SEED, keys->dialog_buf, keys->dialog.n);
    sf_flow_prefetch_slot(&e->dialogs, keys->dialog.h);
}

static dialog_t *lookup(sf_engine_t *e, const char *k, size_t n, uint64_t h)
{
    uint32_t it = 0;
    dialog_t *d;
    while ((d = sf_hmap_next(&e->dialogs, h, &it)))
        if (d->keylen == n && memcmp(d->key, k, n) == 0) return d;
    return NULL;
}

dialog_t *sf_flow_dialog_find_key(sf_engine_t *e, const flow_keys_t *keys)
{
    return lookup(e, keys->dialog_buf, keys->dialog.n, keys->dialog.h);
}

dialog_t *sf_flow_dialog_find(sf_engine_t *e, sf_slice_t cid, sf_slice_t t1, sf_slice_t t2)
{
    char k[DKEY_MAX];
    size_t n = dkey(k, cid, t1, t2);
    return lookup(e, k, n, sf_hash_bytes(DIALOG_HASH_SEED, k, n));
}

dialog_t *sf_flow_dialog_create(sf_engine_t *e, const flow_keys_t *keys)
{
    const char *k = keys->dialog_buf;
    size_t n = keys->dialog.n;
    dialog_t *d = sf_flow_obj_get(e, &e->dialog_pool, offsetof(dialog_t, timer));
    if (!d) return NULL;
    d->key = sf_flow_key_store(d->key_buf, k, n);
    d->hash = keys->dialog.h;
    if (!d->key || !sf_hmap_insert(&e->dialogs, d->hash, d)) {
        if (d->key) sf_flow_key_free(d->key_buf, d->key);
        sf_pool_put(&e->dialog_pool, d);
        return NULL;
    }
    d->keylen = (uint32_t)n;
    sf_timer_init(&d->timer, TIMER_DIALOG);
    d->number = ++e->next_dialog;
    d->state = SF_DIALOG_EARLY;
    d->last_ns = e->now;
    e->stats.dialogs++;
    e->stats.open_dialogs++;
    if (d->key != d->key_buf) sf_flow_mem(e, (int64_t)n);
    sf_timer_set(&e->timers, &d->timer, e->now + e->cfg.call_idle_ns);
    return d;
}

void sf_flow_dialog_set_state(sf_engine_t *e, dialog_t *d, sf_dialog_state_t st)
{
    /* states only move forward: early -> confirmed -> terminated */
    if (st > d->state) d->state = st;
    d->last_ns = e->now;
    int64_t until = d->state == SF_DIALOG_TERMINATED ? e->now + T64(e) : e->now + e->cfg.call_idle_ns;
    sf_timer_set(&e->timers, &d->timer, until);
}

void sf_flow_dialog_attach(call_t *c, dialog_t *d)
{
    if (d->call == c) return;
    if (d->call) {
        /* a dialog belongs to one call; move it */
        dialog_t **pp = &d->call->dialogs;
        while (*pp && *pp != d) pp = &(*pp)->call_next;
        if (*pp) *pp = d->call_next;
    }
    d->call = c;
    d->call_next = c->dialogs;
    c->dialogs = d;
    c->pub.n_dialogs++;
}

static void detach(dialog_t *d)
{
    if (!d->call) return;
    dialog_t **pp = &d->call->dialogs;
    while (*pp && *pp != d) pp = &(*pp)->call_next;
    if (*pp) *pp = d->call_next;
    d->call = NULL;
    d->call_next = NULL;
}

void sf_flow_dialog_free(sf_engine_t *e, dialog_t *d)
{
    detach(d);
    sf_timer_cancel(&e->timers, &d->timer);
    sf_hmap_remove(&e->dialogs, d->hash, d);
    e->stats.open_dialogs--;
    if (d->key != d->key_buf) sf_flow_mem(e, -(int64_t)d->keylen);
    sf_flow_key_free(d->key_buf, d->key);
    sf_pool_put(&e->dialog_pool, d);
}

void sf_flow_dialog_expire(sf_engine_t *e, dialog_t *d)
{
    /* a dialog of a live call lives as long as the call */
    if (d->call && d->state != SF_DIALOG_TERMINATED) {
        sf_timer_set(&e->timers, &d->timer, e->now + e->cfg.call_idle_ns);
        return;
    }
    sf_flow_dialog_free(e, d);
}
