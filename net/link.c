#include "net/link.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/options.h"
#include "net/udp.h"

/* A knob's value as text, for the messages that state a range. */
#define TEXT(x) #x
#define VALUE_TEXT(x) TEXT(x)

struct link_queue {
	struct link_datagram *heap;	/* min-heap on (due_ms, order) */
	size_t count;
	size_t cap;
};

struct link {
	struct link_params params;
	uint64_t rng_state;
	uint64_t next_order;
	struct link_queue queues[2];
};

/* ---- Spec parser ---- */

static bool parse_ms(const char *value, uint32_t *out)
{
	char *end;
	unsigned long v;

	if (*value < '0' || *value > '9')
		return false;
	errno = 0;
	v = strtoul(value, &end, 10);
	if (errno || *end || v > SSPSH_LINK_MAX_DELAY_MS)
		return false;
	*out = (uint32_t)v;
	return true;
}

static bool parse_probability(const char *value, double *out)
{
	char *end;
	double v;

	if ((*value < '0' || *value > '9') && *value != '.')
		return false;
	errno = 0;
	v = strtod(value, &end);
	if (errno || end == value)
		return false;
	if (*end == '%') {
		v /= 100;
		end++;
	}
	if (*end || !(v >= 0 && v <= 1))
		return false;
	*out = v;
	return true;
}

static bool parse_u64(const char *value, uint64_t *out)
{
	char *end;

	if (*value < '0' || *value > '9')
		return false;
	errno = 0;
	*out = strtoull(value, &end, 10);
	return !errno && !*end;
}

static bool parse_mtu(const char *value, uint32_t *out)
{
	uint64_t v;

	if (!parse_u64(value, &v) || (v != 0 && (v < SSPSH_LINK_MTU_MIN || v > UDP_IPV4_PAYLOAD_MAX)))
		return false;
	*out = (uint32_t)v;
	return true;
}

static bool parse_setting(const char *name, const char *value, struct link_params *p,
			  char *err, size_t err_len)
{
	const char *expect;
	bool ok;

	if (strcmp(name, "delay") == 0) {
		ok = parse_ms(value, &p->delay_ms);
		expect = "milliseconds, 0.." VALUE_TEXT(SSPSH_LINK_MAX_DELAY_MS);
	} else if (strcmp(name, "jitter") == 0) {
		ok = parse_ms(value, &p->jitter_ms);
		expect = "milliseconds, 0.." VALUE_TEXT(SSPSH_LINK_MAX_DELAY_MS);
	} else if (strcmp(name, "loss") == 0 || strcmp(name, "dup") == 0 ||
		   strcmp(name, "reorder") == 0) {
		double *field = name[0] == 'l' ? &p->loss : name[0] == 'd' ? &p->dup : &p->reorder;
		ok = parse_probability(value, field);
		expect = "a probability, 0..1 or 0%..100%";
	} else if (strcmp(name, "mtu") == 0) {
		ok = parse_mtu(value, &p->mtu);
		expect = "bytes, " VALUE_TEXT(SSPSH_LINK_MTU_MIN) ".." VALUE_TEXT(UDP_IPV4_PAYLOAD_MAX)
			 ", or 0 for none";
	} else if (strcmp(name, "seed") == 0) {
		ok = parse_u64(value, &p->seed);
		expect = "an unsigned integer";
	} else {
		snprintf(err, err_len, "link spec: unknown setting '%s' "
			 "(known: delay, jitter, loss, dup, reorder, mtu, seed)", name);
		return false;
	}
	if (!ok)
		snprintf(err, err_len, "link spec: %s=%s is not valid (expected %s)", name, value, expect);
	return ok;
}

bool link_parse(const char *spec, struct link_params *out, char *err, size_t err_len)
{
	char copy[SSPSH_LINK_SPEC_MAX + 1], *item, *save = NULL;

	memset(out, 0, sizeof *out);
	if (!*spec) {
		snprintf(err, err_len, "link spec is empty (e.g. delay=100,jitter=10,loss=0.05)");
		return false;
	}
	if (strlen(spec) >= sizeof copy) {
		snprintf(err, err_len, "link spec is too long");
		return false;
	}
	strcpy(copy, spec);
	for (item = strtok_r(copy, ",", &save); item; item = strtok_r(NULL, ",", &save)) {
		char *eq = strchr(item, '=');

		if (!eq || eq == item || !eq[1]) {
			snprintf(err, err_len, "link spec: '%s' is not NAME=VALUE", item);
			return false;
		}
		*eq = '\0';
		if (!parse_setting(item, eq + 1, out, err, err_len))
			return false;
	}
	return true;
}

/* ---- Randomness: splitmix64, seeded for repeatable runs ---- */

static uint64_t next_random(struct link *l)
{
	uint64_t z = (l->rng_state += 0x9e3779b97f4a7c15u);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9u;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebu;
	return z ^ (z >> 31);
}

/* Uniform in [0, 1). */
static double uniform(struct link *l)
{
	return (double)(next_random(l) >> 11) * 0x1p-53;
}

