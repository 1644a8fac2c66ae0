/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Names of the link types sipflow decodes (capture.h). Kept apart from
 * capture.c so the packet path can name a link type without pulling in
 * the capture-file front end. */
#include "sipflow/capture.h"

const char *sf_linktype_name(uint32_t linktype)
{
    switch (linktype) {
    case SF_LINKTYPE_NULL:
        return "BSD loopback";
    case SF_LINKTYPE_ETHERNET:
        return "Ethernet";
    case SF_LINKTYPE_PPP:
        return "PPP";
    case SF_LINKTYPE_RAW:
        return "Raw IP";
    case SF_LINKTYPE_LOOP:
        return "OpenBSD loopback";
    case SF_LINKTYPE_LINUX_SLL:
        return "Linux cooked";
    case SF_LINKTYPE_IPV4:
        return "Raw IPv4";
    case SF_LINKTYPE_IPV6:
        return "Raw IPv6";
    case SF_LINKTYPE_LINUX_SLL2:
        return "Linux cooked v2";
    default:
        return NULL;
    }
}
