/* sspsh bench channels: the throughput of one channel (net/channel.h).
 *
 * usage: sspsh bench channels [--link SPEC] [--mb N]
 *
 * Two transports on loopback UDP, sealing and opening every datagram as a
 * session does (loopback-sized datagrams without --link), with a channel
 * mux on each, in two processes as a client and a server are; the client
 * opens one channel and sends N MB (default 20) through it, the server
 * reads and checks them and answers one byte. Prints the MB/s from the
 * first byte written to the answer, the MB per second of CPU of both ends
 * together (on a busy machine this says more than the wall clock), and how
 * many stream bytes were sent again. Without --link it measures loopback
 * and a 200 ms RTT link with 1 % loss (delay=100,loss=1%) through the
 * in-process link emulator (net/link.h); with --link, that link only. */
#include <poll.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "applets/applets.h"
#include "applets/bench.h"
#include "applets/cli.h"
#include "core/buf.h"
#include "core/clock.h"
#include "core/log.h"
#include "core/options.h"
#include "net/channel.h"
#include "net/link.h"
#include "net/transport.h"

#define DEFAULT_MB 20
#define MAX_MB 4096
#define STALL_LIMIT_MS 30000
/* Payloads one side sends per turn of the loop before it reads again. */
#define BURST 64

static const char channels_usage[] = "usage: sspsh bench channels [--link SPEC] [--mb N]\n";

struct side {
	struct transport *t;
	struct chan_mux *mux;
	struct buf in, out;
};

struct run {
	struct side client, server;
	uint32_t id;		/* the channel, on both sides */
	bool server_has_it;
	uint64_t total, written, got;
	bool corrupt;
};

/* The stream is the bytes 0..250 over and over (a prime period, so it is
 * out of step with every buffer size), written and checked by copying. */
#define PERIOD 251
#define CHUNK 16384

static uint8_t stream_bytes[CHUNK + PERIOD];

static void make_stream_bytes(void)
{
	for (size_t i = 0; i < sizeof stream_bytes; i++)
		stream_bytes[i] = (uint8_t)(i % PERIOD);
}

/* The stream's bytes from offset on. */
static const uint8_t *stream_at(uint64_t offset)
{
	return stream_bytes + offset % PERIOD;
}

static void side_free(struct side *s)
{
	chan_mux_free(s->mux);
	transport_free(s->t);
	buf_free(&s->in);
	buf_free(&s->out);
}

static void side_receive(struct side *s, uint64_t now)
{
	enum transport_recv_result r;

	while ((r = transport_recv(s->t, &s->in)) == TRANSPORT_MESSAGE)
		chan_mux_receive(s->mux, s->in.data, s->in.len, now);
}

static void side_send(struct side *s, uint64_t now)
{
	transport_tick(s->t, now);
	chan_mux_set_rtt(s->mux, (int)transport_srtt_ms(s->t), (int)transport_rto_ms(s->t));
	for (int i = 0; i < BURST; i++) {
		buf_reset(&s->out);
		if (!chan_mux_emit(s->mux, now, transport_max_payload(s->t), &s->out))
			break;
		if (transport_has_peer(s->t))
			transport_send(s->t, s->out.data, s->out.len);
	}
}

/* The stream's bytes go straight into the channel's send buffer and are
 * checked where they arrive, as forwarding reads and writes its sockets. */
static void client_writes(struct run *r)
{
	struct iovec piece[2];
	int pieces;

	while (r->written < r->total && (pieces = chan_write_space(r->client.mux, r->id, CHUNK, piece)) > 0) {
		size_t put = 0;

		for (int i = 0; i < pieces && r->written + put < r->total; i++) {
			size_t n = piece[i].iov_len;

			if (n > r->total - r->written - put)
				n = (size_t)(r->total - r->written - put);
			for (size_t done = 0, step; done < n; done += step) {
				step = n - done < CHUNK ? n - done : CHUNK;
				memcpy((uint8_t *)piece[i].iov_base + done, stream_at(r->written + put + done), step);
			}
			put += n;
		}
		chan_wrote(r->client.mux, r->id, put);
		r->written += put;
	}
	if (r->written == r->total)
		chan_shutdown(r->client.mux, r->id);
}

