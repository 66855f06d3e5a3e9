/* The relay's loop: frames in -> UDP out, UDP in -> frames out. See
 * applets/session/relay.h. */
#include "applets/session/relay.h"

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <string.h>

#include "core/clock.h"
#include "core/log.h"
#include "core/options.h"
#include "core/signals.h"
#include "net/dgram_path.h"

struct relay {
	struct dgram_path *client;	/* frames from and to the client, through ssh */
	struct dgram_path *server;	/* UDP to and from the target */
	struct udp_addr target;
	uint64_t idle_ms;
	uint64_t last_from_client;
	uint64_t from_strangers;	/* UDP datagrams from another address: dropped */
	uint8_t datagram[SSPSH_RELAY_FRAME_MAX];
};

static void forward_to_server(struct relay *r)
{
	for (int batch = 0; batch < SSPSH_RECV_BATCH; batch++) {
		struct udp_addr from;
		long n = dgram_path_receive(r->client, r->datagram, sizeof r->datagram, &from);

		if (n < 0)
			return;
		r->last_from_client = clock_ms();
		/* A datagram lost here is lost like any other; the socket
		 * stays usable unless it broke (seen by the loop). */
		(void)dgram_path_send(r->server, r->datagram, (size_t)n, &r->target);
	}
}

static void forward_to_client(struct relay *r)
{
	for (int batch = 0; batch < SSPSH_RECV_BATCH; batch++) {
		struct udp_addr from;
		long n = dgram_path_receive(r->server, r->datagram, sizeof r->datagram, &from);

		if (n < 0)
			return;
		if (!udp_addr_equal(&from, &r->target)) {
			r->from_strangers++;
			continue;
		}
		/* A full queue drops the datagram (counted in the path). */
		(void)dgram_path_send(r->client, r->datagram, (size_t)n, NULL);
	}
}

/* The exit status once a path has broken, or -1 while both are open. */
static int ending_status(const struct relay *r)
{
	enum dgram_path_state client = dgram_path_state(r->client);

	if (client == DGRAM_PATH_ENDED) {
		log_debug("relay: the client's stream ended (%s)", dgram_path_error(r->client));
		return 0;
	}
	if (client != DGRAM_PATH_OPEN) {
		log_error("relay: bad input from the client: %s", dgram_path_error(r->client));
		return 1;
	}
	if (dgram_path_state(r->server) != DGRAM_PATH_OPEN) {
		log_error("relay: %s", dgram_path_error(r->server));
		return 1;
	}
	return -1;
}

static int poll_timeout(const struct relay *r, uint64_t now)
{
	uint64_t due = r->last_from_client + r->idle_ms;

	if (due <= now)
		return 0;
	return due - now > 60000 ? 60000 : (int)(due - now);
}

static bool stop_signalled(void)
{
	bool stop = signals_take(SIGTERM);

	stop |= signals_take(SIGHUP);
	stop |= signals_take(SIGINT);
	return stop;
}

/* One poll and the work it found; the exit status, or -1 to go on. */
static int turn(struct relay *r)
{
	struct pollfd fds[2 * DGRAM_PATH_POLLFDS + 1];
	int n = 0, status;

	/* First: a path may have broken at its start (the hello found the
	 * output closed) or in the last turn; a broken path polls nothing. */
	if ((status = ending_status(r)) >= 0)
		return status;
	n += dgram_path_pollfds(r->client, fds + n);
	n += dgram_path_pollfds(r->server, fds + n);
	fds[n++] = (struct pollfd){ .fd = signals_fd(), .events = POLLIN };
	if (poll(fds, (nfds_t)n, poll_timeout(r, clock_ms())) < 0 && errno != EINTR) {
		log_error("relay: poll: %s", strerror(errno));
		return 1;
	}
	if (stop_signalled())
		return 0;
	(void)dgram_path_flush(r->client);
	forward_to_server(r);
	forward_to_client(r);
	if (clock_ms() - r->last_from_client >= r->idle_ms) {
		log_info("relay: nothing from the client for %llu s; exiting",
			 (unsigned long long)(r->idle_ms / 1000));
		return 0;
	}
	return -1;
}

static void log_counters(const struct relay *r)
{
	const struct dgram_path_counters *in = dgram_path_counters(r->client);

	log_info("relay: %llu datagrams from the client, %llu to it, %llu dropped on a full "
		 "queue, %llu from other addresses",
		 (unsigned long long)in->datagrams_in, (unsigned long long)in->datagrams_out,
		 (unsigned long long)in->dropped_full, (unsigned long long)r->from_strangers);
}

int relay_run(const struct relay_settings *s)
{
	static const int caught[] = { SIGTERM, SIGHUP, SIGINT, 0 };
	static struct relay r;	/* one per process; keeps the datagram buffer off the stack */
	int status = -1;

	memset(&r, 0, sizeof r);
	r.target = s->target;
	r.idle_ms = s->idle_ms;
	r.last_from_client = clock_ms();
	signal(SIGPIPE, SIG_IGN);	/* a closed output is seen as EPIPE */
	r.client = dgram_path_pipe(s->in_fd, s->out_fd, DGRAM_PIPE_SEND_HELLO);
	r.server = dgram_path_udp(udp_bind_ephemeral(s->target.ss.ss_family));
	if (!r.client || !r.server || !signals_catch(caught))
		status = 1;
	while (status < 0)
		status = turn(&r);
	if (r.client)
		log_counters(&r);
	dgram_path_free(r.client);
	dgram_path_free(r.server);
	return status;
}
