/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The engine's timer queue (sorted lanes and a heap, lazy cancellation by
 * generation) and object pools, against a plain model. */
#include "sf_test.h"

#include <stddef.h>
#include <stdlib.h>
#if defined(__SANITIZE_ADDRESS__)
#include <sanitizer/asan_interface.h>
#endif

#include "../../analyzer/src/flow/pool.h"
#include "../../analyzer/src/flow/timer_queue.h"

#define N 512

typedef struct obj {
    sf_timer_t timer;
    int id;
} obj_t;

/* A random mix of arming, moving later, moving earlier and cancelling:
 * every armed timer fires exactly once, at its latest deadline, in
 * deadline order, and a cancelled one never fires. */
static void run_model(int64_t spread, int64_t step, int64_t horizon)
{
    static obj_t o[N];
    static int64_t model[N]; /* deadline, or -1 when not armed */
    sf_timer_queue_t h = {0};
    h.horizon = horizon;
    srand(7);
    for (int i = 0; i < N; i++) {
        o[i].id = i;
        sf_timer_init(&o[i].timer, 1);
        model[i] = -1;
    }
    int64_t now = 0;
    for (int round = 0; round < 200000; round++) {
        int i = rand() % N;
        int op = rand() % 10;
        if (op < 6) {
            /* step > 0: a fixed delay, as the engine arms most timers */
            int64_t d = now + 1 + (step ? step : rand() % spread);
            assert_true(sf_timer_set(&h, &o[i].timer, d));
            model[i] = d;
        } else if (op < 8) {
            sf_timer_cancel(&h, &o[i].timer);
            model[i] = -1;
        } else {
            now += rand() % 50;
            int64_t last = -1;
            sf_timer_t *t;
            while ((t = sf_timer_pop_due(&h, now))) {
                obj_t *x = (obj_t *)t;
                assert_int_equal(model[x->id], t->deadline);
                assert_true(t->deadline <= now);
                assert_true(t->deadline >= last);
                assert_false(sf_timer_armed(t));
                last = t->deadline;
                model[x->id] = -1;
            }
            for (int k = 0; k < N; k++)
                assert_true(model[k] < 0 || model[k] > now);
        }
        /* stale entries are compacted: the queue stays near the armed count */
        assert_true(sf_timer_queue_entries(&h) <= 2 * N + 4096 + 1);
    }
    /* pop_first drains in deadline order (past the horizon: in placing
     * order, after the others) */
    int64_t last = -1;
    sf_timer_t *t;
    uint32_t left = 0;
    for (int k = 0; k < N; k++)
        left += model[k] >= 0;
    while ((t = sf_timer_pop_first(&h))) {
        obj_t *x = (obj_t *)t;
        assert_int_equal(model[x->id], t->deadline);
        if (!horizon) assert_true(t->deadline >= last);
        last = t->deadline;
        model[x->id] = -1;
        left--;
    }
    assert_int_equal(left, 0);
    sf_timer_queue_free(&h);
}

/* Random delays (most entries in the heap), a fixed delay (one lane), and
 * a mix of a few delays (several lanes, moves later re-placed behind a
 * lane's tail). */
static void test_queue_matches_model(void **state)
{
    (void)state;
    run_model(5000, 0, 0);
    run_model(0, 3000, 0);
    run_model(50, 0, 0);
    run_model(5000, 0, 700); /* most deadlines hop through the horizon */
}

/* Equal deadlines armed together fire in the order they were armed, also
 * when they waited in the last bucket first, so two runs over one capture
 * emit the same events in the same order. */
static void test_equal_deadlines_fire_in_arming_order(void **state)
{
    (void)state;
    static obj_t o[64];
    sf_timer_queue_t h = {0};
    for (int i = 0; i < 64; i++) {
        o[i].id = i;
        sf_timer_init(&o[i].timer, 1);
        /* two delays: two lanes */
        assert_true(sf_timer_set(&h, &o[i].timer, i % 2 ? 5000 : 700));
    }
    int last_near = -1, last_far = -1;
    sf_timer_t *t;
    int fired = 0;
    while ((t = sf_timer_pop_due(&h, 10000))) {
        obj_t *x = (obj_t *)t;
        if (x->id % 2) {
            assert_true(x->id > last_far);
            assert_true(last_near == 62); /* every 700 before any 5000 */
            last_far = x->id;
        } else {
            assert_true(x->id > last_near);
            last_near = x->id;
        }
        fired++;
    }
    assert_int_equal(fired, 64);
    sf_timer_queue_free(&h);
}

/* A gap of hours in the capture, then timers again: they fire on time. */
static void test_capture_gap(void **state)
{
    (void)state;
    obj_t a = {0}, b = {0};
    sf_timer_init(&a.timer, 1);
    sf_timer_init(&b.timer, 1);
    sf_timer_queue_t h = {0};
    int64_t t0 = 1700000000LL * 1000000000LL;
    assert_null(sf_timer_pop_due(&h, t0));
    assert_true(sf_timer_set(&h, &a.timer, t0 + 32000000000LL));
    assert_true(sf_timer_set(&h, &b.timer, t0 + 4LL * 3600 * 1000000000LL));
    assert_null(sf_timer_pop_due(&h, t0 + 31000000000LL));
    assert_ptr_equal(sf_timer_pop_due(&h, t0 + 40000000000LL), &a.timer);
    assert_null(sf_timer_pop_due(&h, t0 + 40000000000LL));
    int64_t later = t0 + 10LL * 3600 * 1000000000LL; /* past b: fires now */
    assert_ptr_equal(sf_timer_pop_due(&h, later), &b.timer);
    assert_true(sf_timer_set(&h, &a.timer, later + 1000));
    assert_null(sf_timer_pop_due(&h, later + 999));
    assert_ptr_equal(sf_timer_pop_due(&h, later + 1000), &a.timer);
    /* negative capture times (before 1970) order the same way */
    assert_true(sf_timer_set(&h, &a.timer, -5000));
    assert_true(sf_timer_set(&h, &b.timer, -6000));
    assert_ptr_equal(sf_timer_pop_first(&h), &b.timer);
    assert_ptr_equal(sf_timer_pop_first(&h), &a.timer);
    assert_null(sf_timer_pop_first(&h));
    sf_timer_queue_free(&h);
}

