/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * bare_loop - the fastest a libpcap reader can go on this machine: read every
 * packet of a capture with pcap_next_ex() and do nothing but count packets
 * and bytes.  It is the ceiling sipflow's throughput is measured against
 * (bench/run.sh).
 *
 * Usage: bare_loop FILE.pcap
 * Prints one line of key=value pairs, e.g.
 *   bare_loop packets=2540000 bytes=1051... seconds=0.80 pps=3.1e6 MBps=1300
 * MB are 10^6 bytes of the file (record headers included), so MB/s of
 * different tools over the same file compare directly.
 */
#include <pcap/pcap.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/stat.h>
#include <time.h>

static double now_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: %s FILE.pcap\n", argv[0]);
        return 2;
    }
    struct stat st;
    if (stat(argv[1], &st) != 0) {
        perror(argv[1]);
        return 1;
    }
    char errbuf[PCAP_ERRBUF_SIZE];
    double t0 = now_seconds();
    pcap_t *p = pcap_open_offline(argv[1], errbuf);
    if (p == NULL) {
        fprintf(stderr, "%s: %s\n", argv[1], errbuf);
        return 1;
    }
    uint64_t packets = 0;
    uint64_t caplen_bytes = 0;
    unsigned sum = 0; /* touch one payload byte so the loop is not "empty" */
    struct pcap_pkthdr *h;
    const u_char *data;
    int rc;
    /* Bounded by the file: pcap_next_ex returns PCAP_ERROR_BREAK at its end. */
    while ((rc = pcap_next_ex(p, &h, &data)) == 1) {
        packets++;
        caplen_bytes += h->caplen;
        if (h->caplen > 0) sum += data[h->caplen - 1];
    }
    int failed = rc == PCAP_ERROR;
    if (failed) fprintf(stderr, "%s: %s\n", argv[1], pcap_geterr(p));
    pcap_close(p);
    double secs = now_seconds() - t0;
    if (secs <= 0) secs = 1e-9;
    printf("bare_loop packets=%llu caplen_bytes=%llu file_bytes=%lld seconds=%.3f "
           "pps=%.0f MBps=%.1f check=%u\n",
           (unsigned long long)packets, (unsigned long long)caplen_bytes, (long long)st.st_size,
           secs, (double)packets / secs, (double)st.st_size / 1e6 / secs, sum);
    return failed ? 1 : 0;
}
