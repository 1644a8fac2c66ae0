/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The "sipflow" post-dissector. Wireshark's SIP dissector only *finds* the
 * messages (each `sip` protocol item: its tvb and start offset); libsipflow
 * frames, parses and analyses them. Everything is computed on the first
 * pass and stored per frame (wmem file scope); later passes render the
 * stored data and the results the engine emitted afterwards (call,
 * transaction outcomes), looked up by number. */
#include "sipflow_plugin.h"

#include <epan/expert.h>
#include <epan/prefs.h>
#include <epan/proto_data.h>
#include <epan/tap.h>
#include <string.h>

#include "sipflow/msg_meta.h"
#include "sipflow/sip_framing.h"
#include "sipflow/sip_msg.h"

int sfp_proto = -1;
int sfp_tap = -1;

static int proto_sip = -1;
static dissector_handle_t sfp_handle;

static int hf_call_num = -1;
static int hf_call_outcome = -1;
static int hf_call_final_code = -1;
static int hf_call_failed = -1;
static int hf_call_pdd = -1;
static int hf_call_setup = -1;
static int hf_call_duration = -1;
static int hf_call_diagnosis = -1;
static int hf_dialog_num = -1;
static int hf_dialog_state = -1;
static int hf_txn_num = -1;
static int hf_txn_state = -1;
static int hf_txn_request_frame = -1;
static int hf_txn_final_frame = -1;
static int hf_txn_response_ms = -1;
static int hf_txn_timeout = -1;
static int hf_msg_retrans = -1;
static int hf_msg_dup = -1;
static int hf_msg_seq = -1;

static gint ett_sipflow = -1;
static gint ett_call = -1;
static gint ett_txn = -1;

static expert_field ei_failed_call = EI_INIT;
static expert_field ei_timeout = EI_INIT;
static expert_field ei_retransmission = EI_INIT;
static expert_field ei_orphan = EI_INIT;
static expert_field ei_malformed = EI_INIT;

/* Preferences */
static guint pref_t1_ms = 0; /* 0: as the tool (500 ms, or inferred) */
static gboolean pref_expert = TRUE;

/* Messages per frame are bounded by what the SIP dissector found; this cap
 * only guards the per-frame array against a hostile frame. */
#define SFP_MAX_MSGS_PER_FRAME 256

static void fill_endpoint(sf_endpoint_t *ep, const address *a, guint32 port)
{
    memset(ep, 0, sizeof *ep);
    if (a->type == AT_IPv4 && a->len == 4) {
        ep->family = 4;
        memcpy(ep->addr, a->data, 4);
    } else if (a->type == AT_IPv6 && a->len == 16) {
        ep->family = 6;
        memcpy(ep->addr, a->data, 16);
    }
    ep->port = (uint16_t)port;
}

static uint8_t ts_precision(const packet_info *pinfo)
{
    if (!pinfo->rec) return 6;
    switch (pinfo->rec->tsprec) {
    case WTAP_TSPREC_SEC:
        return 0;
    case WTAP_TSPREC_DSEC:
        return 1;
    case WTAP_TSPREC_CSEC:
        return 2;
    case WTAP_TSPREC_MSEC:
        return 3;
    case WTAP_TSPREC_USEC:
        return 6;
    case WTAP_TSPREC_NSEC:
        return 9;
    default:
        return 6;
    }
}

/* Start-line label for messages outside a call's ladder ("REGISTER",
 * "200 OK"): the raw start line's words, no meaning added. */
static const char *start_line_label(const sf_sip_msg_t *m)
{
    if (m->is_request) return wmem_strndup(wmem_file_scope(), m->method.p, m->method.len);
    return wmem_strdup_printf(wmem_file_scope(), "%u %.*s", m->status, (int)m->reason.len,
                              m->reason.p ? m->reason.p : "");
}

/* First pass: frame, parse and push one message starting at `offset` of
 * `tvb`. Returns false when sipflow does not see a SIP message there. */
