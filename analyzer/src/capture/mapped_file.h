/* SPDX-License-Identifier: GPL-2.0-or-later */
/* A stdio stream over a regular file read through a sliding read-only
 * memory map: what capture.c hands to libpcap for classic pcap files.
 * Internal to capture/. */
#ifndef SF_MAPPED_FILE_H
#define SF_MAPPED_FILE_H

#include <stdio.h>

/* Opens path for reading through a mapped window. Returns NULL (errno
 * set) when the file cannot be opened, is not a regular file, or this
 * libc cannot make a custom stream: the caller then uses fopen(). The
 * stream is read-only; fclose() unmaps and closes. */
FILE *sf_mapped_fopen(const char *path);

#endif