/* With a horizon, a deadline far ahead waits at now + horizon and hops
 * until it is near: it still fires exactly at its deadline, and the entry
 * a timer leaves when it moves earlier is dropped within the horizon (the
 * engine's calls: an idle timeout of hours, moved to 64*T1 when the call
 * ends), so stale entries never pile up to a compaction. */
static void test_horizon(void **state)
{
    (void)state;
    enum { CALLS = 20000 };
    static obj_t o[CALLS];
    sf_timer_queue_t h = {0};
    h.horizon = 48;
    int64_t now = 0;
    assert_null(sf_timer_pop_due(&h, now));
    obj_t far = {0};
    sf_timer_init(&far.timer, 1);
    assert_true(sf_timer_set(&h, &far.timer, 1000));
    for (int i = 0; i < CALLS; i++) {
        sf_timer_init(&o[i].timer, 1);
        o[i].id = i;
        assert_true(sf_timer_set(&h, &o[i].timer, now + 14400)); /* idle */
        assert_true(sf_timer_set(&h, &o[i].timer, now + 32));    /* ended */
        now++;
        sf_timer_t *t;
        while ((t = sf_timer_pop_due(&h, now))) {
            obj_t *x = (obj_t *)t;
            assert_true(x == &far || x->timer.deadline == now);
            if (x == &far) assert_int_equal(now, 1000);
        }
        /* live: about 32 ended timers and far; stale: at most a horizon's */
        assert_true(h.stale <= 48 + 2);
        assert_true(sf_timer_queue_entries(&h) <= 2 * 48 + 8);
    }
    assert_false(sf_timer_armed(&far.timer));
    sf_timer_queue_free(&h);
}

/* One timer armed and cancelled a million times: the queue does not grow. */
static void test_queue_bounded_under_churn(void **state)
{
    (void)state;
    obj_t a = {0};
    sf_timer_init(&a.timer, 1);
    sf_timer_queue_t h = {0};
    for (int i = 0; i < 1000000; i++) {
        assert_true(sf_timer_set(&h, &a.timer, 1000 - (i % 1000)));
        if (i % 3 == 0) sf_timer_cancel(&h, &a.timer);
    }
    assert_true(sf_timer_queue_entries(&h) <= 4096 * 2 + 2);
    sf_timer_queue_free(&h);
}

/* A re-used pool object keeps its timer generation, so an entry left for
 * its previous life stays stale. */
static void test_pool_reuse_keeps_stale_entries_stale(void **state)
{
    (void)state;
    sf_pool_t p;
    sf_pool_init(&p, sizeof(obj_t), 4);
    sf_pool_keep(&p, offsetof(obj_t, timer), sizeof(sf_timer_t));
    sf_timer_queue_t h = {0};
    obj_t *x = sf_pool_get(&p);
    assert_non_null(x);
    sf_timer_init(&x->timer, 1);
    assert_true(sf_timer_set(&h, &x->timer, 100));
    sf_timer_cancel(&h, &x->timer);
    sf_pool_put(&p, x);
#if defined(__SANITIZE_ADDRESS__)
    /* pooled: the timer stays readable, the rest is poisoned */
    assert_false(__asan_address_is_poisoned(&x->timer.gen));
    assert_false(__asan_address_is_poisoned(&x->timer.armed));
    assert_true(__asan_address_is_poisoned(&x->id));
#endif
    obj_t *y = sf_pool_get(&p);
#if defined(__SANITIZE_ADDRESS__)
    assert_false(__asan_address_is_poisoned(&y->id));
#endif
    assert_ptr_equal(x, y); /* the free list hands it back */
    sf_timer_init(&y->timer, 1);
    assert_true(sf_timer_set(&h, &y->timer, 200));
    assert_null(sf_timer_pop_due(&h, 150)); /* the old entry at 100 is stale */
    assert_ptr_equal(sf_timer_pop_due(&h, 250), &y->timer);
    assert_null(sf_timer_pop_due(&h, 1000));
    /* many objects: every one distinct, memory counted */
    obj_t *all[100];
    for (int i = 0; i < 100; i++) {
        all[i] = sf_pool_get(&p);
        assert_non_null(all[i]);
        for (int k = 0; k < i; k++)
            assert_ptr_not_equal(all[i], all[k]);
    }
    assert_true(p.bytes >= 100 * sizeof(obj_t));
    sf_pool_release(&p);
    assert_int_equal(p.bytes, 0);
    sf_timer_queue_free(&h);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_queue_matches_model),
        cmocka_unit_test(test_equal_deadlines_fire_in_arming_order),
        cmocka_unit_test(test_capture_gap),
        cmocka_unit_test(test_horizon),
        cmocka_unit_test(test_queue_bounded_under_churn),
        cmocka_unit_test(test_pool_reuse_keeps_stale_entries_stale),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
