/* Each lookup runs getaddrinfo in a detached thread of its own and raises
 * a flag when it has the answer; the event loop looks at the flag. (glibc's
 * getaddrinfo_a does the same but keeps a request pool valgrind cannot
 * account for at exit.) */
#include "core/lookup.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct lookup {
	char host[256];
	char port[8];
	struct addrinfo *result;
	int status;		/* getaddrinfo's return */
	atomic_bool done;	/* the thread has finished with this */
	atomic_bool abandoned;	/* nobody wants the answer: the thread frees it */
};

static void lookup_destroy(struct lookup *l)
{
	if (l->result)
		freeaddrinfo(l->result);
	free(l);
}

static void *run(void *arg)
{
	struct lookup *l = arg;
	struct addrinfo hints = { .ai_socktype = SOCK_STREAM, .ai_flags = AI_ADDRCONFIG };

	l->status = getaddrinfo(l->host, l->port, &hints, &l->result);
	atomic_store(&l->done, true);
	/* Whoever sets the second flag of the two frees the lookup. */
	if (atomic_exchange(&l->abandoned, true))
		lookup_destroy(l);
	return NULL;
}

struct lookup *lookup_start(const char *host, uint16_t port)
{
	struct lookup *l = calloc(1, sizeof *l);
	pthread_attr_t attr;
	pthread_t thread;
	bool started;

	if (!l || strlen(host) >= sizeof l->host) {
		free(l);
		return NULL;
	}
	strcpy(l->host, host);
	snprintf(l->port, sizeof l->port, "%u", (unsigned)port);
	atomic_init(&l->done, false);
	atomic_init(&l->abandoned, false);
	started = pthread_attr_init(&attr) == 0;
	started = started && pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED) == 0 &&
		  pthread_create(&thread, &attr, run, l) == 0;
	pthread_attr_destroy(&attr);
	if (!started) {
		free(l);
		return NULL;
	}
	return l;
}

enum lookup_state lookup_state(struct lookup *l, const struct addrinfo **result)
{
	if (!atomic_load(&l->done))
		return LOOKUP_RUNNING;
	if (l->status != 0 || !l->result)
		return LOOKUP_FAILED;
	*result = l->result;
	return LOOKUP_DONE;
}

void lookup_free(struct lookup *l)
{
	if (l && atomic_exchange(&l->abandoned, true))
		lookup_destroy(l);
}
