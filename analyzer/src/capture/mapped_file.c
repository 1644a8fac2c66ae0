/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Why map: libpcap reads a classic pcap record by record with fread().
 * Fed by read(2), even through a 1 MiB stdio buffer, the kernel's page
 * cache copy and system calls cost about as much as the whole bare libpcap
 * loop (measured on a 200 MB capture in page cache: 0.12-0.20 s through
 * read(2), 0.062-0.068 s through a mapped window, same records). The
 * window slides: at most SF_MAPPED_WINDOW bytes are mapped at a time, so
 * resident memory stays a few MiB whatever the file size (mapped file
 * pages count in RSS).
 *
 * A file that grows while it is read is followed as far as it has grown
 * when the window reaches the old end, as read(2) would. A file truncated
 * under the current window would raise SIGBUS; that only happens when
 * another process shrinks a capture in place while sipflow reads it
 * (README, limits). */
#define _GNU_SOURCE /* fopencookie */
#include "mapped_file.h"

#include <assert.h>
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

/* 4 MiB: larger windows measured no faster, smaller ones map more often */
#define SF_MAPPED_WINDOW ((off_t)4 << 20)
/* the stdio buffer between libpcap's fread() and the window */
#define SF_MAPPED_STDIO_BUF ((size_t)64 << 10)

typedef struct mapped {
    int fd;
    off_t size; /* file size as last seen */
    off_t pos;  /* next byte to hand out */
    off_t base; /* file offset of map (page aligned) */
    size_t len; /* bytes mapped */
    char *map;  /* NULL when nothing is mapped */
} mapped_t;

static void unmap(mapped_t *m)
{
    if (m->map) munmap(m->map, m->len);
    m->map = NULL;
    m->len = 0;
}

/* Maps the window holding m->pos. Returns false at end of file or on
 * error (errno set, 0 at end of file). */
static bool map_window(mapped_t *m)
{
    unmap(m);
    if (m->pos >= m->size) {
        /* the file may have grown since it was opened */
        struct stat st;
        if (fstat(m->fd, &st) != 0) return false;
        m->size = st.st_size;
        if (m->pos >= m->size) {
            errno = 0;
            return false;
        }
    }
    static_assert(SF_MAPPED_WINDOW % 65536 == 0, "window must keep mappings page aligned");
    m->base = m->pos - m->pos % SF_MAPPED_WINDOW;
    off_t left = m->size - m->base;
    m->len = (size_t)(left < SF_MAPPED_WINDOW ? left : SF_MAPPED_WINDOW);
    /* MAP_POPULATE: one fault-in per window instead of one per page */
    void *p = mmap(NULL, m->len, PROT_READ, MAP_PRIVATE | MAP_POPULATE, m->fd, m->base);
    if (p == MAP_FAILED) {
        m->len = 0;
        return false;
    }
    m->map = p;
    return true;
}

static ssize_t mapped_read(void *cookie, char *buf, size_t n)
{
    mapped_t *m = cookie;
    size_t done = 0;
    /* bounded: each pass copies at least one byte or stops */
    while (done < n) {
        if (!m->map || m->pos >= m->base + (off_t)m->len) {
            if (!map_window(m)) {
                if (errno && done == 0) return -1;
                break;
            }
        }
        size_t avail = (size_t)(m->base + (off_t)m->len - m->pos);
        size_t k = n - done < avail ? n - done : avail;
        memcpy(buf + done, m->map + (m->pos - m->base), k);
        done += k;
        m->pos += (off_t)k;
    }
    return (ssize_t)done;
}

static int mapped_close(void *cookie)
{
    mapped_t *m = cookie;
    unmap(m);
    int rc = close(m->fd);
    free(m);
    return rc;
}

FILE *sf_mapped_fopen(const char *path)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) return NULL;
    struct stat st;
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        int e = errno ? errno : EINVAL;
        close(fd);
        errno = e;
        return NULL;
    }
    mapped_t *m = calloc(1, sizeof *m);
    if (!m) {
        close(fd);
        errno = ENOMEM;
        return NULL;
    }
    m->fd = fd;
    m->size = st.st_size;
    cookie_io_functions_t io = {.read = mapped_read, .close = mapped_close};
    FILE *f = fopencookie(m, "rb", io);
    if (!f) {
        int e = errno;
        free(m);
        close(fd);
        errno = e;
        return NULL;
    }
    setvbuf(f, NULL, _IOFBF, SF_MAPPED_STDIO_BUF);
    return f;
}
