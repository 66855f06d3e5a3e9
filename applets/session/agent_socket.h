/* The server's end of -A: the socket a session's program knows as
 * SSH_AUTH_SOCK, in a 0700 directory of its own under $TMPDIR (else /tmp),
 * where sshd puts a forwarded agent too. The path is named when the session
 * starts; the directory and the socket exist only while a client with -A
 * is attached (agent_socket_listen until agent_socket_remove), so a server
 * leaves nothing behind however it ends, unless it was killed (SIGKILL)
 * meanwhile: agent_sockets_sweep, at a server's start, removes what such a
 * server left. */
#ifndef SSPSH_AGENT_SOCKET_H
#define SSPSH_AGENT_SOCKET_H

#include <stdbool.h>
#include <stddef.h>

/* $TMPDIR, else /tmp. */
const char *agent_socket_base(void);
/* A fresh path BASE/sspsh-agent-RANDOM/agent.PID; nothing is created.
 * False (logged) if it does not fit in cap or a unix socket's name. */
bool agent_socket_name(const char *base, char *path, size_t cap);
/* Makes path's directory (0700; an existing one only if it is this user's
 * and 0700) and listens at path (0600), replacing a socket an earlier
 * client left: the listening socket, or -errno. */
int agent_socket_listen(const char *path);
/* Removes the socket at path and its directory, if they are this user's. */
void agent_socket_remove(const char *path);
/* Removes the agent directories under base that a killed server left:
 * this user's, 0700, named as agent_socket_name names them, untouched for
 * SSPSH_AGENT_STALE_S, and holding nothing but sockets named agent.PID
 * that no process listens at (the PID gone, and a connection refused).
 * Returns how many it removed. */
int agent_sockets_sweep(const char *base);

#endif
