/* SPDX-License-Identifier: GPL-2.0-or-later */
/* libFuzzer harness: the flow engine (transactions, dialogs, calls,
 * registrations: RFC 3261 12, 17) fed sequences of well-formed SIP
 * messages whose Call-IDs, tags, branches, CSeqs, methods, status codes,
 * directions and timing are chosen by the input bytes from small pools,
 * so they collide constantly: retransmissions, forks, orphans, CANCEL and
 * ACK for unknown transactions, re-INVITEs, glare. The results go through
 * stats and the JSON formatters too.
 *
 * Input: byte 0 = engine config; then 8 bytes per message (see op_t). */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "fuzz_common.h"
#include "sipflow/sip_msg.h"

static const char *const methods[] = {"INVITE",   "ACK",       "BYE",     "CANCEL", "OPTIONS",
                                      "REGISTER", "PRACK",     "UPDATE",  "INFO",   "REFER",
                                      "NOTIFY",   "SUBSCRIBE", "MESSAGE", "FOO"};
#define N_METHODS (sizeof methods / sizeof methods[0])
static const int codes[] = {100, 180, 181, 183, 199, 200, 202, 300, 301, 302, 380, 400,
                            401, 403, 404, 407, 408, 420, 422, 480, 481, 482, 483, 486,
                            487, 488, 491, 500, 502, 503, 504, 600, 603, 604, 606, 699};
#define N_CODES (sizeof codes / sizeof codes[0])

