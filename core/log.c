#include "core/log.h"

#include <stdarg.h>

static enum log_level current_level = LOG_WARN;
static FILE *log_stream;
static int log_stream_set;

void log_set_level(enum log_level level) { current_level = level; }
enum log_level log_get_level(void) { return current_level; }

void log_set_stream(FILE *stream)
{
	log_stream = stream;
	log_stream_set = 1;
}

void log_msg(enum log_level level, const char *fmt, ...)
{
	FILE *out = log_stream_set ? log_stream : stderr;
	va_list ap;

	if (level > current_level || !out)
		return;
	fputs("sspsh: ", out);
	va_start(ap, fmt);
	vfprintf(out, fmt, ap);
	va_end(ap);
	fputc('\n', out);
	fflush(out);
}
