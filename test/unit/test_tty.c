/* core/tty: raw mode on a pseudo-terminal, and the modes given back. */
#include <pty.h>
#include <termios.h>
#include <unistd.h>

#include "core/log.h"
#include "core/tty.h"
#include "test/unit/unit.h"

static bool same_modes(const struct termios *a, const struct termios *b)
{
	return a->c_iflag == b->c_iflag && a->c_oflag == b->c_oflag &&
	       a->c_lflag == b->c_lflag && a->c_cflag == b->c_cflag;
}

TEST(raw_mode_and_back)
{
	struct termios before, during, after;
	struct winsize ws = { .ws_row = 30, .ws_col = 100 };
	int master, slave, cols = 0, rows = 0;

	if (openpty(&master, &slave, NULL, NULL, &ws) != 0)
		SKIP("no pseudo-terminals");
	tcgetattr(slave, &before);
	EXPECT(before.c_lflag & ICANON);
	EXPECT(tty_raw(slave));
	tcgetattr(slave, &during);
	EXPECT(!(during.c_lflag & (ICANON | ECHO | ISIG)));
	EXPECT(tty_size(slave, &cols, &rows));
	EXPECT_INT(cols, 100);
	EXPECT_INT(rows, 30);
	tty_restore();
	tcgetattr(slave, &after);
	EXPECT(same_modes(&before, &after));
	close(slave);
	close(master);
}

/* Asking twice must not take the raw modes for the ones to give back. */
TEST(raw_twice_still_gives_the_first_modes_back)
{
	struct termios before, after;
	int master, slave;

	if (openpty(&master, &slave, NULL, NULL, NULL) != 0)
		SKIP("no pseudo-terminals");
	tcgetattr(slave, &before);
	EXPECT(tty_raw(slave));
	EXPECT(tty_raw(slave));
	tty_restore();
	tcgetattr(slave, &after);
	EXPECT(same_modes(&before, &after));
	close(slave);
	close(master);
}

TEST(not_a_terminal_is_refused)
{
	int fds[2];

	if (pipe(fds) != 0)
		SKIP("no pipes");
	log_set_stream(NULL);
	EXPECT(!tty_raw(fds[0]));
	log_set_stream(stderr);
	tty_restore();	/* nothing to give back: harmless */
	close(fds[0]);
	close(fds[1]);
}

int main(void)
{
	RUN(raw_mode_and_back);
	RUN(raw_twice_still_gives_the_first_modes_back);
	RUN(not_a_terminal_is_refused);
	return unit_exit_status();
}
