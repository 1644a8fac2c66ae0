/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Spill file of message texts (see sipflow/message_spill.h for the bounds). */
#include "sipflow/message_spill.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define BLOCK_SHIFT 16u
#define BLOCK_ENTRIES (1u << BLOCK_SHIFT)
#define WRITE_BUF (256u * 1024u)
#define DEFAULT_MAX_BYTES (2ull << 30)
#define DEFAULT_MAX_MESSAGES (8ull << 20)
#define MAX_OFFSET ((1ull << 40) - 1)

struct sf_message_spill {
    int fd;
    uint64_t max_bytes, max_messages;
    /* index: entry = offset << 24 | length; 0 = not kept (empty messages
     * are never kept, so a kept entry is never 0) */
    uint64_t **blocks;
    size_t n_blocks;
    uint64_t last_seq;
    uint64_t flushed; /* bytes written to the file */
    char *buf;        /* bytes after `flushed`, not yet written */
    size_t buf_len;
    bool write_failed;
    sf_message_spill_stats_t st;
};

sf_message_spill_t *sf_message_spill_create(const sf_message_spill_config_t *cfg, char *err,
                                            size_t errlen)
{
    sf_message_spill_t *s = calloc(1, sizeof *s);
    if (!s) {
        snprintf(err, errlen, "out of memory");
        return NULL;
    }
    s->max_bytes = cfg && cfg->max_bytes ? cfg->max_bytes : DEFAULT_MAX_BYTES;
    if (s->max_bytes > MAX_OFFSET) s->max_bytes = MAX_OFFSET;
    s->max_messages = cfg && cfg->max_messages ? cfg->max_messages : DEFAULT_MAX_MESSAGES;
    const char *dir = cfg && cfg->dir ? cfg->dir : getenv("TMPDIR");
    if (!dir || !*dir) dir = "/tmp";
    char path[4096];
    int r = snprintf(path, sizeof path, "%s/sipflow-spill-XXXXXX", dir);
    s->n_blocks = (size_t)((s->max_messages + BLOCK_ENTRIES - 1) >> BLOCK_SHIFT);
    s->blocks = calloc(s->n_blocks ? s->n_blocks : 1, sizeof *s->blocks);
    s->buf = malloc(WRITE_BUF);
    if (r < 0 || (size_t)r >= sizeof path || !s->blocks || !s->buf) {
        snprintf(err, errlen, "cannot create a spill file in %s", dir);
        free(s->blocks);
        free(s->buf);
        free(s);
        return NULL;
    }
    s->fd = mkstemp(path);
    if (s->fd < 0) {
        snprintf(err, errlen, "cannot create a spill file in %s: %s", dir, strerror(errno));
        free(s->blocks);
        free(s->buf);
        free(s);
        return NULL;
    }
    /* Unlinked at once: the space is returned however the process ends. */
    unlink(path);
    return s;
}

void sf_message_spill_destroy(sf_message_spill_t *s)
{
    if (!s) return;
    for (size_t i = 0; i < s->n_blocks; i++)
        free(s->blocks[i]);
    free(s->blocks);
    free(s->buf);
    close(s->fd);
    free(s);
}

static int write_all(int fd, const char *p, size_t n)
{
    for (size_t guard = 0; n && guard < (1u << 20); guard++) {
        ssize_t w = write(fd, p, n);
        if (w < 0 && errno == EINTR) continue;
        if (w <= 0) return -1;
        p += w;
        n -= (size_t)w;
    }
    return n ? -1 : 0;
}

static int flush_buf(sf_message_spill_t *s)
{
    if (!s->buf_len) return 0;
    if (write_all(s->fd, s->buf, s->buf_len) != 0) {
        s->write_failed = true;
        return -1;
    }
    s->flushed += s->buf_len;
    s->buf_len = 0;
    return 0;
}

static uint64_t *slot(const sf_message_spill_t *s, uint64_t seq, bool create)
{
    if (seq == 0 || seq > s->max_messages) return NULL;
    uint64_t i = seq - 1;
    size_t b = (size_t)(i >> BLOCK_SHIFT);
    if (!s->blocks[b]) {
        if (!create) return NULL;
        s->blocks[b] = calloc(BLOCK_ENTRIES, sizeof(uint64_t));
        if (!s->blocks[b]) return NULL;
        ((sf_message_spill_t *)s)->st.index_bytes += BLOCK_ENTRIES * sizeof(uint64_t);
    }
    return &s->blocks[b][i & (BLOCK_ENTRIES - 1)];
}

int sf_message_spill_append(sf_message_spill_t *s, uint64_t seq, const char *p, size_t n)
{
    uint64_t off = s->flushed + s->buf_len;
    bool ok = !s->write_failed && seq > s->last_seq && n > 0 && n <= SF_SPILL_MAX_MESSAGE &&
              off + n <= s->max_bytes;
    uint64_t *e = ok ? slot(s, seq, true) : NULL;
    if (!e) {
        s->st.dropped++;
        return -1;
    }
    if (s->buf_len + n > WRITE_BUF && flush_buf(s) != 0) {
        s->st.dropped++;
        return -1;
    }
    if (n > WRITE_BUF) {
        /* larger than the buffer: straight to the file (the buffer is empty) */
        if (write_all(s->fd, p, n) != 0) {
            s->write_failed = true;
            s->st.dropped++;
            return -1;
        }
        s->flushed += n;
    } else {
        memcpy(s->buf + s->buf_len, p, n);
        s->buf_len += n;
    }
    *e = off << 24 | (uint64_t)n;
    s->last_seq = seq;
    s->st.messages++;
    s->st.bytes += n;
    return 0;
}

int64_t sf_message_spill_length(const sf_message_spill_t *s, uint64_t seq)
{
    const uint64_t *e = slot(s, seq, false);
    if (!e || !*e) return -1;
    return (int64_t)(*e & SF_SPILL_MAX_MESSAGE);
}

int64_t sf_message_spill_read(sf_message_spill_t *s, uint64_t seq, char *buf, size_t cap)
{
    const uint64_t *e = slot(s, seq, false);
    if (!e || !*e) return -1;
    uint64_t off = *e >> 24;
    size_t n = (size_t)(*e & SF_SPILL_MAX_MESSAGE);
    if (n > cap) n = cap;
    if (off >= s->flushed) {
        /* still in the write buffer: a message is never split between the
         * buffer and the file */
        memcpy(buf, s->buf + (off - s->flushed), n);
        return (int64_t)n;
    }
    size_t got = 0;
    for (size_t guard = 0; got < n && guard < (1u << 20); guard++) {
        ssize_t r = pread(s->fd, buf + got, n - got, (off_t)(off + got));
        if (r < 0 && errno == EINTR) continue;
        if (r <= 0) return -1;
        got += (size_t)r;
    }
    return got == n ? (int64_t)n : -1;
}

void sf_message_spill_get_stats(const sf_message_spill_t *s, sf_message_spill_stats_t *st)
{
    *st = s->st;
}
