/* What the client of an SSH-free session sends inside it for its program:
 * INPUT_ENV events take only locale variables, a diff with anything else
 * is refused, and a session's program gets at most SSPSH_SESSION_ENV_MAX of
 * them however many a hostile client sends, with the window size the
 * client last sent; the command (INPUT_COMMAND) within its bounds, the
 * first one sent. */
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "applets/session/client_sync.h"
#include "applets/session/server_session.h"
#include "applets/session/ssp_input.h"
#include "core/clock.h"
#include "core/dying.h"
#include "core/options.h"
#include "net/transport.h"
#include "test/unit/unit.h"

#define PORT_LOW 63420
#define PORT_HIGH 63459

static bool valid(const char *entry)
{
	return input_env_valid((const uint8_t *)entry, strlen(entry));
}

TEST(only_locale_variables_are_taken)
{
	char longest[SSPSH_SESSION_ENV_LEN_MAX + 2];

	EXPECT(valid("LANG=en_US.UTF-8"));
	EXPECT(valid("LC_ALL=C.UTF-8"));
	EXPECT(valid("LC_TIME=en_GB.UTF-8@euro"));
	EXPECT(valid("LANG="));
	EXPECT(!valid("PATH=/tmp"));
	EXPECT(!valid("LD_PRELOAD=x.so"));
	EXPECT(!valid("LC_=x"));
	EXPECT(!valid("LC_time=x"));
	EXPECT(!valid("LANG"));
	EXPECT(!valid("LANG=a b"));
	EXPECT(!valid("LANG=$(reboot)"));
	EXPECT(!valid("LANG=x\n"));
	memset(longest, 'a', sizeof longest);
	memcpy(longest, "LANG=", 5);
	longest[SSPSH_SESSION_ENV_LEN_MAX] = '\0';
	EXPECT(valid(longest));
	longest[SSPSH_SESSION_ENV_LEN_MAX] = 'a';
	longest[SSPSH_SESSION_ENV_LEN_MAX + 1] = '\0';
	EXPECT(!valid(longest));
}

TEST(a_diff_with_another_variable_is_refused)
{
	struct ssp_input *base = input_new(), *got;
	const uint8_t evil[] = "E\x0aPATH=/tmp";
	const uint8_t good[] = "E\x0bLANG=C.UTF8";
	struct input_event ev;
	uint64_t cursor = 0;

	EXPECT(ssp_input_ops.apply(base, evil, sizeof evil - 1) == NULL);
	got = ssp_input_ops.apply(base, good, sizeof good - 1);
	EXPECT(got != NULL);
	EXPECT(got && input_next_event(got, &cursor, &ev));
	EXPECT_INT(ev.type, INPUT_ENV);
	EXPECT_MEM(ev.keys, "LANG=C.UTF8", 11);
	EXPECT(!input_add_env(base, "HOME=/root"));
	input_free(got);
	input_free(base);
}

static char *const *words(int n, size_t each)
{
	static char *argv[SSPSH_SESSION_MAX_ARGS + 2];
	static char word[SSPSH_SESSION_COMMAND_MAX + 2];

	memset(word, 'w', each);
	word[each] = '\0';
	for (int i = 0; i < n; i++)
		argv[i] = word;
	argv[n] = NULL;
	return argv;
}

TEST(a_command_has_bounds_on_both_sides)
{
	struct ssp_input *base = input_new(), *got;
	const uint8_t unended[] = "C\x05sh\0-c";
	const uint8_t two[] = "C\x06sh\0-c\0";
	struct input_event ev;
	uint64_t cursor = 0;

	EXPECT(input_command_fits(NULL));
	EXPECT(input_command_fits(words(SSPSH_SESSION_MAX_ARGS, 1)));
	EXPECT(!input_command_fits(words(SSPSH_SESSION_MAX_ARGS + 1, 1)));
	EXPECT(input_command_fits(words(1, SSPSH_SESSION_COMMAND_MAX - 1)));
	EXPECT(!input_command_fits(words(1, SSPSH_SESSION_COMMAND_MAX)));
	EXPECT(!input_add_command(base, words(1, SSPSH_SESSION_COMMAND_MAX)));
	EXPECT(ssp_input_ops.apply(base, unended, sizeof unended - 1) == NULL);
	got = ssp_input_ops.apply(base, two, sizeof two - 1);
	EXPECT(got && input_next_event(got, &cursor, &ev));
	EXPECT_INT(ev.type, INPUT_COMMAND);
	EXPECT_INT(ev.len, 6);
	input_free(got);
	input_free(base);
}

/* What a hostile client can put on the wire past input_command_fits. */
TEST(a_hostile_command_past_the_bounds_is_refused)
{
	static uint8_t diff[SSPSH_SESSION_COMMAND_MAX + 16];
	struct ssp_input *base = input_new();
	size_t n = 0;

	diff[n++] = INPUT_COMMAND;
	diff[n++] = (uint8_t)(0x80 | ((SSPSH_SESSION_COMMAND_MAX + 1) & 0x7f));
	diff[n++] = (uint8_t)((SSPSH_SESSION_COMMAND_MAX + 1) >> 7);
	memset(diff + n, 0, SSPSH_SESSION_COMMAND_MAX + 1);	/* that many empty words */
	EXPECT(ssp_input_ops.apply(base, diff, n + SSPSH_SESSION_COMMAND_MAX + 1) == NULL);
	n = 0;
	diff[n++] = INPUT_COMMAND;
	diff[n++] = SSPSH_SESSION_MAX_ARGS + 1;
	memset(diff + n, 0, SSPSH_SESSION_MAX_ARGS + 1);
	EXPECT(ssp_input_ops.apply(base, diff, n + SSPSH_SESSION_MAX_ARGS + 1) == NULL);
	input_free(base);
}

