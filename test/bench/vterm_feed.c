/* The yardstick for `sspsh bench emu --once`: feeds a file through
 * libvterm (state + screen, UTF-8, 80x24 unless told) in reads of 64 KiB,
 * as sspsh's server reads a pty, once, and prints MB per second of the
 * process's CPU time (reading included), in the same format.
 * Built by `make bench` when pkg-config finds libvterm (libvterm-dev).
 * usage: vterm_feed FILE [COLS ROWS] */
#define _POSIX_C_SOURCE 200809L

#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <vterm.h>

#define READ_SIZE 65536

static double cpu_seconds(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
	static char chunk[READ_SIZE];
	int cols = argc > 3 ? atoi(argv[2]) : 80, rows = argc > 3 ? atoi(argv[3]) : 24;
	double start = cpu_seconds(), bytes = 0;
	FILE *f;
	VTerm *vt;
	size_t n;

	if (argc < 2 || cols < 1 || rows < 1) {
		fprintf(stderr, "usage: vterm_feed FILE [COLS ROWS]\n");
		return 2;
	}
	f = fopen(argv[1], "rb");
	vt = vterm_new(rows, cols);
	if (!f || !vt) {
		perror(argv[1]);
		return 1;
	}
	vterm_set_utf8(vt, 1);
	vterm_screen_reset(vterm_obtain_screen(vt), 1);
	while ((n = fread(chunk, 1, sizeof chunk, f)) > 0) {
		vterm_input_write(vt, chunk, n);
		bytes += (double)n;
	}
	fclose(f);
	vterm_free(vt);
	printf("%-12s %8.1f MB/s  (%.0f MB once)\n", "libvterm", bytes / 1e6 / (cpu_seconds() - start),
	       bytes / 1e6);
	return 0;
}
