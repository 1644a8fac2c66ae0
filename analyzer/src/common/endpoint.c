/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>

#include "sipflow/types.h"

bool sf_endpoint_eq(const sf_endpoint_t *a, const sf_endpoint_t *b)
{
    if (a->family != b->family || a->port != b->port) return false;
    return memcmp(a->addr, b->addr, a->family == 4 ? 4 : 16) == 0;
}

size_t sf_endpoint_format_addr(const sf_endpoint_t *ep, char *buf, size_t n)
{
    char tmp[INET6_ADDRSTRLEN];
    const char *s = "?";
    if (ep->family == 4)
        s = inet_ntop(AF_INET, ep->addr, tmp, sizeof tmp);
    else if (ep->family == 6)
        s = inet_ntop(AF_INET6, ep->addr, tmp, sizeof tmp); /* RFC 5952 form */
    if (!s) s = "?";
    int r = snprintf(buf, n, "%s", s);
    return r < 0 ? 0 : (size_t)r;
}

size_t sf_endpoint_format(const sf_endpoint_t *ep, char *buf, size_t n)
{
    char a[INET6_ADDRSTRLEN];
    sf_endpoint_format_addr(ep, a, sizeof a);
    int r = ep->family == 6 ? snprintf(buf, n, "[%s]:%u", a, (unsigned)ep->port)
                            : snprintf(buf, n, "%s:%u", a, (unsigned)ep->port);
    return r < 0 ? 0 : (size_t)r;
}

const char *sf_transport_name(sf_transport_t t)
{
    switch (t) {
    case SF_TRANSPORT_UDP: return "udp";
    case SF_TRANSPORT_TCP: return "tcp";
    case SF_TRANSPORT_WS: return "ws";
    case SF_TRANSPORT_SCTP: return "sctp";
    case SF_TRANSPORT_HEP: return "hep";
    }
    return "?";
}
