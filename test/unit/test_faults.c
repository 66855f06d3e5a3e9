/* Fault tests end to end: a real `sspsh server` process, an in-process
 * client of the real modules behind the link emulator (net/link.h), and a
 * program that stores every byte it is sent, so "arrived exactly once, in
 * order" is a file comparison.
 *
 * Durations scale with the environment so that `make check` stays short and
 * `make soak` (the scripts in test/soak) runs the long versions:
 *   FAULT_SLEEP_S     how long server and client are stopped (default 15)
 *   FAULT_OUTAGE_S    a total outage, then recovery (default 10)
 *   FAULT_RANDOM_S    random link faults while typing (default 20)
 *   FAULT_FLOOD_BYTES what a program writes as fast as it can (default 1 GB)
 * Usage: test_faults [NAME-SUBSTRING]; figures are printed as "figure:". */
#include "term/emu.h"
#include "test/unit/session_harness.h"
#include "test/unit/unit.h"

/* Stores N bytes typed (byte-exact: raw mode), says so, waits for a last key. */
#define STORE_SCRIPT "stty raw -echo; echo READY; head -c %zu > '%s'; echo STORED; head -c 1 >/dev/null"

struct session {
	char dir[256];
	char file[300];
	struct harness_server server;
	struct harness_client client;
	bool open;
};

static long env_long(const char *name, long fallback)
{
	const char *v = getenv(name);
	char *end;
	long n;

	if (!v || !*v)
		return fallback;
	n = strtol(v, &end, 10);
	return *end || n <= 0 ? fallback : n;
}

/* Starts the server running `/bin/sh -c script` (script may contain one %zu
 * for n and then one %s for the session's file), a client, and waits for
 * the program to say READY. */
static bool session_open(struct session *ss, const char *script_fmt, size_t n, const char *link)
{
	char script[1024];
	char *command[] = { "/bin/sh", "-c", script, NULL };

	memset(ss, 0, sizeof *ss);
	if (!make_temp_dir(ss->dir, sizeof ss->dir))
		return false;
	snprintf(ss->file, sizeof ss->file, "%s/typed", ss->dir);
	snprintf(script, sizeof script, script_fmt, n, ss->file);
	if (!server_start(&ss->server, command) ||
	    !client_start(&ss->client, &ss->server.key, ss->server.port))
		return false;
	ss->open = true;
	if (link) {
		struct link_params params;
		char why[200];

		if (!link_parse(link, &params, why, sizeof why) ||
		    !transport_set_link(client_transport(&ss->client), &params))
			return false;
	}
	return client_wait_for_text(&ss->client, "READY", 60000);
}

/* Types the final key, waits for the end, checks the server's exit status
 * and that the file holds exactly `want`. */
static void session_close(struct session *ss, const struct buf *want)
{
	struct buf got;

	buf_init(&got);
	if (ss->open) {
		client_type(&ss->client, "x", 1);
		EXPECT(client_run_until_ended(&ss->client, 60000));
		client_run(&ss->client, 200);	/* the last ack */
		EXPECT_INT(server_stop(&ss->server, 10000), 0);
		client_free(&ss->client);
	}
	if (want) {
		EXPECT(read_file(ss->file, &got));
		if (got.len != want->len)
			printf("figure: %zu bytes typed, %zu stored\n", want->len, got.len);
		EXPECT_INT(got.len, want->len);
		EXPECT(got.len == want->len && memcmp(got.data, want->data, want->len) == 0);
	}
	buf_free(&got);
	if (ss->dir[0])
		rm_tree(ss->dir);
}

static bool wait_all_acked(struct harness_client *c, int timeout_ms)
{
	uint64_t end = clock_ms() + (uint64_t)timeout_ms;

	while (!client_all_acked(c) && clock_ms() < end)
		client_run(c, 20);
	return client_all_acked(c);
}

/* Types `text` in chunks with gaps, calling between() before every chunk
 * but the first. */
static void type_in_chunks(struct session *ss, const struct buf *text, size_t chunk, int gap_ms,
			   void (*between)(struct session *, size_t))
{
	size_t i = 0;

	for (size_t off = 0; off < text->len; off += chunk, i++) {
		size_t n = text->len - off < chunk ? text->len - off : chunk;

		if (between && i > 0)
			between(ss, i);
		client_paste(&ss->client, text->data + off, n);
		client_run(&ss->client, gap_ms);
	}
}