static bool analyse_message(sfp_state_t *st, packet_info *pinfo, tvbuff_t *tvb, gint offset,
                            sfp_msg_t *out)
{
    gint avail = tvb_captured_length_remaining(tvb, offset);
    if (avail <= 0) return false;
    const char *data = (const char *)tvb_get_ptr(tvb, offset, avail);
    uint32_t start, mlen, trailing;
    const char *defect = NULL;
    /* RFC 3261 18.3: the framer takes Content-Length; what follows (the
     * next message of a TCP segment, padding) is not this message's. */
    if (!sf_sip_frame_datagram(data, (uint32_t)avail, &start, &mlen, &trailing, &defect))
        return false;
    if (tvb_reported_length_remaining(tvb, offset) > avail && !defect)
        defect = "datagram cut short by the capture snaplen";
    sf_sip_msg_t msg;
    if (!sf_sip_parse(st->parser, data + start, mlen, &msg)) return false;
    if (defect && !msg.malformed) {
        msg.malformed = defect;
        msg.malformed_offset = mlen;
    }

    sf_msg_meta_t meta;
    memset(&meta, 0, sizeof meta);
    meta.frames[0] = pinfo->num;
    meta.n_frames = 1;
    meta.ts.sec = (int64_t)pinfo->abs_ts.secs;
    meta.ts.nsec = (uint32_t)pinfo->abs_ts.nsecs;
    meta.ts.prec = ts_precision(pinfo);
    /* pcapng interface: the same message seen on two interfaces is one
     * message seen twice (sipflow/duplicate.h) */
    if (pinfo->rec && (pinfo->rec->presence_flags & WTAP_HAS_INTERFACE_ID))
        meta.iface = pinfo->rec->rec_header.packet_header.interface_id;
    fill_endpoint(&meta.src, &pinfo->net_src, pinfo->srcport);
    fill_endpoint(&meta.dst, &pinfo->net_dst, pinfo->destport);
    meta.transport = pinfo->ptype == PT_TCP    ? SF_TRANSPORT_TCP
                     : pinfo->ptype == PT_SCTP ? SF_TRANSPORT_SCTP
                                               : SF_TRANSPORT_UDP;
    if (proto_is_frame_protocol(pinfo->layers, "websocket"))
        meta.transport = SF_TRANSPORT_WS; /* RFC 7118 */

    memset(out, 0, sizeof *out);
    out->offset = (uint32_t)offset + start;
    out->len = mlen;
    out->label = start_line_label(&msg);
    st->cur = out;
    sf_engine_push(st->engine, &meta, &msg); /* the message event fills *out */
    st->cur = NULL;
    return out->seq != 0;
}

static sfp_frame_t *analyse_frame(sfp_state_t *st, packet_info *pinfo, proto_tree *tree)
{
    if (!tree || proto_sip <= 0) return NULL;
    /* SIP quoted inside an ICMP/ICMPv6 error is not a message on the wire */
    if (proto_is_frame_protocol(pinfo->layers, "icmp") ||
        proto_is_frame_protocol(pinfo->layers, "icmpv6"))
        return NULL;
    GPtrArray *items = proto_get_finfo_ptr_array(tree, proto_sip);
    if (!items || items->len == 0) return NULL;
    guint n = MIN(items->len, SFP_MAX_MSGS_PER_FRAME);
    sfp_msg_t tmp[SFP_MAX_MSGS_PER_FRAME];
    guint kept = 0;
    for (guint i = 0; i < n; i++) {
        field_info *fi = (field_info *)g_ptr_array_index(items, i);
        if (!fi || !fi->ds_tvb) continue;
        if (analyse_message(st, pinfo, fi->ds_tvb, fi->start, &tmp[kept])) kept++;
    }
    if (!kept) return NULL;
    sfp_frame_t *fr = wmem_alloc(wmem_file_scope(), sizeof *fr + kept * sizeof(sfp_msg_t));
    fr->n = kept;
    memcpy(fr->msgs, tmp, kept * sizeof(sfp_msg_t));
    return fr;
}

