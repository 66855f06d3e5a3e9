#include "core/lookup.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct lookup {
	struct gaicb cb;
	struct addrinfo hints;
	char host[256];
	char port[8];
};

struct lookup *lookup_start(const char *host, uint16_t port)
{
	struct lookup *l = calloc(1, sizeof *l);
	struct gaicb *list[1];

	if (!l || strlen(host) >= sizeof l->host) {
		free(l);
		return NULL;
	}
	strcpy(l->host, host);
	snprintf(l->port, sizeof l->port, "%u", (unsigned)port);
	l->hints.ai_socktype = SOCK_STREAM;
	l->hints.ai_flags = AI_ADDRCONFIG;
	l->cb.ar_name = l->host;
	l->cb.ar_service = l->port;
	l->cb.ar_request = &l->hints;
	list[0] = &l->cb;
	if (getaddrinfo_a(GAI_NOWAIT, list, 1, NULL) != 0) {
		free(l);
		return NULL;
	}
	return l;
}

enum lookup_state lookup_state(struct lookup *l, const struct addrinfo **result)
{
	int r = gai_error(&l->cb);

	if (r == EAI_INPROGRESS)
		return LOOKUP_RUNNING;
	if (r != 0 || !l->cb.ar_result)
		return LOOKUP_FAILED;
	*result = l->cb.ar_result;
	return LOOKUP_DONE;
}

bool lookup_free(struct lookup *l)
{
	if (!l)
		return true;
	if (gai_error(&l->cb) == EAI_INPROGRESS && gai_cancel(&l->cb) == EAI_NOTCANCELED)
		return false;
	if (l->cb.ar_result)
		freeaddrinfo(l->cb.ar_result);
	free(l);
	return true;
}
