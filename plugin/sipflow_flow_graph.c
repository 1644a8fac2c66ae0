/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Flow Graph provider "sipflow" (GUI: Statistics > Flow Graph, flow type
 * sipflow; tshark: -2 -q -z flow,sipflow,standard). One arrow per SIP
 * message, labelled as the engine labels the call's ladder arrows; a
 * message outside any call is labelled with its start line's words. */
#include "sipflow_plugin.h"

#include "ws_sequence_analysis_compat.h"

static tap_packet_status sfp_flow_packet(void *tapdata, packet_info *pinfo, epan_dissect_t *edt _U_,
                                         const void *data, tap_flags_t flags _U_)
{
    seq_analysis_info_t *sainfo = tapdata;
    const sfp_tap_rec_t *rec = data;
    sfp_state_t *st = sfp_state_get();
    if (!rec || !rec->msg || !st) return TAP_PACKET_DONT_REDRAW;
    const sfp_msg_t *m = rec->msg;
    seq_analysis_item_t *sai = sequence_analysis_create_sai_with_addresses(pinfo, sainfo);
    if (!sai) return TAP_PACKET_DONT_REDRAW;
    const char *label = wmem_map_lookup(st->arrow_labels, GSIZE_TO_POINTER((gsize)m->seq));
    sai->frame_label = g_strdup(label ? label : (m->label ? m->label : ""));
    sai->port_src = (guint16)pinfo->srcport;
    sai->port_dst = (guint16)pinfo->destport;
    GString *c = g_string_new(NULL);
    if (m->call) {
        g_string_append_printf(c, "call %u", m->call);
        if (rec->call) g_string_append_printf(c, " %s", sf_outcome_name(rec->call->outcome));
    } else {
        g_string_append(c, "no call");
    }
    if (m->txn) g_string_append_printf(c, ", txn %u", m->txn);
    if (m->retransmission) g_string_append(c, ", retransmission");
    sai->comment = g_string_free(c, FALSE);
    sai->conv_num = (guint16)m->call;
    sai->line_style = 1;
    sai->display = TRUE;
    g_queue_push_tail(sainfo->items, sai);
    return TAP_PACKET_REDRAW;
}

void sfp_register_flow_graph(void)
{
    register_seq_analysis("sipflow", "sipflow", sfp_proto, "sipflow", 0, sfp_flow_packet);
}
