#include "applets/session/program_request.h"

#include <stdlib.h>
#include <string.h>

#include "core/log.h"

static bool keep_env(struct program_request *pr, const struct input_event *ev)
{
	char *entry;

	if (pr->n_env == SSPSH_SESSION_ENV_MAX)
		return true;	/* the rest are dropped */
	entry = malloc(ev->len + 1);
	if (!entry)
		return false;
	memcpy(entry, ev->keys, ev->len);
	entry[ev->len] = '\0';
	pr->env[pr->n_env++] = entry;
	return true;
}

/* The event's words (input_command_valid has checked their count and
 * that each ends in a NUL) become argv. */
static bool keep_command(struct program_request *pr, const struct input_event *ev)
{
	int argc = 0;

	if (pr->has_command)
		return true;
	pr->words = malloc(ev->len + 1);
	if (!pr->words)
		return false;
	memcpy(pr->words, ev->keys, ev->len);
	for (size_t at = 0; at < ev->len; at += strlen(pr->words + at) + 1)
		pr->argv[argc++] = pr->words + at;
	pr->argv[argc] = NULL;
	pr->has_command = true;
	return true;
}

bool program_request_take(struct program_request *pr, const struct input_event *ev)
{
	bool ok = true;

	if (ev->type == INPUT_ENV)
		ok = keep_env(pr, ev);
	else if (ev->type == INPUT_COMMAND)
		ok = keep_command(pr, ev);
	if (!ok)
		log_warn("out of memory for what the client sent for its program");
	return ok;
}

char *const *program_request_command(const struct program_request *pr)
{
	return pr->has_command ? pr->argv : NULL;
}

void program_request_free(struct program_request *pr)
{
	for (int i = 0; i < pr->n_env; i++)
		free(pr->env[i]);
	free(pr->words);
	memset(pr, 0, sizeof *pr);
}
