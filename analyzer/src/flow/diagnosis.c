/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The one formatter that turns a call's diagnosis into a sentence; both
 * front ends print exactly this. */
#include <glib.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "flow_internal.h"

static const char *outcome_words(sf_outcome_t o)
{
    switch (o) {
    case SF_OUTCOME_ANSWERED: return "was answered";
    case SF_OUTCOME_CANCELLED: return "was cancelled by the caller";
    case SF_OUTCOME_BUSY: return "failed: the callee was busy";
    case SF_OUTCOME_NO_ANSWER: return "failed: no answer";
    case SF_OUTCOME_REJECTED: return "was rejected";
    case SF_OUTCOME_NOT_FOUND: return "failed: the callee was not found";
    case SF_OUTCOME_REDIRECTED: return "was redirected and not followed";
    case SF_OUTCOME_FAILED: return "failed";
    case SF_OUTCOME_TIMEOUT: return "failed: the INVITE was never answered";
    case SF_OUTCOME_UNFINISHED: return "had not finished when the capture ended";
    default: return "ended";
    }
}

static void append_party(GString *s, const sf_endpoint_t *ep, const char *agent)
{
    char b[SF_ENDPOINT_STRLEN];
    if (!ep->family) return;
    sf_endpoint_format(ep, b, sizeof b);
    g_string_append_printf(s, " from %s", b);
    if (agent) g_string_append_printf(s, " (%s)", agent);
}

char *sf_diagnosis_sentence(const sf_call_t *c)
{
    const sf_diagnosis_t *d = &c->diagnosis;
    GString *s = g_string_new(NULL);
    g_string_append_printf(s, "Call %" PRIu32 " %s", c->number, outcome_words(c->outcome));
    if (d->code) {
        g_string_append_printf(s, " with %d", d->code);
        if (d->reason_phrase && *d->reason_phrase)
            g_string_append_printf(s, " %s", d->reason_phrase);
        append_party(s, &d->failed_by, d->failed_by_agent);
        g_string_append_printf(s, " after %" PRId64 ".%03" PRId64 " s", d->elapsed_ms / 1000,
                               d->elapsed_ms % 1000);
    } else if (c->outcome == SF_OUTCOME_TIMEOUT) {
        g_string_append_printf(s, " (no response of any kind in %" PRId64 ".%03" PRId64
                                  " s, %" PRIu32 " retransmission%s)",
                               d->elapsed_ms / 1000, d->elapsed_ms % 1000,
                               d->invite_retransmissions, d->invite_retransmissions == 1 ? "" : "s");
    }
    if (d->origin_code) {
        char b[SF_ENDPOINT_STRLEN];
        sf_endpoint_format(&d->origin_by, b, sizeof b);
        g_string_append_printf(s, "; a proxy translated it from %d sent by %s", d->origin_code, b);
        if (d->origin_agent) g_string_append_printf(s, " (%s)", d->origin_agent);
    }
    if (d->reason.protocol) {
        g_string_append_printf(s, "; Reason: %s", d->reason.protocol);
        if (d->reason.cause >= 0) g_string_append_printf(s, " cause %d", d->reason.cause);
        if (d->reason.text) g_string_append_printf(s, " \"%s\"", d->reason.text);
    }
    if (d->warning) g_string_append_printf(s, "; Warning: %s", d->warning);
    if (d->code && d->invite_retransmissions)
        g_string_append_printf(s, "; the INVITE was retransmitted %" PRIu32 " time%s",
                               d->invite_retransmissions, d->invite_retransmissions == 1 ? "" : "s");
    for (unsigned b = 0; sf_problem_name(b); b++)
        if (d->problems & (1u << b)) {
            static const char *const words[] = {
                "the 2xx was retransmitted but never acknowledged (no ACK)",
                "the session timer expired", "a re-INVITE failed", "the BYE failed",
                "an in-dialog request failed"};
            g_string_append_printf(s, "; %s", words[b]);
        }
    g_string_append_c(s, '.');
    char *r = strdup(s->str);
    g_string_free(s, TRUE);
    return r;
}
