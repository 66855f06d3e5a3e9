/* sspsh bench emu. */
#include <stdio.h>

#include "applets/applets.h"
#include "applets/bench.h"

int bench_emu_main(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	fprintf(stderr, "sspsh: bench emu: not built yet\n");
	return EXIT_USAGE;
}