static proto_item *add_gen_uint(proto_tree *t, int hf, tvbuff_t *tvb, guint32 v)
{
    proto_item *pi = proto_tree_add_uint(t, hf, tvb, 0, 0, v);
    proto_item_set_generated(pi);
    return pi;
}

static proto_item *add_gen_int64(proto_tree *t, int hf, tvbuff_t *tvb, gint64 v)
{
    proto_item *pi = proto_tree_add_int64(t, hf, tvb, 0, 0, v);
    proto_item_set_generated(pi);
    return pi;
}

static proto_item *add_gen_string(proto_tree *t, int hf, tvbuff_t *tvb, const char *s)
{
    proto_item *pi = proto_tree_add_string(t, hf, tvb, 0, 0, s);
    proto_item_set_generated(pi);
    return pi;
}

static proto_item *add_gen_true(proto_tree *t, int hf, tvbuff_t *tvb)
{
    proto_item *pi = proto_tree_add_boolean(t, hf, tvb, 0, 0, TRUE);
    proto_item_set_generated(pi);
    return pi;
}

static void render_call(proto_tree *tree, packet_info *pinfo, tvbuff_t *tvb, sfp_state_t *st,
                        const sfp_msg_t *m, proto_tree **call_tree_out)
{
    proto_item *ci = add_gen_uint(tree, hf_call_num, tvb, m->call);
    proto_tree *ct = proto_item_add_subtree(ci, ett_call);
    *call_tree_out = ct;
    const sfp_call_t *c = wmem_map_lookup(st->calls, GUINT_TO_POINTER(m->call));
    if (!c) return; /* not over yet (single pass): nothing final to show */
    add_gen_string(ct, hf_call_outcome, tvb, sf_outcome_name(c->outcome));
    if (c->final_code) add_gen_uint(ct, hf_call_final_code, tvb, (guint32)c->final_code);
    if (c->failed) add_gen_true(ct, hf_call_failed, tvb);
    if (c->pdd_ms >= 0) add_gen_int64(ct, hf_call_pdd, tvb, c->pdd_ms);
    if (c->setup_ms >= 0) add_gen_int64(ct, hf_call_setup, tvb, c->setup_ms);
    if (c->duration_ms >= 0) add_gen_int64(ct, hf_call_duration, tvb, c->duration_ms);
    if (c->diagnosis) add_gen_string(ct, hf_call_diagnosis, tvb, c->diagnosis);
    proto_item_append_text(ci, " (%s)", sf_outcome_name(c->outcome));

    if (!pref_expert || !c->failed) return;
    /* One warning per failed call, on the frame that decided it: the final
     * response of its first INVITE transaction, or the INVITE itself when
     * none came. */
    guint first =
        GPOINTER_TO_UINT(wmem_map_lookup(st->call_first_invite, GUINT_TO_POINTER(m->call)));
    const sfp_txn_t *t = first ? wmem_map_lookup(st->txns, GUINT_TO_POINTER(first)) : NULL;
    if (!t || m->txn != t->number || m->retransmission) return;
    bool here = t->final_frame ? (pinfo->num == t->final_frame && !m->is_request)
                               : (pinfo->num == t->request_frame && m->is_request);
    if (here) {
        /* the engine's sentence already names the call */
        if (c->diagnosis)
            proto_tree_add_expert_format(ct, pinfo, &ei_failed_call, tvb, 0, 0, "%s", c->diagnosis);
        else
            proto_tree_add_expert_format(ct, pinfo, &ei_failed_call, tvb, 0, 0,
                                         "Call %u failed: %s", c->number,
                                         sf_outcome_name(c->outcome));
    }
}

