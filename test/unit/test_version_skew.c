/* core/version_skew: what connect does about a server of another protocol. */
#include <stdio.h>
#include <string.h>

#include "core/options.h"
#include "core/version_skew.h"
#include "test/unit/unit.h"

static struct bootstrap_connect server(unsigned protocol, const char *version, const char *exe)
{
	struct bootstrap_connect c;

	memset(&c, 0, sizeof c);
	c.protocol = protocol;
	snprintf(c.version, sizeof c.version, "%s", version);
	snprintf(c.exe, sizeof c.exe, "%s", exe);
	return c;
}

TEST(the_same_protocol_goes_on)
{
	struct bootstrap_connect c = server(SSPSH_PROTOCOL_VERSION, "0.0.1", "/usr/bin/sspsh");
	char msg[400];

	EXPECT_INT(skew_judge(&c, "h", true, msg, sizeof msg), SKEW_NONE);
	EXPECT_STR(msg, "");
}

TEST(an_older_copy_in_local_bin_is_replaced_only_with_install)
{
	struct bootstrap_connect c = server(SSPSH_PROTOCOL_VERSION + 1, "0.0.9", "~/.local/bin/sspsh");
	char msg[400], want[400];

	EXPECT_INT(skew_judge(&c, "h", false, msg, sizeof msg), SKEW_REFUSE);
	snprintf(want, sizeof want, "h's ~/.local/bin/sspsh is sspsh 0.0.9 (protocol %d), this client "
		 "sspsh %s (protocol %d): --install replaces it with this one",
		 SSPSH_PROTOCOL_VERSION + 1, SSPSH_VERSION, SSPSH_PROTOCOL_VERSION);
	EXPECT_STR(msg, want);
	EXPECT_INT(skew_judge(&c, "h", true, msg, sizeof msg), SKEW_REPLACE);
	EXPECT(strstr(msg, "replacing it with this one") != NULL);
	/* A server too old to say its version counts as older. */
	c = server(0, "", "~/.local/bin/sspsh");
	EXPECT_INT(skew_judge(&c, "h", true, msg, sizeof msg), SKEW_REPLACE);
}

TEST(a_copy_elsewhere_on_path_is_never_replaced)
{
	struct bootstrap_connect c = server(SSPSH_PROTOCOL_VERSION + 1, "0.0.9", "/usr/bin/sspsh");
	char msg[400];

	EXPECT_INT(skew_judge(&c, "h", true, msg, sizeof msg), SKEW_REFUSE);
	EXPECT(strstr(msg, "h's /usr/bin/sspsh is sspsh 0.0.9") != NULL);
	EXPECT(strstr(msg, "--install --server=.local/bin/sspsh") != NULL);
	EXPECT(strchr(msg, '\n') == NULL);
}

TEST(a_newer_server_asks_for_a_newer_client)
{
	struct bootstrap_connect c = server(SSPSH_PROTOCOL_VERSION + 1, "99.0.0", "~/.local/bin/sspsh");
	char msg[400];

	EXPECT_INT(skew_judge(&c, "h", true, msg, sizeof msg), SKEW_REFUSE);
	EXPECT(strstr(msg, "update this client to sspsh 99.0.0") != NULL);
}

int main(void)
{
	RUN(the_same_protocol_goes_on);
	RUN(an_older_copy_in_local_bin_is_replaced_only_with_install);
	RUN(a_copy_elsewhere_on_path_is_never_replaced);
	RUN(a_newer_server_asks_for_a_newer_client);
	return unit_exit_status();
}
