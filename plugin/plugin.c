/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Entry points the Wireshark 4.0 plugin loader looks up by name. Only these
 * four symbols are exported; everything else (libsipflow included) is
 * hidden. */
#define WS_BUILD_DLL
#include <wireshark.h>

#include <epan/packet.h>
#include <epan/proto.h>

#ifndef SIPFLOW_VERSION
#define SIPFLOW_VERSION "0.0.0"
#endif

WS_DLL_PUBLIC_DEF const gchar plugin_version[] = SIPFLOW_VERSION;
WS_DLL_PUBLIC_DEF const int plugin_want_major = WIRESHARK_VERSION_MAJOR;
WS_DLL_PUBLIC_DEF const int plugin_want_minor = WIRESHARK_VERSION_MINOR;

WS_DLL_PUBLIC void plugin_register(void);

void proto_register_sipflow(void);
void proto_reg_handoff_sipflow(void);

void plugin_register(void)
{
    static proto_plugin plug;
    plug.register_protoinfo = proto_register_sipflow;
    plug.register_handoff = proto_reg_handoff_sipflow;
    proto_register_plugin(&plug);
}