static void render_txn(proto_tree *tree, packet_info *pinfo, tvbuff_t *tvb, sfp_state_t *st,
                       const sfp_msg_t *m)
{
    proto_item *ti = add_gen_uint(tree, hf_txn_num, tvb, m->txn);
    proto_tree *tt = proto_item_add_subtree(ti, ett_txn);
    const sfp_txn_t *t = wmem_map_lookup(st->txns, GUINT_TO_POINTER(m->txn));
    if (!t) return;
    add_gen_string(tt, hf_txn_state, tvb, sf_txn_state_name(t->state));
    if (t->request_frame) {
        proto_item *pi =
            proto_tree_add_uint(tt, hf_txn_request_frame, tvb, 0, 0, (guint32)t->request_frame);
        proto_item_set_generated(pi);
    }
    if (t->final_frame) {
        proto_item *pi =
            proto_tree_add_uint(tt, hf_txn_final_frame, tvb, 0, 0, (guint32)t->final_frame);
        proto_item_set_generated(pi);
    }
    if (t->response_ms >= 0) add_gen_int64(tt, hf_txn_response_ms, tvb, t->response_ms);
    if (t->state == SF_TXN_TIMEOUT) {
        add_gen_true(tt, hf_txn_timeout, tvb);
        if (pref_expert && m->is_request && !m->retransmission && pinfo->num == t->request_frame)
            proto_tree_add_expert_format(tt, pinfo, &ei_timeout, tvb, 0, 0,
                                         "Request never answered: transaction %u timed out "
                                         "(RFC 3261 17.1: Timer %s)",
                                         t->number, t->method == SF_METHOD_INVITE ? "B" : "F");
    }
}

static void render_frame(proto_tree *tree, packet_info *pinfo, tvbuff_t *tvb, sfp_state_t *st,
                         const sfp_frame_t *fr)
{
    for (guint i = 0; i < fr->n; i++) {
        const sfp_msg_t *m = &fr->msgs[i];
        /* one tap record per message: taps and filters see whole frames,
         * per-message selection is the listener's job */
        sfp_tap_rec_t *rec = wmem_new0(pinfo->pool, sfp_tap_rec_t);
        rec->msg = m;
        rec->call = m->call ? wmem_map_lookup(st->calls, GUINT_TO_POINTER(m->call)) : NULL;
        rec->txn = m->txn ? wmem_map_lookup(st->txns, GUINT_TO_POINTER(m->txn)) : NULL;
        tap_queue_packet(sfp_tap, pinfo, rec);

        proto_item *root = proto_tree_add_item(tree, sfp_proto, tvb, 0, 0, ENC_NA);
        proto_item_set_generated(root);
        proto_tree *t = proto_item_add_subtree(root, ett_sipflow);
        proto_item_append_text(root, ": %s", m->label ? m->label : "");
        proto_item *si = proto_tree_add_uint64(t, hf_msg_seq, tvb, 0, 0, m->seq);
        proto_item_set_generated(si);
        proto_tree *call_tree = NULL;
        if (m->call) render_call(t, pinfo, tvb, st, m, &call_tree);
        if (m->dialog) {
            add_gen_uint(t, hf_dialog_num, tvb, m->dialog);
            add_gen_string(t, hf_dialog_state, tvb, sf_dialog_state_name(m->dialog_state));
        }
        if (m->txn) render_txn(t, pinfo, tvb, st, m);
        if (m->retransmission) {
            proto_item *ri = add_gen_true(t, hf_msg_retrans, tvb);
            if (pref_expert)
                expert_add_info_format(pinfo, ri, &ei_retransmission,
                                       "Retransmission (transaction %u)", m->txn);
        }
        if (m->duplicate_of) {
            proto_item *di =
                proto_tree_add_uint(t, hf_msg_dup, tvb, 0, 0, (guint32)m->duplicate_of);
            proto_item_set_generated(di);
        }
        if (pref_expert && m->orphan_response)
            proto_tree_add_expert_format(t, pinfo, &ei_orphan, tvb, 0, 0,
                                         "Response without a request: %s", m->label);
        if (pref_expert && m->malformed)
            proto_tree_add_expert_format(t, pinfo, &ei_malformed, tvb, 0, 0,
                                         "Malformed SIP message: %s", m->malformed);
    }
}

