#include "core/version_skew.h"

#include <stdio.h>
#include <string.h>

#include "core/install_source.h"
#include "core/options.h"
#include "core/remote_cmd.h"

#define OURS "~/" REMOTE_INSTALL_DIR "/sspsh"

enum skew_action skew_judge(const struct bootstrap_connect *c, const char *host, bool install,
			    char *message, size_t cap)
{
	const char *theirs = c->version[0] ? c->version : "(unknown)";
	const char *where = c->exe[0] ? c->exe : "sspsh";
	bool in_local_bin = strcmp(c->exe, OURS) == 0;
	bool older = !c->version[0] || version_compare(c->version, SSPSH_VERSION) < 0;
	char both[600];

	message[0] = '\0';
	if (c->protocol == SSPSH_PROTOCOL_VERSION)
		return SKEW_NONE;
	snprintf(both, sizeof both, "%s's %s is sspsh %s (protocol %u), this client sspsh %s (protocol %d)",
		 host, where, theirs, c->protocol, SSPSH_VERSION, SSPSH_PROTOCOL_VERSION);
	if (in_local_bin && older && install) {
		snprintf(message, cap, "%s: replacing it with this one", both);
		return SKEW_REPLACE;
	}
	if (in_local_bin && older)
		snprintf(message, cap, "%s: --install replaces it with this one", both);
	else if (older)
		snprintf(message, cap, "%s: update it there, or run this one from ~/" REMOTE_INSTALL_DIR
			 " with --install --server=" REMOTE_INSTALL_DIR "/sspsh", both);
	else
		snprintf(message, cap, "%s: update this client to sspsh %s", both, theirs);
	return SKEW_REFUSE;
}
