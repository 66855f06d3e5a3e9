/* The scrollback stream inside a session (applets/session/server_session.c
 * with the real client's sync core and scrollback client, in process):
 * what the program waits for and what it does not. */
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "applets/session/client_sync.h"
#include "applets/session/scrollback.h"
#include "applets/session/server_session.h"
#include "core/clock.h"
#include "core/dying.h"
#include "core/options.h"
#include "net/transport.h"
#include "term/dump.h"
#include "test/unit/unit.h"

#define PORT_LOW 63460
#define PORT_HIGH 63499

struct pair {
	struct server_session *server;
	struct client_sync *client;
	struct scrollback_client scrollback;
	bool reading;		/* the client takes the lines it is sent */
};

static bool pair_start(struct pair *p, char *const *argv, uint32_t lines)
{
	struct transport_key key;
	struct transport *st, *ct;
	struct pty_spec spec = { .argv = argv, .path = argv[0], .cols = 80, .rows = 24 };

	memset(p, 0, sizeof *p);
	scrollback_client_init(&p->scrollback, true);
	if (!transport_key_generate(&key))
		return false;
	st = transport_server(&key, "127.0.0.1", PORT_LOW, PORT_HIGH);
	if (!st)
		return false;
	ct = transport_client(&key, "127.0.0.1", transport_local_port(st));
	p->server = server_session_new(&spec, st, false);
	p->client = ct ? client_sync_new(ct) : NULL;
	return p->server && p->client && server_session_set_scrollback(p->server, lines);
}

static void pair_free(struct pair *p)
{
	struct dying dying;

	scrollback_client_free(&p->scrollback);
	client_sync_free(p->client);
	dying_init(&dying);
	server_session_close(p->server, &dying, clock_ms());
	dying_finish(&dying);
	dying_free(&dying);
}

/* The client's channel events go to its scrollback end; the lines are
 * read (and forgotten, as if written, and reported) only while it is
 * reading. */
static void client_channels(struct pair *p)
{
	struct chan_mux *m = client_sync_channels(p->client);
	struct chan_event ev;
	struct scrollback_batch batch;

	while (m && chan_mux_next_event(m, &ev))
		scrollback_client_event(&p->scrollback, m, &ev);
	if (!p->reading)
		return;
	EXPECT(scrollback_client_read(&p->scrollback, m));
	while (scrollback_rx_batch(&p->scrollback.rx, SIZE_MAX, &batch))
		scrollback_rx_done(&p->scrollback.rx);
	scrollback_client_report(&p->scrollback, m);
}

static void run(struct pair *p, int ms)
{
	uint64_t end = clock_ms() + (uint64_t)ms;

	while (clock_ms() < end) {
		uint64_t now = clock_ms();
		if (server_session_pty_events(p->server, now) & POLLIN)
			server_session_pty_ready(p->server, POLLIN, now);
		server_session_receive(p->server, now);
		server_session_tick(p->server, now);
		client_sync_receive(p->client, now);
		client_channels(p);
		client_sync_tick(p->client, now);
		usleep(1000);
	}
}

/* Bytes of lines the client holds unread. */
static size_t unread(const struct pair *p)
{
	const struct chan_mux *m = client_sync_channels(p->client);

	return scrollback_rx_held(&p->scrollback.rx) +
	       (p->scrollback.open ? chan_readable(m, p->scrollback.id) : 0);
}

/* Runs until the server has sent no line for a while: the stream's
 * window is full and the program waits. */
static bool run_until_stream_stops(struct pair *p, int timeout_ms)
{
	uint64_t end = clock_ms() + (uint64_t)timeout_ms;
	size_t before;

	do {
		before = unread(p);
		run(p, 300);
	} while ((before != unread(p) || !before) && clock_ms() < end);
	return before == unread(p) && before > 0;
}

static bool screen_shows(const struct pair *p, const char *text)
{
	const struct fb *fb = client_sync_screen(p->client);
	struct buf screen;
	bool found;

	buf_init(&screen);
	if (fb)
		dump_screen(fb, &screen);
	buf_put_u8(&screen, 0);
	found = strstr((const char *)screen.data, text) != NULL;
	buf_free(&screen);
	return found;
}

/* A client whose terminal takes no lines for a while (it is busy, or has
 * just been typed to) has the stream's window full and the program
 * waiting; what is left in the pty after Ctrl-C must still fit into the
 * log, so that the answer shows without the client taking a line. */
TEST(the_answer_to_ctrl_c_comes_while_the_client_takes_no_lines)
{
	char *argv[] = { "/bin/sh", "-c", "trap 'echo ANSWERED; sleep 30' INT; yes", NULL };
	struct pair p;
	bool answered = false;

	EXPECT(pair_start(&p, argv, 4000));
	if (!p.server || !p.client)
		goto done;
	p.reading = true;
	run(&p, 300);
	p.reading = false;
	EXPECT(run_until_stream_stops(&p, 20000));
	EXPECT(client_sync_type(p.client, "\003", 1, clock_ms()));
	/* Within the time the program waits for a client that went quiet
	 * (a gap marker then ends the wait). */
	for (int i = 0; i < SSPSH_SCROLLBACK_STALL_MS / 2 / 50 && !answered; i++) {
		run(&p, 50);
		answered = screen_shows(&p, "ANSWERED");
	}
	EXPECT(answered);
done:
	pair_free(&p);
}

int main(void)
{
	RUN(the_answer_to_ctrl_c_comes_while_the_client_takes_no_lines);
	return unit_exit_status();
}
