/* SPDX-License-Identifier: GPL-2.0-or-later */
/* sipflow messages: one line (or JSON Lines record) per SIP message in
 * capture order. */
#include <inttypes.h>
#include <string.h>

#include "cli.h"
#include "sipflow/message_format.h"

typedef struct {
    sf_json_t json;
    uint64_t count;
} messages_state_t;

static void put_slice(FILE *f, sf_slice_t s)
{
    /* Terminal output: control bytes would corrupt the line, show '?' */
    for (uint32_t i = 0; i < s.len; i++) {
        unsigned char c = (unsigned char)s.p[i];
        fputc(c < 0x20 || c == 0x7f ? '?' : c, f);
    }
}

static void message_text(sf_cli_t *cli, const sf_msg_info_t *info)
{
    const sf_msg_meta_t *meta = info->meta;
    const sf_sip_msg_t *msg = info->msg;
    char frames[256], t[64], src[SF_ENDPOINT_STRLEN], dst[SF_ENDPOINT_STRLEN];
    size_t k = 0;
    if (cli->inputs[0] && cli->inputs[1]) /* several inputs: "FILE:frames", as the ladder */
        k = (size_t)snprintf(frames, sizeof frames, "%" PRIu32 ":", meta->file);
    sf_format_frames_text(meta, frames + k, sizeof frames - k);
    sf_format_time_text(meta->ts, cli->utc, t, sizeof t);
    sf_endpoint_format(&meta->src, src, sizeof src);
    sf_endpoint_format(&meta->dst, dst, sizeof dst);
    FILE *f = cli->out;
    fprintf(f, "%-7s %s %s -> %s %s  ", frames, t, src, dst, sf_transport_name(meta->transport));
    put_slice(f, msg->start_line);
    fputs("  Call-ID: ", f);
    if (msg->call_id.p)
        put_slice(f, msg->call_id);
    else
        fputs("-", f);
    if (msg->has_cseq) {
        fprintf(f, "  CSeq: %" PRIu32 " ", msg->cseq);
        put_slice(f, msg->cseq_method);
    }
    if (info->call) fprintf(f, "  call %" PRIu32, info->call);
    if (info->retransmission) fputs("  [retransmission]", f);
    if (info->duplicate_of && info->first_file != meta->file)
        fprintf(f, "  [duplicate of file %" PRIu32 " frame %" PRIu64 "]", info->first_file,
                info->first_frame);
    else if (info->duplicate_of)
        fprintf(f, "  [duplicate of frame %" PRIu64 "]", info->first_frame);
    if (msg->malformed) fprintf(f, "  [malformed: %s]", msg->malformed);
    fputc('\n', f);
}

static void on_message(sf_cli_t *cli, const sf_msg_info_t *info)
{
    messages_state_t *st = cli->cmd;
    if (!sf_cli_message_selected(cli, info)) return;
    st->count++;
    switch (cli->format) {
    case SF_FMT_JSON:
        sf_json_object_begin(&st->json);
        sf_format_message_json(&st->json, info);
        sf_json_object_end(&st->json);
        sf_json_flush_line(&st->json, cli->out);
        break;
    case SF_FMT_TEXT:
        message_text(cli, info);
        break;
    case SF_FMT_CSV: /* not offered */
    case SF_FMT_NONE:
        break; /* benchmarks: parse everything, print nothing */
    }
}

int sf_cmd_messages(int argc, char **argv)
{
    static const char *const formats[] = {"text", "json", "none", NULL};
    sf_cli_t cli;
    int rc = sf_cli_parse(&cli, "messages", "list every SIP message in capture order",
                          "One line per SIP message: frame number(s), time, source -> "
                          "destination, transport, start line, Call-ID, CSeq.\n"
                          "json: JSON Lines, one object per message "
                          "(docs/schemas/messages.schema.json).\n"
                          "none: parse everything, print only the summary (benchmarks).\n"
                          "Selection: --since/--until take the message's time, --method its "
                          "method (CSeq method for responses), --code its status (requests "
                          "never match), --caller its From or P-Asserted-Identity, --callee its "
                          "To or Request-URI.",
                          NULL, formats, argc, argv);
    if (rc == SF_EXIT_OK) {
        messages_state_t st;
        memset(&st, 0, sizeof st);
        sf_json_init(&st.json);
        cli.cmd = &st;
        cli.on_message = on_message;
        cli.keep_ladder = false;
        rc = sf_cli_run(&cli);
        sf_json_free(&st.json);
    }
    sf_cli_free(&cli);
    return rc;
}
