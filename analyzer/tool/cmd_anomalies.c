/* SPDX-License-Identifier: GPL-2.0-or-later */
/* sipflow anomalies: everything sipflow skipped, flagged or could not read,
 * with the frame it happened in (docs/anomalies.md lists the kinds). */
#include <inttypes.h>
#include <string.h>

#include "cli.h"
#include "sipflow/message_format.h"

static void on_anomaly(sf_cli_t *cli, const sf_anomaly_t *a)
{
    sf_json_t *j = cli->cmd;
    if (cli->format == SF_FMT_JSON) {
        sf_json_object_begin(j);
        sf_format_anomaly_json(j, a);
        sf_json_object_end(j);
        sf_json_flush_line(j, cli->out);
        return;
    }
    char t[64] = "-";
    if (a->frame) sf_format_time_text(a->ts, cli->utc, t, sizeof t);
    fprintf(cli->out, "file %" PRIu32 " frame %-7" PRIu64 " %s  %-7s %-22s %s\n", a->file,
            a->frame, t, sf_layer_name(a->layer), sf_anomaly_kind_name(a->kind), a->reason);
}

int sf_cmd_anomalies(int argc, char **argv)
{
    static const char *const formats[] = {"text", "json", NULL};
    sf_cli_t cli;
    int rc = sf_cli_parse(&cli, "anomalies", "list what was malformed, incomplete or skipped",
                          "One line per anomaly: input file, frame, time, layer, kind, reason.\n"
                          "Kinds (closed list, docs/anomalies.md): file-unreadable "
                          "file-truncated file-corrupt record-invalid linktype-unsupported "
                          "link-truncated link-malformed tunnel-too-deep ip-malformed "
                          "ip-truncated frag-overlap frag-incomplete frag-evicted frag-too-big "
                          "udp-malformed tcp-malformed tcp-gap tcp-conflict tcp-evicted "
                          "tcp-buffer-full sctp-malformed sctp-incomplete sctp-evicted "
                          "sctp-conflict hep-malformed hep-late sip-malformed "
                          "sip-no-content-length sip-trailing-bytes sip-truncated sip-too-large "
                          "sip-resync ws-malformed ws-resync tls-encrypted.\n"
                          "json: JSON Lines (docs/schemas/anomalies.schema.json).",
                          NULL, formats, argc, argv);
    if (rc == SF_EXIT_OK) {
        sf_json_t j;
        sf_json_init(&j);
        cli.cmd = &j;
        cli.on_anomaly = on_anomaly;
        cli.keep_ladder = false;
        rc = sf_cli_run(&cli);
        sf_json_free(&j);
    }
    sf_cli_free(&cli);
    return rc;
}
