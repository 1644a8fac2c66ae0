/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Start-line scanner shared by sf_sip_start_line_check() (stream framing)
 * and sf_sip_parse(). Private to analyzer/src/sip. */
#ifndef SIPFLOW_SIP_START_LINE_H
#define SIPFLOW_SIP_START_LINE_H

#include "sipflow/types.h"

typedef struct sf_start_line {
    bool is_request;
    sf_slice_t method; /* request */
    sf_slice_t uri;    /* request */
    sf_slice_t version;
    sf_slice_t code;   /* response: the 3 digits */
    sf_slice_t reason; /* response */
    uint32_t text_len; /* line without its ending */
} sf_start_line_t;

/* Strict RFC 3261 7.1 scan; same return values as sf_sip_start_line_check().
 * out is filled when the result is > 0. */
int32_t sf_start_line_scan(const char *buf, uint32_t len, sf_start_line_t *out);

#endif
