/* SPDX-License-Identifier: GPL-2.0-or-later */
/* --call VALUE (repeatable), shared by the commands that pick calls: a value
 * names the call with that number (sipflow calls) or with that Call-ID.
 * An all-digit value may be either (Call-IDs can be plain numbers), so it
 * matches both. */
#ifndef SIPFLOW_TOOL_CALL_SELECT_H
#define SIPFLOW_TOOL_CALL_SELECT_H

#include <stdbool.h>
#include <stdint.h>

#include "sipflow/engine.h"
#include "sipflow/types.h"

/* values: the NULL-terminated --call list (NULL or empty: no selection). */
bool sf_call_select_any(char *const *values);
/* The call is named by one of the values. */
bool sf_call_select_call(char *const *values, const sf_call_t *c);
/* A message of call number `call` with this Call-ID may belong to a named
 * call (for keeping message texts before the call is over). */
bool sf_call_select_message(char *const *values, uint32_t call, sf_slice_t call_id);

#endif
