/* sspsh bench net. */
#include <stdio.h>

#include "applets/applets.h"
#include "applets/bench.h"

int bench_net_main(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	fprintf(stderr, "sspsh: bench net: not built yet\n");
	return EXIT_USAGE;
}