static void server_reads(struct run *r)
{
	struct chan_event ev;
	struct iovec piece[2];
	int pieces;

	while (chan_mux_next_event(r->server.mux, &ev))
		if (ev.type == CHAN_EV_OPEN && chan_accept(r->server.mux, ev.id))
			r->server_has_it = true;
	while (r->server_has_it && (pieces = chan_peek(r->server.mux, r->id, piece)) > 0) {
		size_t took = 0;

		for (int i = 0; i < pieces; i++) {
			for (size_t done = 0, step; done < piece[i].iov_len; done += step) {
				step = piece[i].iov_len - done < CHUNK ? piece[i].iov_len - done : CHUNK;
				r->corrupt |= memcmp((uint8_t *)piece[i].iov_base + done,
						     stream_at(r->got + took + done), step) != 0;
			}
			took += piece[i].iov_len;
		}
		chan_consume(r->server.mux, r->id, took);
		r->got += took;
	}
}

static int poll_ms(const struct side *s, uint64_t now)
{
	uint64_t due = transport_next_deadline_ms(s->t), mux_due = chan_mux_deadline(s->mux, now);

	if (mux_due < due)
		due = mux_due;
	if (now + 100 < due)
		due = now + 100;
	return due <= now ? 0 : (int)(due - now);
}

static bool wait_readable(struct side *s, uint64_t *now)
{
	struct pollfd p = { .fd = transport_fd(s->t), .events = POLLIN };

	if (poll(&p, 1, poll_ms(s, *now)) < 0)
		return false;
	*now = clock_ms();
	return true;
}

static bool setup(struct run *r, const struct link_params *link, uint64_t bytes)
{
	struct transport_key key;
	bool ok;

	memset(r, 0, sizeof *r);
	r->total = bytes;
	buf_init(&r->client.in);
	buf_init(&r->client.out);
	buf_init(&r->server.in);
	buf_init(&r->server.out);
	if (!transport_key_generate(&key))
		return false;
	r->server.t = transport_server(&key, "127.0.0.1", SSPSH_PORT_LOW, SSPSH_PORT_HIGH);
	r->client.t = r->server.t ? transport_client(&key, "127.0.0.1",
						     transport_local_port(r->server.t)) : NULL;
	transport_key_zero(&key);
	r->client.mux = chan_mux_new(CHAN_ROLE_CLIENT);
	r->server.mux = chan_mux_new(CHAN_ROLE_SERVER);
	ok = r->client.t && r->client.mux && r->server.mux;
	if (ok && link)
		ok = transport_set_link(r->client.t, link);
	/* The server's path has no link emulator: a session's pump would say
	 * so in its first payload, and the client then sends loopback-sized
	 * datagrams unless its own path has one. */
	if (ok)
		transport_peer_takes_large(r->client.t, true);
	return ok && chan_open(r->client.mux, "bench", 5, &r->id);
}

/* The server end, in the child: reads the stream to its end, answers 'K'
 * if it was intact ('X' if not), and exits once the answer is acknowledged
 * (or nothing moved for STALL_LIMIT_MS). */
static void serve(struct run *r)
{
	uint64_t now = clock_ms(), last_progress = now;
	bool answered = false;

	while (now - last_progress < STALL_LIMIT_MS &&
	       !(answered && chan_all_acked(r->server.mux, r->id))) {
		uint64_t got_before = r->got;

		if (!wait_readable(&r->server, &now))
			break;
		side_receive(&r->server, now);
		server_reads(r);
		if (!answered && r->server_has_it && chan_at_eof(r->server.mux, r->id)) {
			chan_write(r->server.mux, r->id, r->corrupt || r->got != r->total ? "X" : "K", 1);
			chan_shutdown(r->server.mux, r->id);
			answered = true;
		}
		side_send(&r->server, now);
		if (r->got > got_before || answered)
			last_progress = now;
	}
	_exit(0);
}

static double cpu_seconds(int who)
{
	struct rusage ru;

	if (getrusage(who, &ru) != 0)
		return 0;
	return (double)ru.ru_utime.tv_sec + (double)ru.ru_utime.tv_usec / 1e6 +
	       (double)ru.ru_stime.tv_sec + (double)ru.ru_stime.tv_usec / 1e6;
}

