/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The sipflow command: option parsing and wiring only. */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"

static const struct {
    const char *name;
    int (*run)(int argc, char **argv);
    const char *summary;
} commands[] = {
    {"messages", sf_cmd_messages, "list every SIP message in capture order"},
    {"anomalies", sf_cmd_anomalies, "list what was malformed, incomplete or skipped"},
    {"calls", sf_cmd_calls, "list every call with its outcome"},
    {"stats", sf_cmd_stats, "error-code statistics and call outcomes"},
    {"summary", sf_cmd_summary, "statistics, then every failed call's ladder (sipflow FILE)"},
    {"ladder", sf_cmd_ladder, "ladder diagrams of calls (text, svg, html, mermaid, plantuml)"},
    {"report", sf_cmd_report, "one self-contained HTML report with charts and ladders"},
    {"extract", sf_cmd_extract, "write every packet of chosen calls to a new capture"},
};

static void usage(FILE *f)
{
    fprintf(f, "Usage: sipflow COMMAND [OPTION...] FILE...\n"
               "       sipflow [OPTION...] FILE...   (the summary command)\n\n"
               "Turns packet captures into answers about SIP calls.\n\nCommands:\n");
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
        fprintf(f, "  %-10s %s\n", commands[i].name, commands[i].summary);
    fprintf(f, "\n'sipflow COMMAND --help' shows the options of a command.\n"
               "Exit status: 0 input read whole, 1 nothing could be read, 2 usage error, "
               "3 input read only in part.\n");
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        usage(stderr);
        return SF_EXIT_USAGE;
    }
    if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0 ||
        strcmp(argv[1], "help") == 0) {
        usage(stdout);
        return SF_EXIT_OK;
    }
    if (strcmp(argv[1], "--version") == 0) {
        printf("sipflow %s\n", SIPFLOW_VERSION);
        return SF_EXIT_OK;
    }
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
        if (strcmp(argv[1], commands[i].name) == 0) return commands[i].run(argc - 1, argv + 1);
    /* sipflow FILE: a first argument that is no command but an existing
     * file (or '-', stdin) runs the summary; sipflow -q FILE too */
    if (strcmp(argv[1], "-") == 0 || access(argv[1], F_OK) == 0 ||
        (argv[1][0] == '-' && argv[1][1] != 0))
        return sf_cmd_summary(argc, argv);
    fprintf(stderr, "sipflow: unknown command '%s'\n\n", argv[1]);
    usage(stderr);
    return SF_EXIT_USAGE;
}