static void typing_test(const char *link, size_t len, size_t chunk, int gap_ms,
			void (*between)(struct session *, size_t))
{
	struct session ss;
	struct buf text;
	uint64_t start = clock_ms();

	buf_init(&text);
	make_text(&text, len, (unsigned)len, 73);
	EXPECT(session_open(&ss, STORE_SCRIPT, len, link));
	if (ss.open) {
		type_in_chunks(&ss, &text, chunk, gap_ms, between);
		EXPECT(wait_all_acked(&ss.client, 120000));
		printf("figure: %zu bytes over '%s' acknowledged in %.1f s (client sent %" PRIu64
		       " datagrams, received %" PRIu64 ")\n", len, link ? link : "",
		       (double)(clock_ms() - start) / 1000,
		       transport_counters(client_transport(&ss.client))->datagrams_sent,
		       transport_counters(client_transport(&ss.client))->datagrams_received);
	}
	session_close(&ss, &text);
	buf_free(&text);
}

TEST(loss_of_half_each_way_a_5000_byte_paste_arrives_once)
{
	typing_test("loss=50%,delay=10,seed=1", 5000, 5000, 0, NULL);
}

TEST(reordering_and_duplication_deliver_keys_once_in_order)
{
	typing_test("delay=30,jitter=25,dup=30%,reorder=30%,loss=10%,seed=2", 20000, 200, 5, NULL);
}

static void change_port(struct session *ss, size_t i)
{
	(void)i;
	EXPECT(transport_change_port(client_transport(&ss->client)));
}

TEST(a_hundred_client_port_changes)
{
	struct session ss;
	struct server_counters counters;
	struct buf text;

	buf_init(&text);
	make_text(&text, 10100, 3, 50);	/* 101 chunks, 100 changes between */
	EXPECT(session_open(&ss, STORE_SCRIPT, text.len, NULL));
	if (ss.open) {
		type_in_chunks(&ss, &text, 100, 10, change_port);
		EXPECT(wait_all_acked(&ss.client, 30000));
		EXPECT_INT(transport_counters(client_transport(&ss.client))->port_hops, 100);
		EXPECT(server_counters(&ss.server, &counters));
		printf("figure: 100 client port changes, server followed %" PRIu64 " roams\n",
		       counters.roams);
		EXPECT(counters.roams >= 100);
	}
	session_close(&ss, &text);
	buf_free(&text);
}

/* Half the text, a sleep, the other half; `asleep` says who sleeps. */
static void sleep_test(bool server_sleeps)
{
	long seconds = env_long("FAULT_SLEEP_S", 15);
	struct session ss;
	struct buf text;

	buf_init(&text);
	make_text(&text, 4000, 11, 40);
	EXPECT(session_open(&ss, STORE_SCRIPT, text.len, NULL));
	if (ss.open) {
		client_paste(&ss.client, text.data, 2000);
		if (server_sleeps) {
			kill(ss.server.pid, SIGSTOP);
			client_run(&ss.client, 1000);
			client_paste(&ss.client, text.data + 2000, 1000);
			client_run(&ss.client, (int)seconds * 1000 - 1000);
			kill(ss.server.pid, SIGCONT);
		} else {
			client_run(&ss.client, 300);
			sleep((unsigned)seconds);	/* the client's process does nothing */
			client_paste(&ss.client, text.data + 2000, 1000);
		}
		client_paste(&ss.client, text.data + 3000, 1000);
		EXPECT(wait_all_acked(&ss.client, 30000));
		printf("figure: %s asleep %ld s: session recovered\n",
		       server_sleeps ? "server" : "client", seconds);
	}
	session_close(&ss, &text);
	buf_free(&text);
}

TEST(server_stopped_then_continued)
{
	sleep_test(true);
}

TEST(client_asleep_then_awake)
{
	sleep_test(false);
}

TEST(total_outage_then_recovery)
{
	long seconds = env_long("FAULT_OUTAGE_S", 10);
	struct link_params params = { 0 };
	struct session ss;
	struct buf text;

	buf_init(&text);
	make_text(&text, 3000, 13, 60);
	EXPECT(session_open(&ss, STORE_SCRIPT, text.len, "delay=5"));
	if (ss.open) {
		client_paste(&ss.client, text.data, 1000);
		params.delay_ms = 5;
		params.outage = true;
		transport_set_link(client_transport(&ss.client), &params);
		client_paste(&ss.client, text.data + 1000, 1000);
		client_run(&ss.client, (int)seconds * 1000);
		EXPECT(!client_all_acked(&ss.client));
		params.outage = false;
		transport_set_link(client_transport(&ss.client), &params);
		client_paste(&ss.client, text.data + 2000, 1000);
		EXPECT(wait_all_acked(&ss.client, 60000));
		printf("figure: outage of %ld s: session recovered\n", seconds);
	}
	session_close(&ss, &text);
	buf_free(&text);
}