/* three hosts: caller, proxy, callee */
static const uint8_t hosts[3][4] = {{192, 0, 2, 1}, {192, 0, 2, 2}, {192, 0, 2, 3}};

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    fuzz_reach_init();
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1 || size > 64 * 1024) return 0;
    fuzz_reach.inputs++;
    fuzz_in_t in = {data, size, 0};
    uint8_t conf = fuzz_u8(&in);

    sf_engine_config_t ecfg;
    sf_engine_config_default(&ecfg);
    if (conf & 1) {
        ecfg.max_txns = 4;
        ecfg.max_dialogs = 2;
        ecfg.max_calls = 2;
        ecfg.max_arrows = 4;
        ecfg.max_call_frames = 4;
        ecfg.call_idle_ns = 60000000000LL;
    }
    if (conf & 2) {
        ecfg.t1_ns = 0; /* infer T1 from retransmissions */
    }
    if (conf & 4) ecfg.keep_ladder = false;
    fuzz_backend_t be;
    fuzz_backend_init(&be, &ecfg);
    sf_sip_parser_t *parser = sf_sip_parser_create();
    FUZZ_CHECK(parser != NULL);

    static const int64_t steps_ns[8] = {0,          1000000,      100000000,     500000000,
                                        2000000000, 4000000000LL, 32000000000LL, 7200000000000LL};
    sf_ts_t ts = {.sec = 1700000000, .nsec = 0, .prec = 6};
    uint64_t frame = 0;
    char buf[2048];
    while (fuzz_left(&in) >= 8) {
        uint8_t b[8];
        for (int i = 0; i < 8; i++)
            b[i] = fuzz_u8(&in);
        bool request = b[0] < 128;
        const char *method = methods[b[0] % N_METHODS];
        int code = codes[b[0] % N_CODES];
        unsigned callid = b[1] & 3, ftag = (b[1] >> 2) & 3, ttag = (b[1] >> 4) & 3;
        bool sdp = b[1] & 0x80;
        unsigned branch = b[2] & 7, vias = 1 + ((b[2] >> 3) & 3);
        bool cookie = !(b[2] & 0x20);
        unsigned extra = b[2] >> 6;
        unsigned cseq = 1 + (b[3] & 7) + ((b[3] & 0x80) ? 100000u : 0u);
        const char *cseq_method = (request && b[4] < 200) ? method : methods[b[4] % N_METHODS];
        unsigned src = b[5] % 3, dst = (src + 1 + ((b[5] >> 2) & 1)) % 3;
        bool tcp = b[5] & 0x80;
        int64_t ns = (int64_t)ts.nsec + steps_ns[(b[5] >> 4) & 7];
        ts.sec += ns / 1000000000LL;
        ts.nsec = (uint32_t)(ns % 1000000000LL);
        unsigned val = b[6];
        unsigned cid_host = b[7] & 1;

        const char *body = sdp ? "v=0\r\no=- 1 1 IN IP4 192.0.2.1\r\ns=-\r\nc=IN IP4 192.0.2.1\r\n"
                                 "t=0 0\r\nm=audio 4000 RTP/AVP 0\r\na=sendonly\r\n"
                               : "";
        char totag[16] = "";
        if (ttag) snprintf(totag, sizeof totag, ";tag=t%u", ttag);
        int n = 0;
        if (request)
            n += snprintf(buf + n, sizeof buf - (size_t)n, "%s sip:bob@192.0.2.3 SIP/2.0\r\n",
                          method);
        else
            n += snprintf(buf + n, sizeof buf - (size_t)n, "SIP/2.0 %d Something\r\n", code);
        for (unsigned v = 0; v < vias; v++)
            n += snprintf(buf + n, sizeof buf - (size_t)n,
                          "Via: SIP/2.0/%s 192.0.2.%u:5060;branch=%s%u%u\r\n", tcp ? "TCP" : "UDP",
                          1 + (src + v) % 3, cookie ? "z9hG4bK" : "x", branch, v);
        n += snprintf(buf + n, sizeof buf - (size_t)n,
                      "From: <sip:alice@192.0.2.1>;tag=f%u\r\n"
                      "To: <sip:bob@192.0.2.3>%s\r\n"
                      "Call-ID: c%u@h%u\r\nCSeq: %u %s\r\nMax-Forwards: 70\r\n"
                      "Contact: <sip:u@192.0.2.%u>\r\n",
                      ftag, totag, callid, cid_host, cseq, cseq_method, 1 + src);
        switch (extra) {
        case 1:
            n += snprintf(buf + n, sizeof buf - (size_t)n, "Expires: %u\r\n", val % 4 ? val : 0);
            break;
        case 2:
            n += snprintf(buf + n, sizeof buf - (size_t)n,
                          "Reason: Q.850;cause=%u;text=\"x\"\r\nWarning: 399 h \"w\"\r\n", val);
            break;
        case 3:
            n += snprintf(buf + n, sizeof buf - (size_t)n,
                          "Session-Expires: %u;refresher=uac\r\nRSeq: %u\r\nRAck: %u %u INVITE\r\n"
                          "User-Agent: ua%u\r\n",
                          val, val & 3, val & 3, cseq, val & 1);
            break;
        default:
            break;
        }
        n += snprintf(buf + n, sizeof buf - (size_t)n, "Content-Length: %zu\r\n\r\n%s",
                      strlen(body), body);
        FUZZ_CHECK(n > 0 && (size_t)n < sizeof buf);

        /* an exact-size copy: ASan catches the engine reading past a slice */
        char *msgbuf = malloc((size_t)n);
        FUZZ_CHECK(msgbuf != NULL);
        memcpy(msgbuf, buf, (size_t)n);
        sf_sip_msg_t msg;
        if (sf_sip_parse(parser, msgbuf, (uint32_t)n, &msg)) {
            sf_msg_meta_t meta;
            memset(&meta, 0, sizeof meta);
            meta.frames[0] = ++frame;
            meta.n_frames = 1;
            meta.ts = ts;
            meta.src.family = meta.dst.family = 4;
            memcpy(meta.src.addr, hosts[src], 4);
            memcpy(meta.dst.addr, hosts[dst], 4);
            meta.src.port = meta.dst.port = 5060;
            meta.transport = tcp ? SF_TRANSPORT_TCP : SF_TRANSPORT_UDP;
            fuzz_backend_push(&be, &meta, &msg);
        }
        free(msgbuf);
    }
    fuzz_backend_finish(&be);
    sf_sip_parser_destroy(parser);
    return 0;
}
