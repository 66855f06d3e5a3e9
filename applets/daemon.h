/* `sspsh server --listen`: the SSH-free daemon (applets/daemon.c). */
#ifndef SSPSH_DAEMON_H
#define SSPSH_DAEMON_H

#define DAEMON_USAGE \
"With --listen, runs instead the SSH-free daemon: one UDP port for any number\n" \
"of sessions, each started, listed and taken over by `sspsh connect --udp`.\n" \
"Clients prove themselves with a key listed in ~/.sspsh/authorized_keys (see\n" \
"sspsh keygen); the daemon's own key, ~/.sspsh/host_x25519, is made on first run.\n" \
"SIGHUP rereads authorized_keys.\n" \
"\n" \
"  --listen [ADDR:]PORT  the UDP port (clients try 60000 unless told), on ADDR\n" \
"                        only if given (an IPv6 ADDR in brackets)\n" \
"  --user NAME           started as root: bind, then run as NAME for good.\n" \
"                        The daemon refuses to run as root without it\n" \
"                        (--user root insists on root)\n" \
"  --foreground          stay in the foreground and log to stderr\n" \
"  --scrollback N        lines each session keeps for its clients' own history\n" \
"                        (default 10000; 0: none); a client's --scrollback\n" \
"                        may ask its session for fewer\n" \
"  --max-sessions N      serve at most N sessions (default and most: 4096); a\n" \
"                        client asking for one more is told so in one line\n"

int daemon_main(int argc, char **argv);

#endif