TEST(a_megabyte_bracketed_paste_arrives_once)
{
	struct session ss;
	struct buf text, inner;
	uint64_t start;

	buf_init(&text);
	buf_init(&inner);
	make_text(&inner, 1 << 20, 17, 80);
	buf_put_str(&text, "\033[200~");
	buf_put(&text, inner.data, inner.len);
	buf_put_str(&text, "\033[201~");
	EXPECT(session_open(&ss, STORE_SCRIPT, text.len, NULL));
	if (ss.open) {
		start = clock_ms();
		client_paste(&ss.client, text.data, text.len);
		EXPECT(wait_all_acked(&ss.client, 120000));
		printf("figure: 1 MB bracketed paste acknowledged in %.1f s\n",
		       (double)(clock_ms() - start) / 1000);
	}
	session_close(&ss, &text);
	buf_free(&text);
	buf_free(&inner);
}

TEST(resize_storm_ends_at_the_last_size)
{
	struct session ss;
	uint32_t x = 12345;
	const struct fb *fb;

	EXPECT(session_open(&ss, "stty raw -echo; echo READY; head -c 1 >/dev/null; stty size; "
				 "echo SIZED; head -c %zu >/dev/null%.0s", 1, NULL));
	if (ss.open) {
		for (int i = 0; i < 2000; i++) {
			x = x * 1103515245u + 12345u;
			client_resize(&ss.client, 1 + (int)(x >> 8) % 400, 1 + (int)(x >> 20) % 150);
			if (i % 50 == 0)
				client_run(&ss.client, 2);
		}
		client_resize(&ss.client, 97, 31);
		client_type(&ss.client, "s", 1);
		EXPECT(client_wait_for_text(&ss.client, "31 97", 20000));
		fb = client_sync_screen(ss.client.sync);
		EXPECT(fb && fb_cols(fb) == 97 && fb_rows(fb) == 31);
	}
	session_close(&ss, NULL);
}

TEST(a_program_writing_a_gigabyte_keeps_server_memory_bounded)
{
	long bytes = env_long("FAULT_FLOOD_BYTES", 1000000000L);
	char script[400];
	struct session ss;
	uint64_t start;
	long rss;

#if defined(__SANITIZE_ADDRESS__)
	/* ASan keeps freed blocks in a quarantine (256 MB by default) that a
	 * gigabyte of churn fills: the server's RSS would measure the
	 * quarantine, not the server. A small one keeps the bound meaningful. */
	setenv("ASAN_OPTIONS", "quarantine_size_mb=8", 1);
#endif
	snprintf(script, sizeof script,
		 "stty raw -echo; echo READY; head -c 1 >/dev/null; "
		 "yes 'a program writing as fast as it can 0123456789' | head -c %ld; "
		 "echo; echo FLOOD-DONE; head -c %%zu >/dev/null%%.0s", bytes);
	EXPECT(session_open(&ss, script, 1, NULL));
	if (ss.open) {
		start = clock_ms();
		client_type(&ss.client, "go", 1);
		EXPECT(client_wait_for_text(&ss.client, "FLOOD-DONE", 600000));
		rss = peak_rss_kb(ss.server.pid);
		printf("figure: program wrote %ld bytes in %.1f s; server peak RSS %ld kB\n", bytes,
		       (double)(clock_ms() - start) / 1000, rss);
		EXPECT(rss > 0 && rss < 64 * 1024);
	}
	session_close(&ss, NULL);
}

/* Random link conditions, changed every few seconds, while text is typed;
 * the program prints what it receives, so the final screen must be exactly
 * what a terminal shows for that output, and the file what was typed. */