static int dissect_sipflow(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree, void *data _U_)
{
    sfp_state_t *st = sfp_state_get();
    if (!st) return 0;
    sfp_frame_t *fr;
    if (!PINFO_FD_VISITED(pinfo)) {
        if (st->finished) {
            /* a first-pass frame after the engine was finished (a GUI
             * redraw interleaved with loading): it cannot be analysed */
            st->late_messages++;
            return 0;
        }
        fr = analyse_frame(st, pinfo, tree);
        if (fr) p_add_proto_data(wmem_file_scope(), pinfo, sfp_proto, 0, fr);
    } else {
        /* the first pass is over: Wireshark has no end-of-pass hook, so the
         * first revisited frame ends the engine (unfinished, timeouts) */
        sfp_state_finish(st);
        fr = p_get_proto_data(wmem_file_scope(), pinfo, sfp_proto, 0);
    }
    if (!fr) return 0;
    render_frame(tree, pinfo, tvb, st, fr);
    return tvb_captured_length(tvb);
}

static void sipflow_init(void)
{
    sfp_state_reset((int64_t)pref_t1_ms * 1000000);
}

static void sipflow_cleanup(void)
{
    sfp_state_cleanup();
}

void proto_register_sipflow(void);
void proto_reg_handoff_sipflow(void);

