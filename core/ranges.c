#include "core/ranges.h"

#include <stdlib.h>
#include <string.h>

void ranges_init(struct ranges *r, size_t max)
{
	memset(r, 0, sizeof *r);
	r->max = max;
}

void ranges_free(struct ranges *r)
{
	free(r->v);
	ranges_init(r, r->max);
}

void ranges_clear(struct ranges *r)
{
	r->n = 0;
}

static bool ensure_cap(struct ranges *r, size_t need)
{
	size_t cap;
	struct range *v;

	if (need <= r->cap)
		return true;
	cap = r->cap ? r->cap * 2 : 4;
	if (cap < need)
		cap = need;
	if (cap > r->max)
		cap = r->max;
	v = realloc(r->v, cap * sizeof *v);
	if (!v)
		return false;
	r->v = v;
	r->cap = cap;
	return true;
}

/* The index of the first interval whose end is >= v (it touches or
 * follows v). */
static size_t first_reaching(const struct ranges *r, uint64_t v)
{
	size_t lo = 0, hi = r->n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (r->v[mid].end < v)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

bool ranges_add(struct ranges *r, uint64_t start, uint64_t end)
{
	size_t i, j;

	if (start >= end)
		return true;
	i = first_reaching(r, start);
	/* Intervals i..j-1 touch or overlap [start, end) and merge with it. */
	for (j = i; j < r->n && r->v[j].start <= end; j++)
		;
	if (i == j) {
		if (r->n >= r->max || !ensure_cap(r, r->n + 1))
			return false;
		memmove(&r->v[i + 1], &r->v[i], (r->n - i) * sizeof r->v[0]);
		r->v[i] = (struct range){ start, end };
		r->n++;
		return true;
	}
	if (r->v[i].start < start)
		start = r->v[i].start;
	if (r->v[j - 1].end > end)
		end = r->v[j - 1].end;
	r->v[i] = (struct range){ start, end };
	memmove(&r->v[i + 1], &r->v[j], (r->n - j) * sizeof r->v[0]);
	r->n -= j - i - 1;
	return true;
}

bool ranges_remove(struct ranges *r, uint64_t start, uint64_t end)
{
	size_t i, j;

	if (start >= end)
		return true;
	i = first_reaching(r, start + 1);
	if (i == r->n || r->v[i].start >= end)
		return true;
	if (r->v[i].start < start && r->v[i].end > end) {
		/* Strictly inside one interval: it splits in two. */
		if (r->n >= r->max || !ensure_cap(r, r->n + 1))
			return false;
		memmove(&r->v[i + 1], &r->v[i], (r->n - i) * sizeof r->v[0]);
		r->n++;
		r->v[i].end = start;
		r->v[i + 1].start = end;
		return true;
	}
	if (r->v[i].start < start) {
		r->v[i].end = start;
		i++;
	}
	for (j = i; j < r->n && r->v[j].end <= end; j++)
		;
	if (j < r->n && r->v[j].start < end)
		r->v[j].start = end;
	memmove(&r->v[i], &r->v[j], (r->n - j) * sizeof r->v[0]);
	r->n -= j - i;
	return true;
}

void ranges_remove_below(struct ranges *r, uint64_t v)
{
	if (v > 0)
		ranges_remove(r, 0, v);	/* a prefix never splits an interval */
}

void ranges_drop_lowest(struct ranges *r)
{
	if (r->n == 0)
		return;
	memmove(&r->v[0], &r->v[1], (r->n - 1) * sizeof r->v[0]);
	r->n--;
}

bool ranges_contains(const struct ranges *r, uint64_t v)
{
	return v < UINT64_MAX && ranges_covers(r, v, v + 1);
}

bool ranges_covers(const struct ranges *r, uint64_t start, uint64_t end)
{
	size_t i;

	if (start >= end)
		return true;
	i = first_reaching(r, start + 1);
	return i < r->n && r->v[i].start <= start && r->v[i].end >= end;
}