/* Collects the server end without waiting for it for long. */
static void reap(pid_t pid)
{
	for (int i = 0; i < 200; i++) {
		if (waitpid(pid, NULL, WNOHANG) != 0)
			return;
		poll(NULL, 0, 10);
	}
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
}

/* The client end: writes the stream and waits for the answer. True if it
 * came and said the stream was intact. */
static bool send_stream(struct run *r, uint64_t *start_us)
{
	uint64_t now = clock_ms(), last_progress = now;
	char answer = 0;

	while (!answer && now - last_progress < STALL_LIMIT_MS) {
		uint64_t written_before = r->written;
		struct chan_event ev;

		if (!wait_readable(&r->client, &now))
			return false;
		side_receive(&r->client, now);
		while (chan_mux_next_event(r->client.mux, &ev))
			;
		if (!*start_us && chan_write_room(r->client.mux, r->id))
			*start_us = clock_us();
		client_writes(r);
		if (chan_read(r->client.mux, r->id, &answer, 1))
			last_progress = now;
		side_send(&r->client, now);
		if (r->written > written_before)
			last_progress = now;
	}
	return answer == 'K';
}

/* MB/s of one transfer, or a negative number if it failed; *cpu: the CPU
 * seconds both ends took. */
static double transfer(const struct link_params *link, uint64_t bytes, struct chan_stats *st,
		       double *cpu)
{
	struct run r;
	uint64_t start = 0;
	double rate = -1, cpu_before = cpu_seconds(RUSAGE_SELF) + cpu_seconds(RUSAGE_CHILDREN);
	pid_t pid;

	make_stream_bytes();
	if (!setup(&r, link, bytes))
		goto out;
	pid = fork();
	if (pid < 0)
		goto out;
	if (pid == 0) {
		side_free(&r.client);
		serve(&r);
	}
	side_free(&r.server);
	memset(&r.server, 0, sizeof r.server);
	if (send_stream(&r, &start))
		rate = (double)r.total / (double)(clock_us() - start);
	chan_mux_stats(r.client.mux, st);
	reap(pid);
	*cpu = cpu_seconds(RUSAGE_SELF) + cpu_seconds(RUSAGE_CHILDREN) - cpu_before;
out:
	side_free(&r.client);
	side_free(&r.server);
	return rate;
}

static bool report(const char *what, const struct link_params *link, uint64_t bytes)
{
	struct chan_stats st;
	double cpu = 0, rate = transfer(link, bytes, &st, &cpu);

	if (rate < 0) {
		log_error("bench channels: the transfer over %s failed or stalled", what);
		return false;
	}
	printf("one channel, %s: %.1f MB/s, %.0f MB per CPU second for both ends"
	       " (%.0f MB; %.1f %% of the bytes sent again, %llu timeouts)\n",
	       what, rate, cpu > 0 ? (double)bytes / 1e6 / cpu : 0, (double)bytes / 1e6,
	       100.0 * (double)st.bytes_resent / (double)bytes, (unsigned long long)st.timeouts);
	return true;
}

int bench_channels_main(int argc, char **argv)
{
	struct link_params link, lossy;
	const char *spec = NULL;
	char err[128], *end;
	unsigned long mb = DEFAULT_MB;

	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--help") == 0) {
			fputs(channels_usage, stdout);
			return 0;
		} else if (strcmp(argv[i], "--link") == 0 && i + 1 < argc) {
			spec = argv[++i];
			if (!link_parse(spec, &link, err, sizeof err))
				return cli_usage_error("bench channels", "--link: %s", err);
		} else if (strcmp(argv[i], "--mb") == 0 && i + 1 < argc) {
			mb = strtoul(argv[++i], &end, 10);
			if (*end || mb < 1 || mb > MAX_MB)
				return cli_usage_error("bench channels", "--mb: 1 to %d", MAX_MB);
		} else {
			return cli_usage_error("bench channels", "unknown argument '%s'", argv[i]);
		}
	}
	if (spec)
		return report(spec, &link, mb * 1000000) ? 0 : 1;
	if (!link_parse("delay=100,loss=1%", &lossy, err, sizeof err))
		return 1;
	if (!report("loopback", NULL, mb * 1000000) ||
	    !report("200 ms RTT, 1 % loss", &lossy, mb * 1000000))
		return 1;
	return 0;
}
