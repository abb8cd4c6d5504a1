// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/* testbed: run multi-process server models under eBPF observation. The
 * command dispatch, the top-level help, `list`, `version` and the hand-off of
 * `kernels` to its script; each command's options and work are elsewhere
 * (options.c, run.c, trace.c, analysis_commands.c, study.c). */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include "analysis_commands.h"
#include "common.h"
#include "data_files.h"
#include "external.h"
#include "run.h"
#include "server.h"
#include "study_command.h"
#include "suggest.h"
#include "util.h"

static void print_usage(FILE *out)
{
	fprintf(out,
		"usage: ./testbed COMMAND [options]\n"
		"\n"
		"A kernel-observable testbed for multi-process server models (Node.js cluster,\n"
		"nginx, pre-fork): who is woken for each new connection, who gets it, who wakes\n"
		"for nothing, measured exactly with eBPF tracepoints while a load generator runs.\n"
		"\n"
		"commands:\n"
		"  list                    the scenarios and whether this kernel supports each\n"
		"  run SCENARIO [options]  run, trace, print a summary, write CSV (root; see run --help)\n"
		"  trace [options] --pid PID | --cgroup PATH | -- COMMAND...\n"
		"                          the same for someone else's server (root; see trace --help)\n"
		"  report RUN_DIR          report.md + report.html with plots, into the run folder\n"
		"  compare RUN_DIR...      the runs side by side, a Markdown table (--out DIR: CSV, SVG;\n"
		"                          --json)\n"
		"  csv-json FILE.csv...    CSV files as one JSON document\n"
		"  study list | NAME       a published claim run, measured and judged: study.md/.html\n"
		"                          (root; see study --help)\n"
		"  kernels [options]       the suite on other kernels under qemu, then compared (root;\n"
		"                          see kernels --help)\n"
		"  version                 the testbed and CSV schema versions (also -V, --version)\n"
		"  help                    this text (also -h, --help)\n"
		"\n"
		"-v after a command shows its setup steps on stderr, -vv also libbpf's debug output.\n"
		"\n");
	print_exit_codes(out);
	fprintf(out, "\nstart here: sudo ./testbed run shared-epoll --workers 4 --duration 3\n");
}

/* The commands, as main() dispatches them (and suggests them when mistyped). */
static const char *const command_names[] = {
	"list", "run", "trace", "report", "compare", "csv-json", "study", "kernels", "version", "help",
};

static int cmd_list(void)
{
	unsigned i;

	printf("%-18s %-10s %s\n", "scenario", "supported", "what the workers wait in / real-world twin");
	for (i = 0; i < scenario_count; i++) {
		const struct scenario_info *s = &scenario_table[i];
		struct error_message why = { "" };
		int ok = scenario_supported(s, &why);

		printf("%-18s %-10s %s\n", s->name, ok ? "yes" : "no", s->waits_in);
		printf("%-18s %-10s   like %s\n", "", "", s->twin);
		if (!ok)
			printf("%-18s %-10s   unsupported: %s\n", "", "", why.text);
	}
	printf("\n%-18s %-10s %s\n", "bundled server", "available", "(sudo ./testbed run NAME traces it under load)");
	for (i = 0; i < external_count; i++) {
		const struct external_setup *s = &external_table[i];
		struct error_message why = { "" };
		int ok = external_available(s, &why);

		printf("%-18s %-10s %s\n", s->name, ok ? "yes" : "no", s->waits_in);
		printf("%-18s %-10s   like %s\n", "", "", s->twin);
		if (!ok)
			printf("%-18s %-10s   unavailable: %s\n", "", "", why.text);
	}
	return EXIT_OK;
}

/* `kernels` is kernels/kernels.sh in the source tree that holds this build
 * (build/testbed): exec it with the remaining arguments. It rebuilds the
 * tree, so `make install` does not install it. */
static int cmd_kernels(int argc, char **argv)
{
	char script[PATH_MAX];
	char *args[argc + 2];
	struct error_message why = { "" };
	int i;

	if (data_path("kernels/kernels.sh", script, sizeof(script), &why)) {
		error_msg("kernels: %s (testbed kernels runs from a source tree's build/testbed)", why.text);
		return EXIT_FAIL;
	}
	args[0] = "sh";
	args[1] = script;
	for (i = 1; i < argc; i++)
		args[i + 1] = argv[i];
	args[argc + 1] = NULL;
	execv("/bin/sh", args);
	error_msg("kernels: cannot run %s: %s", script, strerror(errno));
	return EXIT_FAIL;
}

/* One line: the closest command, or all of them. */
static int unknown_command(const char *command)
{
	struct suggestion near;
	char names[256];
	size_t used = 0, i;

	suggestion_init(&near, command[0] == '-' ? command + strspn(command, "-") : command);
	for (i = 0; i < ARRAY_SIZE(command_names); i++)
		suggestion_offer(&near, command_names[i]);
	if (near.best) {
		error_msg("unknown command '%s'; did you mean '%s'? (see: testbed help)", command, near.best);
		return EXIT_USAGE;
	}
	for (i = 0; i < ARRAY_SIZE(command_names); i++)
		used += snprintf(names + used, sizeof(names) - used, "%s%s", i ? ", " : "", command_names[i]);
	error_msg("unknown command '%s' (commands: %s)", command, names);
	return EXIT_USAGE;
}

int main(int argc, char **argv)
{
	const char *command = argc > 1 ? argv[1] : NULL;

	if (!command) {
		print_usage(stderr);
		return EXIT_USAGE;
	}
	if (!strcmp(command, "help") || !strcmp(command, "--help") || !strcmp(command, "-h")) {
		print_usage(stdout);
		return EXIT_OK;
	}
	if (!strcmp(command, "version") || !strcmp(command, "--version") || !strcmp(command, "-V")) {
		printf("testbed %s (CSV schema %d)\n", TESTBED_VERSION, CSV_SCHEMA_VERSION);
		return EXIT_OK;
	}
	if (!strcmp(command, "list"))
		return cmd_list();
	if (!strcmp(command, "run"))
		return cmd_run(argc - 1, argv + 1);
	if (!strcmp(command, "trace"))
		return cmd_trace(argc - 1, argv + 1);
	if (!strcmp(command, "study"))
		return cmd_study(argc - 1, argv + 1);
	if (!strcmp(command, "kernels"))
		return cmd_kernels(argc - 1, argv + 1);
	if (!strcmp(command, "report"))
		return cmd_report(argc - 1, argv + 1);
	if (!strcmp(command, "compare"))
		return cmd_compare(argc - 1, argv + 1);
	if (!strcmp(command, "csv-json"))
		return cmd_csv_json(argc - 1, argv + 1);
	return unknown_command(command);
}
