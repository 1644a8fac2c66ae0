/* SPDX-License-Identifier: GPL-2.0-or-later */
/* sipflow extract: the stream connections (TCP, WebSocket over TCP, SCTP
 * associations) that carry the chosen calls' messages, so that pass 2 can
 * copy every record of them. A call's message frames alone do not decode
 * again: TCP needs its handshake and the segments between messages, and
 * WebSocket its HTTP Upgrade (RFC 6455 4) and the control frames that may
 * sit between the fragments of a message (RFC 6455 5.4). */
#ifndef SIPFLOW_TOOL_EXTRACT_CONNS_H
#define SIPFLOW_TOOL_EXTRACT_CONNS_H

#include <stdbool.h>
#include <stdint.h>

#include "sipflow/capture.h"
#include "sipflow/engine.h"

typedef struct sf_extract_conns sf_extract_conns_t;

sf_extract_conns_t *sf_extract_conns_new(void);
void sf_extract_conns_free(sf_extract_conns_t *x);

/* Pass 1: notes the connection of a message of a call sent over a stream
 * transport (ignored otherwise). */
void sf_extract_conns_on_message(sf_extract_conns_t *x, const sf_msg_info_t *info);
/* Pass 1, when a call is over: chosen, its connections are kept for pass
 * 2; either way its per-call list is released. */
void sf_extract_conns_call_done(sf_extract_conns_t *x, uint32_t call, bool chosen);
/* Connections kept for pass 2. */
uint32_t sf_extract_conns_count(const sf_extract_conns_t *x);

/* Pass 2: whether the record belongs to a kept connection (either
 * direction). Records must come in capture order (IP fragments are
 * reassembled: a datagram matches on its completing fragment). */
bool sf_extract_conns_match(sf_extract_conns_t *x, const sf_packet_t *pkt);

#endif
