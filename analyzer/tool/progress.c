/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "progress.h"

#include <fcntl.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define REDRAW_NS 100000000 /* 10 redraws a second at most */

static int64_t now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

/* Size of a plain input; 0 for stdin, pipes and gzip files (their size on
 * disk says nothing about the bytes sipflow will read). */
static uint64_t input_size(const char *path)
{
    if (strcmp(path, "-") == 0) return 0;
    int fd = open(path, O_RDONLY);
    if (fd < 0) return 0;
    struct stat st;
    unsigned char magic[2] = {0, 0};
    uint64_t size = 0;
    if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && read(fd, magic, 2) == 2 &&
        !(magic[0] == 0x1f && magic[1] == 0x8b))
        size = (uint64_t)st.st_size;
    close(fd);
    return size;
}

void sf_progress_start(sf_progress_t *p, char **inputs, bool enabled)
{
    memset(p, 0, sizeof *p);
    if (!enabled || !isatty(STDERR_FILENO)) return;
    p->on = true;
    p->tty = stderr;
    for (char **i = inputs; i && *i; i++) {
        uint64_t sz = input_size(*i);
        if (!sz) { /* one unknown size makes the total unknown */
            p->total = 0;
            break;
        }
        p->total += sz;
    }
    /* SIPFLOW_PROGRESS_INTERVAL_MS: the redraw interval, for tests */
    const char *iv = getenv("SIPFLOW_PROGRESS_INTERVAL_MS");
    p->interval_ns = iv && *iv ? (int64_t)atoi(iv) * 1000000 : REDRAW_NS;
    if (p->interval_ns < 0) p->interval_ns = REDRAW_NS;
    p->start_ns = now_ns();
    p->next_ns = p->start_ns + p->interval_ns;
}

static void human_bytes(char *b, size_t n, double v)
{
    static const char *const unit[] = {"B", "kB", "MB", "GB", "TB"};
    int u = 0;
    while (v >= 1000 && u < 4) {
        v /= 1000;
        u++;
    }
    snprintf(b, n, u ? "%.1f %s" : "%.0f %s", v, unit[u]);
}

void sf_progress_format(char *buf, size_t n, uint64_t done, uint64_t total, int64_t elapsed_ns)
{
    char d[32], t[32], r[32];
    double secs = elapsed_ns > 0 ? (double)elapsed_ns / 1e9 : 0;
    double rate = secs > 0 ? (double)done / secs : 0;
    human_bytes(d, sizeof d, (double)done);
    human_bytes(r, sizeof r, rate);
    if (!total) {
        snprintf(buf, n, "sipflow: %s read, %s/s", d, r);
        return;
    }
    if (done > total) done = total;
    double frac = (double)done / (double)total;
    enum { W = 24 };
    char bar[W + 1];
    int fill = (int)(frac * W);
    for (int i = 0; i < W; i++)
        bar[i] = i < fill ? '#' : '.';
    bar[W] = 0;
    human_bytes(t, sizeof t, (double)total);
    char eta[32] = "--:--";
    if (rate > 0) {
        uint64_t left = (uint64_t)((double)(total - done) / rate + 0.5);
        snprintf(eta, sizeof eta, "%" PRIu64 ":%02" PRIu64, left / 60, left % 60);
    }
    snprintf(buf, n, "sipflow: [%s] %5.1f%%  %s of %s  %s/s  ETA %s", bar, frac * 100, d, t, r,
             eta);
}

void sf_progress_update(sf_progress_t *p, uint64_t done)
{
    if (!p->on) return;
    int64_t now = now_ns();
    if (now < p->next_ns) return;
    p->next_ns = now + p->interval_ns;
    char line[160];
    sf_progress_format(line, sizeof line, done, p->total, now - p->start_ns);
    /* \r and erase-to-end-of-line: the bar redraws in place */
    fprintf(p->tty, "\r%s\033[K", line);
    fflush(p->tty);
    p->drawn = true;
}

void sf_progress_end(sf_progress_t *p)
{
    if (p->on && p->drawn) {
        fputs("\r\033[K", p->tty);
        fflush(p->tty);
    }
    p->on = false;
}