static bool chance(struct link *l, double p)
{
	return p > 0 && uniform(l) < p;
}

/* ---- Queues ---- */

static bool earlier(const struct link_datagram *a, const struct link_datagram *b)
{
	return a->due_ms < b->due_ms || (a->due_ms == b->due_ms && a->order < b->order);
}

static void swap(struct link_datagram *a, struct link_datagram *b)
{
	struct link_datagram t = *a;
	*a = *b;
	*b = t;
}

static bool queue_push(struct link_queue *q, const struct link_datagram *d)
{
	size_t i;

	if (q->count == q->cap) {
		size_t cap = q->cap ? q->cap * 2 : 64;
		struct link_datagram *heap = realloc(q->heap, cap * sizeof *heap);
		if (!heap)
			return false;
		q->heap = heap;
		q->cap = cap;
	}
	i = q->count++;
	q->heap[i] = *d;
	while (i > 0 && earlier(&q->heap[i], &q->heap[(i - 1) / 2])) {
		swap(&q->heap[i], &q->heap[(i - 1) / 2]);
		i = (i - 1) / 2;
	}
	return true;
}

static void queue_pop(struct link_queue *q, struct link_datagram *out)
{
	size_t i = 0;

	*out = q->heap[0];
	q->heap[0] = q->heap[--q->count];
	for (;;) {
		size_t left = 2 * i + 1, right = left + 1, least = i;

		if (left < q->count && earlier(&q->heap[left], &q->heap[least]))
			least = left;
		if (right < q->count && earlier(&q->heap[right], &q->heap[least]))
			least = right;
		if (least == i)
			break;
		swap(&q->heap[i], &q->heap[least]);
		i = least;
	}
}

static void queue_clear(struct link_queue *q)
{
	for (size_t i = 0; i < q->count; i++)
		free(q->heap[i].data);
	free(q->heap);
	memset(q, 0, sizeof *q);
}

/* ---- The link ---- */

struct link *link_new(const struct link_params *params)
{
	struct link *l = calloc(1, sizeof *l);

	if (!l)
		return NULL;
	l->params = *params;
	l->rng_state = params->seed;
	return l;
}

void link_free(struct link *l)
{
	if (!l)
		return;
	queue_clear(&l->queues[LINK_OUT]);
	queue_clear(&l->queues[LINK_IN]);
	free(l);
}

void link_set_params(struct link *l, const struct link_params *params)
{
	if (params->seed != l->params.seed)
		l->rng_state = params->seed;	/* a new seed restarts the stream */
	l->params = *params;
}

const struct link_params *link_get_params(const struct link *l)
{
	return &l->params;
}

static uint64_t transit_delay(struct link *l)
{
	double delay = l->params.delay_ms;

	if (l->params.jitter_ms)
		delay += (2 * uniform(l) - 1) * l->params.jitter_ms;
	if (chance(l, l->params.reorder))
		delay += 1 + uniform(l) * (2.0 * l->params.jitter_ms + SSPSH_LINK_REORDER_MS);
	return delay < 0 ? 0 : (uint64_t)(delay + 0.5);
}

static void enqueue_copy(struct link *l, struct link_queue *q, uint64_t now_ms,
			 const void *data, size_t len, const struct sockaddr *addr, socklen_t addr_len)
{
	struct link_datagram d = { 0 };

	if (q->count >= SSPSH_LINK_QUEUE_MAX || addr_len > sizeof d.addr)
		return;
	d.data = malloc(len ? len : 1);
	if (!d.data)
		return;
	memcpy(d.data, data, len);
	d.len = len;
	memcpy(&d.addr, addr, addr_len);
	d.addr_len = addr_len;
	d.due_ms = now_ms + transit_delay(l);
	d.order = l->next_order++;
	if (!queue_push(q, &d))
		free(d.data);
}

void link_submit(struct link *l, enum link_direction dir, uint64_t now_ms,
		 const void *data, size_t len, const struct sockaddr *addr, socklen_t addr_len)
{
	struct link_queue *q = &l->queues[dir];

	if (l->params.outage || chance(l, l->params.loss))
		return;
	enqueue_copy(l, q, now_ms, data, len, addr, addr_len);
	if (chance(l, l->params.dup))
		enqueue_copy(l, q, now_ms, data, len, addr, addr_len);
}

bool link_take_due(struct link *l, enum link_direction dir, uint64_t now_ms,
		   struct link_datagram *out)
{
	struct link_queue *q = &l->queues[dir];

	while (q->count && q->heap[0].due_ms <= now_ms) {
		queue_pop(q, out);
		if (!l->params.outage)
			return true;
		link_datagram_release(out);	/* in flight when the link went down */
	}
	return false;
}

void link_datagram_release(struct link_datagram *d)
{
	free(d->data);
	d->data = NULL;
}

uint64_t link_next_due_ms(const struct link *l)
{
	uint64_t due = UINT64_MAX;

	for (int dir = LINK_OUT; dir <= LINK_IN; dir++)
		if (l->queues[dir].count && l->queues[dir].heap[0].due_ms < due)
			due = l->queues[dir].heap[0].due_ms;
	return due;
}
