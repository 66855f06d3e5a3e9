/* `sspsh connect --udp`: SSH-free sessions with `sspsh server --listen`
 * (applets/connect_udp.c). */
#ifndef SSPSH_CONNECT_UDP_H
#define SSPSH_CONNECT_UDP_H

#define CONNECT_UDP_USAGE \
"usage: sspsh connect --udp [USER@]HOST[:PORT] [OPTIONS] [-- COMMAND [ARG]...]\n" \
"\n" \
"Talks to the daemon of `sspsh server --listen` on HOST (port 60000 by\n" \
"default) with no ssh at all. Without --list or --attach it starts a new\n" \
"session running COMMAND (default: the login shell). Sessions outlive their\n" \
"client: Ctrl-^ . detaches, and --attach takes a session back.\n" \
"\n" \
"  -i FILE             identity (default ~/.sspsh/id_x25519, made by sspsh keygen;\n" \
"                      its .pub line goes in the server's ~/.sspsh/authorized_keys)\n" \
"  --server-key KEY    the server's public key (base64, or its whole .pub line);\n" \
"                      otherwise it is pinned in ~/.sspsh/known_hosts on first use\n" \
"  --list              show this key's sessions: ID, age, idle time, state, command\n" \
"  --attach [ID]       take over session ID (default: the most recently detached);\n" \
"                      a client still attached to it is told and exits\n" \
"  --predict=MODE      local echo: adaptive (default), always or never\n"

int connect_udp_main(int argc, char **argv);

#endif
