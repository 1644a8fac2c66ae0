/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Method token <-> id. Methods are case-sensitive (RFC 3261 7.1), so
 * "invite" is an extension method, not INVITE. */
#include <string.h>

#include "sipflow/sip_msg.h"

static const char *const method_names[SF_METHOD_COUNT] = {
    [SF_METHOD_UNKNOWN] = "",
    [SF_METHOD_INVITE] = "INVITE",
    [SF_METHOD_ACK] = "ACK",
    [SF_METHOD_BYE] = "BYE",
    [SF_METHOD_CANCEL] = "CANCEL",
    [SF_METHOD_OPTIONS] = "OPTIONS",
    [SF_METHOD_REGISTER] = "REGISTER",
    [SF_METHOD_PRACK] = "PRACK",
    [SF_METHOD_SUBSCRIBE] = "SUBSCRIBE",
    [SF_METHOD_NOTIFY] = "NOTIFY",
    [SF_METHOD_PUBLISH] = "PUBLISH",
    [SF_METHOD_INFO] = "INFO",
    [SF_METHOD_REFER] = "REFER",
    [SF_METHOD_MESSAGE] = "MESSAGE",
    [SF_METHOD_UPDATE] = "UPDATE",
};

static sf_sip_method_t is(sf_slice_t t, sf_sip_method_t m)
{
    return memcmp(t.p, method_names[m], t.len) == 0 ? m : SF_METHOD_UNKNOWN;
}

sf_sip_method_t sf_sip_method_from(sf_slice_t t)
{
    if (!t.p) return SF_METHOD_UNKNOWN;
    /* switch on length + first byte: one memcmp at most */
    switch (t.len) {
    case 3:
        if (t.p[0] == 'A') return is(t, SF_METHOD_ACK);
        if (t.p[0] == 'B') return is(t, SF_METHOD_BYE);
        break;
    case 4:
        if (t.p[0] == 'I') return is(t, SF_METHOD_INFO);
        break;
    case 5:
        if (t.p[0] == 'P') return is(t, SF_METHOD_PRACK);
        if (t.p[0] == 'R') return is(t, SF_METHOD_REFER);
        break;
    case 6:
        switch (t.p[0]) {
        case 'I':
            return is(t, SF_METHOD_INVITE);
        case 'C':
            return is(t, SF_METHOD_CANCEL);
        case 'N':
            return is(t, SF_METHOD_NOTIFY);
        case 'U':
            return is(t, SF_METHOD_UPDATE);
        default:
            break;
        }
        break;
    case 7:
        if (t.p[0] == 'O') return is(t, SF_METHOD_OPTIONS);
        if (t.p[0] == 'P') return is(t, SF_METHOD_PUBLISH);
        if (t.p[0] == 'M') return is(t, SF_METHOD_MESSAGE);
        break;
    case 8:
        if (t.p[0] == 'R') return is(t, SF_METHOD_REGISTER);
        break;
    case 9:
        if (t.p[0] == 'S') return is(t, SF_METHOD_SUBSCRIBE);
        break;
    default:
        break;
    }
    return SF_METHOD_UNKNOWN;
}

const char *sf_sip_method_name(sf_sip_method_t m)
{
    if ((unsigned)m >= SF_METHOD_COUNT) return "";
    return method_names[m];
}