TEST(random_link_faults_lose_nothing)
{
	long seconds = env_long("FAULT_RANDOM_S", 20);
	struct session ss;
	struct buf text, expected, screen;
	struct link_params params = { 0 };
	struct emu *emu;
	uint64_t end, next_change = 0;
	uint32_t x = 777;
	size_t off = 0, changes = 0, hops = 0;
	bool same = false;

	buf_init(&text);
	buf_init(&expected);
	buf_init(&screen);
	/* About 40 bytes a second, in bursts, for the whole time. */
	make_text(&text, (size_t)seconds * 40, 19, 67);
	EXPECT(session_open(&ss, "stty raw -echo; echo READY; head -c %zu | tee '%s'; echo STORED; "
				 "head -c 1 >/dev/null", text.len, NULL));
	end = clock_ms() + (uint64_t)seconds * 1000;
	while (ss.open && clock_ms() < end) {
		x = x * 1103515245u + 12345u;
		if (clock_ms() >= next_change) {
			params.loss = (double)(x >> 8 & 63) / 128;
			params.dup = (double)(x >> 14 & 31) / 100;
			params.reorder = (double)(x >> 19 & 31) / 100;
			params.delay_ms = x >> 24 & 255;
			params.jitter_ms = params.delay_ms / 2;
			params.outage = (x & 15) == 0;
			params.seed = x;
			transport_set_link(client_transport(&ss.client), &params);
			if ((x >> 4 & 7) == 0 && transport_change_port(client_transport(&ss.client)))
				hops++;
			next_change = clock_ms() + 1000 + (x >> 4) % 4000;
			changes++;
		}
		if (off < text.len) {
			size_t n = 1 + (x >> 12) % 40;
			n = n < text.len - off ? n : text.len - off;
			client_paste(&ss.client, text.data + off, n);
			off += n;
		}
		client_run(&ss.client, 500);
	}
	if (ss.open) {
		if (off < text.len)
			client_paste(&ss.client, text.data + off, text.len - off);
		params = (struct link_params){ .delay_ms = 20 };
		transport_set_link(client_transport(&ss.client), &params);
		EXPECT(wait_all_acked(&ss.client, 120000));
		buf_put_str(&expected, "READY\n");
		buf_put(&expected, text.data, text.len);
		buf_put_str(&expected, "STORED\n");
		emu = emu_new(SSPSH_DEFAULT_COLS, SSPSH_DEFAULT_ROWS);
		EXPECT(emu != NULL);
		if (emu) {
			struct buf want;

			buf_init(&want);
			emu_write(emu, expected.data, expected.len);
			dump_screen(emu_fb(emu), &want);
			buf_put_u8(&want, 0);
			for (uint64_t stop = clock_ms() + 30000; !same && clock_ms() < stop;) {
				client_run(&ss.client, 50);
				client_screen(&ss.client, &screen);
				same = strcmp((const char *)screen.data, (const char *)want.data) == 0;
			}
			buf_free(&want);
			emu_free(emu);
		}
		EXPECT(same);
		printf("figure: %ld s of random link faults (%zu changes, %zu port hops, "
		       "%" PRIu64 " client datagrams sent): %zu bytes typed, final screen %s\n",
		       seconds, changes, hops, transport_counters(client_transport(&ss.client))->datagrams_sent,
		       text.len, same ? "exact" : "DIFFERENT");
	}
	session_close(&ss, &text);
	buf_free(&text);
	buf_free(&expected);
	buf_free(&screen);
}

static bool wanted(int argc, char **argv, const char *name)
{
	return argc < 2 || strstr(name, argv[1]) != NULL;
}

#define RUN_IF(fn) do { if (wanted(argc, argv, #fn)) RUN(fn); } while (0)

int main(int argc, char **argv)
{
	signal(SIGPIPE, SIG_IGN);
	if (!getenv("SSPSH")) {
		printf("SKIP test_faults: SSPSH does not name an sspsh binary (run through make check)\n");
		return 0;
	}
	RUN_IF(loss_of_half_each_way_a_5000_byte_paste_arrives_once);
	RUN_IF(reordering_and_duplication_deliver_keys_once_in_order);
	RUN_IF(a_hundred_client_port_changes);
	RUN_IF(a_megabyte_bracketed_paste_arrives_once);
	RUN_IF(resize_storm_ends_at_the_last_size);
	RUN_IF(a_program_writing_a_gigabyte_keeps_server_memory_bounded);
	RUN_IF(server_stopped_then_continued);
	RUN_IF(client_asleep_then_awake);
	RUN_IF(total_outage_then_recovery);
	RUN_IF(random_link_faults_lose_nothing);
	return unit_exit_status();
}
