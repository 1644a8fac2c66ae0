/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Declarations from Wireshark 4.0.x's epan/sequence_analysis.h, which
 * libwireshark-dev does not ship although libwireshark exports the
 * functions. Only what the Flow Graph provider uses. The layouts were
 * checked against Debian 12's libwireshark.so.16 (4.0.17):
 * sequence_analysis_info_new() allocates 0x3e8 bytes and stores `items`
 * at 0x10; sequence_analysis_create_sai_with_addresses() allocates 0x90
 * bytes and stores `time_str` at 0x50. The static assertions below keep
 * this header honest on x86-64/aarch64 (LP64). */
#ifndef SIPFLOW_WS_SEQUENCE_ANALYSIS_COMPAT_H
#define SIPFLOW_WS_SEQUENCE_ANALYSIS_COMPAT_H

#include <wireshark.h>

#include <epan/address.h>
#include <epan/packet_info.h>
#include <epan/tap.h>
#include <stddef.h>

#if WIRESHARK_VERSION_MAJOR != 4 || WIRESHARK_VERSION_MINOR != 0
#error "ws_sequence_analysis_compat.h matches Wireshark 4.0.x only"
#endif

#define SFP_SEQ_MAX_NUM_NODES 40

typedef struct _seq_analysis_item {
    guint32 frame_number;
    address src_addr;
    guint16 port_src;
    address dst_addr;
    guint16 port_dst;
    gchar *frame_label; /* freed with g_free */
    gchar *time_str;
    gchar *comment; /* freed with g_free */
    guint16 conv_num;
    unsigned fg_color;
    unsigned bg_color;
    gboolean has_color_filter;
    gboolean display;
    guint src_node;
    guint dst_node;
    guint16 line_style;
    int info_type; /* ga_info_type: GA_INFO_TYPE_NONE = 0 */
    gpointer info_ptr;
} seq_analysis_item_t;

typedef struct _seq_analysis_info {
    const char *name;
    gboolean any_addr;
    int nconv;
    GQueue *items;
    GHashTable *ht;
    address nodes[SFP_SEQ_MAX_NUM_NODES];
    guint32 num_nodes;
} seq_analysis_info_t;

#if defined(__LP64__)
_Static_assert(sizeof(seq_analysis_item_t) == 0x90, "seq_analysis_item_t as in 4.0.17");
_Static_assert(offsetof(seq_analysis_item_t, time_str) == 0x50, "time_str as in 4.0.17");
_Static_assert(sizeof(seq_analysis_info_t) == 0x3e8, "seq_analysis_info_t as in 4.0.17");
_Static_assert(offsetof(seq_analysis_info_t, items) == 0x10, "items as in 4.0.17");
#endif

WS_DLL_PUBLIC void register_seq_analysis(const char *name, const char *ui_name, const int proto_id,
                                         const char *tap_listener, guint tap_flags,
                                         tap_packet_cb tap_func);
WS_DLL_PUBLIC seq_analysis_item_t *
sequence_analysis_create_sai_with_addresses(packet_info *pinfo, seq_analysis_info_t *sainfo);

#endif
