/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Byte scanners shared by the datagram framer (framing.c) and the stream
 * framer (sip_stream.c): end of the header block and a fast Content-Length
 * lookup. Deliberately not the full parser: framing only needs where a
 * message ends. Private to analyzer/src/sip. */
#ifndef SIPFLOW_SIP_FRAMING_SCAN_H
#define SIPFLOW_SIP_FRAMING_SCAN_H

#include <stdbool.h>
#include <stdint.h>

/* Largest Content-Length taken at face value. Larger values are a defect
 * and never turn into an allocation (RFC 3261 20.14 gives no bound). */
#define SF_SIP_CL_MAX 0x7fffffffu

/* End-of-headers scanner state: the header block ends at the first empty
 * line (RFC 3261 7: CRLF CRLF; a bare LF is accepted as a line ending, as
 * the stacks we meet in captures send it). */
typedef enum sf_hdr_end_state {
    SF_HE_TEXT = 0, /* inside a line */
    SF_HE_LF,       /* just after a line ending: at a line start */
    SF_HE_LF_CR,    /* at a line start, a CR seen */
} sf_hdr_end_state_t;

/* While looking for the end, the scanner notes the lines that could be a
 * Content-Length ("C..."/"l..."), so the length lookup afterwards touches
 * only those instead of every line again. */
#define SF_HDR_SCAN_CAND 16
typedef struct sf_hdr_scan {
    sf_hdr_end_state_t st;
    uint32_t ncand;
    bool overflow;                   /* more candidates than noted: look at every line */
    uint32_t cand[SF_HDR_SCAN_CAND]; /* line offsets from the message start */
} sf_hdr_scan_t;

/* Starts a scan right after the start line (which ended in LF or not). */
void sf_sip_hdr_scan_init(sf_hdr_scan_t *hs, bool after_lf);

/* Feeds p[0..n), which lies at offset `off` from the message start.
 * Returns the number of bytes consumed up to and including the LF that
 * ends the empty line, or -1 when the block has not ended within p (all n
 * bytes consumed, state updated). */
int64_t sf_sip_hdr_scan(sf_hdr_scan_t *hs, const char *p, uint32_t n, uint32_t off);

typedef enum sf_cl_result {
    SF_CL_ABSENT = 0,
    SF_CL_OK,
    SF_CL_INVALID, /* not a number: *defect names it */
    SF_CL_TOO_LARGE,
} sf_cl_result_t;

/* Looks for Content-Length (or compact "l", RFC 3261 7.3.3) in the header
 * lines h[0..n) (the block after the start line; it may include the empty
 * line). sf_sip_content_length() is the same over a complete message
 * msg[0..hdr_end) that sf_sip_hdr_scan() scanned, using its candidates. Names match
 * case-insensitively with optional whitespace before the colon; folded values (RFC 3261 7.3.1) are
 * understood. On SF_CL_OK *value holds the first value; *defect is set when something is wrong
 * (invalid or too large value, conflicting duplicates), else left untouched. */
sf_cl_result_t sf_sip_scan_content_length(const char *h, uint32_t n, uint32_t *value,
                                          const char **defect);
sf_cl_result_t sf_sip_content_length(const char *msg, uint32_t sl_len, uint32_t hdr_end,
                                     const sf_hdr_scan_t *hs, uint32_t *value, const char **defect);

#endif
