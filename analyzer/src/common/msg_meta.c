/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <string.h>

#include "sipflow/msg_meta.h"

void sf_msg_meta_clear_frames(sf_msg_meta_t *m)
{
    m->n_frames = 0;
    m->frames_omitted = 0;
}

void sf_msg_meta_add_frame(sf_msg_meta_t *m, uint64_t frame)
{
    uint32_t n = m->n_frames;
    /* Common case: frames arrive in ascending order. */
    if (n == 0 || frame > m->frames[n - 1]) {
        if (n < SF_MSG_MAX_FRAMES) {
            m->frames[m->n_frames++] = frame;
        } else {
            /* Full: the greatest frame always stays last (it completes the
             * message); the one it displaces is counted. */
            m->frames[n - 1] = frame;
            m->frames_omitted++;
        }
        return;
    }
    /* Out of order (TCP/fragment reordering): sorted insert, unique. */
    uint32_t i = 0;
    while (i < n && m->frames[i] < frame) i++;
    if (m->frames[i] == frame) return;
    if (n == SF_MSG_MAX_FRAMES) {
        /* Drop the second-greatest to keep the first frames and the last. */
        if (i >= n - 1) {
            m->frames_omitted++;
            return;
        }
        memmove(&m->frames[i + 1], &m->frames[i], (n - 2 - i) * sizeof m->frames[0]);
        m->frames[i] = frame;
        m->frames_omitted++;
        return;
    }
    memmove(&m->frames[i + 1], &m->frames[i], (n - i) * sizeof m->frames[0]);
    m->frames[i] = frame;
    m->n_frames++;
}