/* Runs both ends until the server session has taken the client's input. */
static void exchange(struct client_sync *client, struct server_session *server)
{
	uint64_t start = clock_ms();

	client_sync_send_now(client, clock_ms());
	while (clock_ms() - start < 1500) {
		uint64_t now = clock_ms();
		server_session_receive(server, now);
		server_session_tick(server, now);
		client_sync_receive(client, now);
		client_sync_tick(client, now);
		if (client_sync_all_acked(client))
			return;
		usleep(2000);
	}
}

/* A session not started yet (80x24) and its client, over loopback: false
 * (the failure noted) if either could not be made. */
static bool pair_open(struct server_session **server, struct client_sync **client)
{
	struct transport_key key;
	struct transport *st, *ct;

	*server = NULL;
	*client = NULL;
	EXPECT(transport_key_generate(&key));
	st = transport_server(&key, "127.0.0.1", PORT_LOW, PORT_HIGH);
	ct = st ? transport_client(&key, "127.0.0.1", transport_local_port(st)) : NULL;
	transport_key_zero(&key);
	*server = st ? server_session_create(80, 24, st) : NULL;
	*client = ct ? client_sync_new(ct) : NULL;
	EXPECT(*server && *client);
	return *server && *client;
}

static void pair_close(struct server_session *server, struct client_sync *client)
{
	struct dying dying;

	client_sync_free(client);
	dying_init(&dying);
	server_session_close(server, &dying, clock_ms());
	dying_finish(&dying);
	dying_free(&dying);
}

TEST(a_hostile_client_gets_its_first_variables_in)
{
	struct server_session *server;
	struct client_sync *client;
	char seen[] = "/tmp/sspsh-env.XXXXXX", command[160], entry[32], line[256];
	int fd = mkstemp(seen), lines = 0, wanted = 0;
	bool size_right = false;
	FILE *f;

	EXPECT(fd >= 0);
	close(fd);
	if (!pair_open(&server, &client)) {
		pair_close(server, client);
		unlink(seen);
		return;
	}
	for (int i = 0; i < 200; i++) {
		snprintf(entry, sizeof entry, "LC_X%c%c=v%d", 'A' + i / 26, 'A' + i % 26, i);
		EXPECT(client_sync_setenv(client, entry));
	}
	EXPECT(client_sync_resize(client, 100, 30, clock_ms()));
	exchange(client, server);
	snprintf(command, sizeof command, "(env; stty size) > %s", seen);
	char *argv[] = { "sh", "-c", command, NULL };
	struct pty_spec spec = { .argv = argv, .path = "/bin/sh" };
	EXPECT(server_session_start(server, &spec, clock_ms()));
	for (int i = 0; i < 200 && !server_session_ended(server); i++) {
		server_session_pty_ready(server, POLLIN, clock_ms());
		server_session_reap(server);
		usleep(10000);
	}
	f = fopen(seen, "r");
	while (f && fgets(line, sizeof line, f)) {
		lines++;
		wanted += strncmp(line, "LC_X", 4) == 0;
		size_right |= strcmp(line, "30 100\n") == 0;
	}
	if (f)
		fclose(f);
	EXPECT(lines > 0);
	EXPECT_INT(wanted, SSPSH_SESSION_ENV_MAX);
	EXPECT(size_right);
	unlink(seen);
	pair_close(server, client);
}

/* The command reaches a session not started yet through the stream; a
 * second one changes nothing. */
TEST(the_first_command_sent_inside_the_session_is_the_programs)
{
	char *first[] = { "sh", "-c", "echo \"$1\"", "sh", "two words", NULL };
	char *second[] = { "reboot", NULL };
	struct server_session *server;
	struct client_sync *client;
	char *const *got;

	if (!pair_open(&server, &client)) {
		pair_close(server, client);
		return;
	}
	EXPECT(server_session_command(server) == NULL);
	EXPECT(client_sync_setenv(client, "LANG=C.UTF-8"));
	EXPECT(client_sync_command(client, first, clock_ms()));
	EXPECT(client_sync_command(client, second, clock_ms()));
	exchange(client, server);
	got = server_session_command(server);
	EXPECT(got != NULL);
	for (int i = 0; got && i < 6; i++)
		EXPECT(first[i] ? got[i] && strcmp(got[i], first[i]) == 0 : got[i] == NULL);
	pair_close(server, client);
}

int main(void)
{
	RUN(only_locale_variables_are_taken);
	RUN(a_diff_with_another_variable_is_refused);
	RUN(a_command_has_bounds_on_both_sides);
	RUN(a_hostile_command_past_the_bounds_is_refused);
	RUN(the_first_command_sent_inside_the_session_is_the_programs);
	RUN(a_hostile_client_gets_its_first_variables_in);
	return unit_exit_status();
}
