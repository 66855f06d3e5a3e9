/* sspsh bench: benchmarks that print figures. */
#include <stdio.h>
#include <string.h>

#include "applets/applets.h"
#include "applets/bench.h"

const char bench_usage[] =
"usage: sspsh bench BENCHMARK [ARGS]...\n"
"\n"
"  emu [--cols N] [--rows N] [--dump[=sgr|=wrap]] FILE...\n"
"        feed FILEs through the terminal emulator; print MB/s, or with --dump\n"
"        the final screen and `cursor ROW,COL` (=sgr: with the renditions,\n"
"        =wrap: and `wrap pending` when the next character wraps first)\n"
"  channels [--link SPEC] [--mb N]\n"
"        one channel's throughput between two transports on loopback, and\n"
"        over an emulated 200 ms RTT link with 1 % loss (or SPEC)\n"
"  display [--cols N] [--rows N] [--chunk BYTES] [--check] FILE...\n"
"        replay FILEs through the emulator, a frame every CHUNK bytes; print\n"
"        display-diff bytes per frame against full repaints, and diffs/s\n"
"  handshake\n"
"        handshakes/s for each side, and what junk or a flood under load\n"
"        costs a server per initiation\n"
"  history [--lines N]\n"
"        the scrollback path: emulator lines/s with the log and without, encoded\n"
"        bytes per line against the program's, the full log's memory, and the\n"
"        writer's lines/s into the terminal's history\n"
"  net   seal+open datagrams/s and per-datagram overhead of the transport\n"
"  predict [--rtt MS] [--keys N]\n"
"        keystroke-to-screen latency of a local session over an emulated link,\n"
"        with prediction and without\n"
"  sessions N\n"
"        one SSH-free daemon with N sessions (cat) on one UDP port: handshake\n"
"        time, echo of a line typed in every session, the daemon's idle CPU\n"
"        and memory per session, then one more session's handshake and first\n"
"        echo while the others idle (N up to 4091; each session takes a pty)\n";

struct benchmark {
	const char *name;
	int (*main)(int argc, char **argv);
};

static const struct benchmark benchmarks[] = {
	{ "channels", bench_channels_main },
	{ "display", bench_display_main },
	{ "emu", bench_emu_main },
	{ "handshake", bench_handshake_main },
	{ "history", bench_history_main },
	{ "net", bench_net_main },
	{ "predict", bench_predict_main },
	{ "sessions", bench_sessions_main },
};

int bench_main(int argc, char **argv)
{
	if (argc < 2) {
		fputs("sspsh: bench: which benchmark? (sspsh bench --help lists them)\n", stderr);
		return EXIT_USAGE;
	}
	for (size_t i = 0; i < sizeof benchmarks / sizeof benchmarks[0]; i++)
		if (strcmp(benchmarks[i].name, argv[1]) == 0)
			return benchmarks[i].main(argc - 1, argv + 1);
	fprintf(stderr, "sspsh: bench: no benchmark named '%s' (sspsh bench --help lists them)\n",
		argv[1]);
	return EXIT_USAGE;
}
