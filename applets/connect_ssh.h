/* `sspsh connect [options] [user@]host [-- command...]`: start the server
 * over the user's ssh, read its port and key from ssh's output, and open the
 * UDP session to it. Its options are listed in CONNECT_SSH_USAGE, which
 * connect.c's usage text includes. */
#ifndef SSPSH_CONNECT_SSH_H
#define SSPSH_CONNECT_SSH_H

#include <stdbool.h>

/* The options of this form, for connect's usage text. */
#define CONNECT_SSH_USAGE \
"  --ssh=COMMAND       ssh and its options, e.g. --ssh=\"ssh -p 2222 -i key\"\n" \
"                      (default: ssh; split into words here, not by a shell)\n" \
"  --server=COMMAND    remote sspsh path or command (default: sspsh on PATH,\n" \
"                      else ~/.local/bin/sspsh)\n" \
"  --install           if HOST has no sspsh, copy this one to ~/.local/bin/sspsh\n" \
"                      over the same ssh login (same system and machine type)\n" \
"  -p PORT|LOW:HIGH    server UDP port, or a range to pick a free one from\n" \
"  --remote-ip=WHERE   server address: remote (default: the address ssh reached,\n" \
"                      as the server saw it), local (resolve HOST here, e.g.\n" \
"                      behind a jump host), or a numeric address\n" \
"  --transport=HOW     auto (default): UDP, and through ssh (`sspsh relay` on\n" \
"                      HOST) while UDP gets no answer; udp: UDP only; ssh:\n" \
"                      always through ssh (where only ssh's port is open)\n" \
"  -4, -6              IPv4 or IPv6 only (for ssh and for the session)\n" \
"  -v                  say what is going on\n"

/* True unless argv asks for another form (--direct, --local). */
bool connect_ssh_wanted(int argc, char **argv);
int connect_ssh_main(int argc, char **argv);

#endif
