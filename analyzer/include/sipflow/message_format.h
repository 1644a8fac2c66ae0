/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Rendering of single SIP messages and anomalies for the report tool:
 * JSON Lines records (docs/schemas/messages.schema.json,
 * anomalies.schema.json) and one-line text. */
#ifndef SIPFLOW_MESSAGE_FORMAT_H
#define SIPFLOW_MESSAGE_FORMAT_H

#include "sipflow/anomaly.h"
#include "sipflow/engine.h"
#include "sipflow/stats.h"
#include "sipflow/json_writer.h"
#include "sipflow/msg_meta.h"
#include "sipflow/sip_msg.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Version of the JSON Lines schemas; later versions add keys, never
 * rename or remove them. */
#define SF_JSON_SCHEMA_VERSION 1

/* Writes the members of a message record into an open JSON object. */
void sf_format_message_json(sf_json_t *j, const sf_msg_info_t *info);
/* A call record (docs/schemas/calls.schema.json). */
void sf_format_call_json(sf_json_t *j, const sf_call_t *c);
/* The statistics document (docs/schemas/stats.schema.json). */
void sf_format_stats_json(sf_json_t *j, const sf_stats_t *s);
void sf_format_anomaly_json(sf_json_t *j, const sf_anomaly_t *a);

/* "2026-11-27 11:26:18.123456" in UTC or local time, with the
 * capture's precision. */
size_t sf_format_time_text(sf_ts_t ts, bool utc, char *buf, size_t n);

/* Frame list as text: "7" or "7,8,10" or "1,2,...(+12),40". */
size_t sf_format_frames_text(const sf_msg_meta_t *meta, char *buf, size_t n);

#ifdef __cplusplus
}
#endif

#endif
