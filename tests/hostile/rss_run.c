/* SPDX-License-Identifier: GPL-2.0-or-later */
/* rss_run STATFILE PROGRAM ARG...: runs PROGRAM and writes
 * "status=<wait status> maxrss_kb=<peak RSS>" to STATFILE.
 *
 * Why not measure from Python: a child's ru_maxrss starts from the RSS of
 * the process that forked it (the copied address space counts until
 * exec), so a Python test holding parsed output would inflate every later
 * measurement. This launcher is small, so the figure is the program's own. */
#ifndef _DEFAULT_SOURCE
#define _DEFAULT_SOURCE /* wait4() */
#endif
#include <stdio.h>
#include <sys/resource.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

int main(int argc, char **argv)
{
    if (argc < 3) {
        fprintf(stderr, "usage: rss_run STATFILE PROGRAM ARG...\n");
        return 2;
    }
    pid_t pid = fork();
    if (pid < 0) {
        perror("rss_run: fork");
        return 2;
    }
    if (pid == 0) {
        execv(argv[2], argv + 2);
        perror("rss_run: exec");
        _exit(127);
    }
    int status = 0;
    struct rusage ru;
    if (wait4(pid, &status, 0, &ru) != pid) {
        perror("rss_run: wait4");
        return 2;
    }
    FILE *f = fopen(argv[1], "w");
    if (!f) {
        perror("rss_run: statfile");
        return 2;
    }
    fprintf(f, "status=%d maxrss_kb=%ld\n", status, ru.ru_maxrss);
    return fclose(f) == 0 ? 0 : 2;
}