void proto_register_sipflow(void)
{
    static hf_register_info hf[] = {
        {&hf_call_num,
         {"Call", "sipflow.call.num", FT_UINT32, BASE_DEC, NULL, 0x0,
          "sipflow call number (JSON key call)", HFILL}},
        {&hf_call_outcome,
         {"Outcome", "sipflow.call.outcome", FT_STRING, BASE_NONE, NULL, 0x0,
          "Call outcome: answered, cancelled, busy, no_answer, rejected, not_found, "
          "redirected, failed, timeout, unfinished",
          HFILL}},
        {&hf_call_final_code,
         {"Final code", "sipflow.call.final_code", FT_UINT16, BASE_DEC, NULL, 0x0,
          "Final response code the caller received", HFILL}},
        {&hf_call_failed,
         {"Failed call", "sipflow.call.failed", FT_BOOLEAN, BASE_NONE, NULL, 0x0,
          "Present only on frames of failed calls", HFILL}},
        {&hf_call_pdd,
         {"Post-dial delay (ms)", "sipflow.call.pdd_ms", FT_INT64, BASE_DEC, NULL, 0x0, NULL,
          HFILL}},
        {&hf_call_setup,
         {"Setup time (ms)", "sipflow.call.setup_ms", FT_INT64, BASE_DEC, NULL, 0x0, NULL, HFILL}},
        {&hf_call_duration,
         {"Duration (ms)", "sipflow.call.duration_ms", FT_INT64, BASE_DEC, NULL, 0x0, NULL, HFILL}},
        {&hf_call_diagnosis,
         {"Diagnosis", "sipflow.call.diagnosis", FT_STRING, BASE_NONE, NULL, 0x0, NULL, HFILL}},
        {&hf_dialog_num,
         {"Dialog", "sipflow.dialog.num", FT_UINT32, BASE_DEC, NULL, 0x0, NULL, HFILL}},
        {&hf_dialog_state,
         {"Dialog state", "sipflow.dialog.state", FT_STRING, BASE_NONE, NULL, 0x0,
          "early, confirmed, terminated", HFILL}},
        {&hf_txn_num,
         {"Transaction", "sipflow.txn.num", FT_UINT32, BASE_DEC, NULL, 0x0, NULL, HFILL}},
        {&hf_txn_state,
         {"Transaction state", "sipflow.txn.state", FT_STRING, BASE_NONE, NULL, 0x0,
          "Final state of the transaction", HFILL}},
        {&hf_txn_request_frame,
         {"Request in frame", "sipflow.txn.request_frame", FT_FRAMENUM, BASE_NONE,
          FRAMENUM_TYPE(FT_FRAMENUM_REQUEST), 0x0, NULL, HFILL}},
        {&hf_txn_final_frame,
         {"Final response in frame", "sipflow.txn.final_frame", FT_FRAMENUM, BASE_NONE,
          FRAMENUM_TYPE(FT_FRAMENUM_RESPONSE), 0x0, NULL, HFILL}},
        {&hf_txn_response_ms,
         {"Response time (ms)", "sipflow.txn.response_ms", FT_INT64, BASE_DEC, NULL, 0x0,
          "Request to final response", HFILL}},
        {&hf_txn_timeout,
         {"Timed out", "sipflow.txn.timeout", FT_BOOLEAN, BASE_NONE, NULL, 0x0,
          "Present only when the transaction got no final response (Timer B/F)", HFILL}},
        {&hf_msg_retrans,
         {"Retransmission", "sipflow.msg.retransmission", FT_BOOLEAN, BASE_NONE, NULL, 0x0,
          "Present only on retransmitted messages", HFILL}},
        {&hf_msg_dup,
         {"Copy of the message in frame", "sipflow.msg.duplicate_of", FT_FRAMENUM, BASE_NONE, NULL,
          0x0,
          "Present only on a copy of an earlier message (another interface): one message "
          "seen twice, not a retransmission",
          HFILL}},
        {&hf_msg_seq,
         {"Message", "sipflow.msg.num", FT_UINT64, BASE_DEC, NULL, 0x0,
          "sipflow message number (capture order)", HFILL}},
    };
    static gint *ett[] = {&ett_sipflow, &ett_call, &ett_txn};
    static ei_register_info ei[] = {
        {&ei_failed_call,
         {"sipflow.call.failed.expert", PI_RESPONSE_CODE, PI_WARN, "Failed call", EXPFILL}},
        {&ei_timeout,
         {"sipflow.txn.timeout.expert", PI_SEQUENCE, PI_WARN, "Request never answered", EXPFILL}},
        {&ei_retransmission,
         {"sipflow.msg.retransmission.expert", PI_SEQUENCE, PI_NOTE, "Retransmission", EXPFILL}},
        {&ei_orphan,
         {"sipflow.msg.orphan_response", PI_SEQUENCE, PI_NOTE, "Response without a request",
          EXPFILL}},
        {&ei_malformed,
         {"sipflow.msg.malformed", PI_MALFORMED, PI_ERROR, "Malformed SIP message", EXPFILL}},
    };

    sfp_proto = proto_register_protocol("SIP Flow Analysis", "sipflow", "sipflow");
    proto_register_field_array(sfp_proto, hf, array_length(hf));
    proto_register_subtree_array(ett, array_length(ett));
    expert_module_t *em = expert_register_protocol(sfp_proto);
    expert_register_field_array(em, ei, array_length(ei));

    module_t *mod = prefs_register_protocol(sfp_proto, NULL);
    prefs_register_uint_preference(mod, "t1_ms", "SIP timer T1 (ms)",
                                   "RFC 3261 T1 in milliseconds; 0 = as the sipflow tool "
                                   "(500 ms, or inferred from the first retransmission interval)",
                                   10, &pref_t1_ms);
    prefs_register_bool_preference(mod, "expert", "Expert info",
                                   "Add expert items (failed calls, timeouts, retransmissions, "
                                   "orphan responses, malformed messages)",
                                   &pref_expert);

    sfp_handle = register_dissector("sipflow", dissect_sipflow, sfp_proto);
    register_init_routine(sipflow_init);
    register_cleanup_routine(sipflow_cleanup);
    sfp_tap = register_tap("sipflow");
    sfp_register_stat_table();
    sfp_register_calls_tap();
    sfp_register_flow_graph();
}

void proto_reg_handoff_sipflow(void)
{
    proto_sip = proto_get_id_by_filter_name("sip");
    register_postdissector(sfp_handle);
    GArray *wanted = g_array_new(FALSE, FALSE, (guint)sizeof(int));
    if (proto_sip > 0) g_array_append_val(wanted, proto_sip);
    set_postdissector_wanted_hfids(sfp_handle, wanted);
}
