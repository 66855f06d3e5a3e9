/* The client's side of the SSH-free handshake (net/noise.h) on its own UDP
 * socket, or through a relay (the framed pipe to `ssh HOST sspsh relay`,
 * net/dgram_path.h): learning the server's key, one blocking handshake
 * that carries a session request (net/session_msg.h), and rekeying an open
 * session from the transport's control hooks. */
#ifndef SSPSH_UDP_CLIENT_H
#define SSPSH_UDP_CLIENT_H

#include <stdbool.h>
#include <stdint.h>

#include "core/buf.h"
#include "net/noise.h"
#include "net/session_msg.h"
#include "net/transport.h"
#include "net/udp.h"

/* How the handshakes reach the daemon. */
struct udp_way {
	int fd;				/* the UDP socket */
	const struct udp_addr *server;
	struct dgram_path *relay;	/* the relay in use; NULL: UDP */
	/* --transport=auto: once UDP has been silent SSPSH_RELAY_FALLBACK_MS
	 * into an exchange, fallback(fallback_ctx) gives the relay to use from
	 * then on (NULL: UDP still), and the exchange starts over on it. */
	struct dgram_path *(*fallback)(void *ctx);
	void *fallback_ctx;
	bool try_udp;			/* the session on a relay offers UDP and moves back */
	/* What ended an exchange early: the relay the fallback gave up on
	 * (said by the fallback) or one that broke (said when it did), or
	 * SIGINT, SIGQUIT, SIGTERM or SIGHUP, caught with
	 * core/signals.h while a relay's ssh may run (not said). */
	bool relay_failed;
	int stop_signal;
};

/* Asks the server for its key, naming ours (client_pub), until it answers,
 * timeout_ms pass or the way says to stop (relay_failed, stop_signal). A server that does not know our key never answers:
 * after SSPSH_NO_CONTACT_NOTICE_MS of silence, silence_note is logged (a
 * line saying where and what is likely wrong), once; NULL: nothing. */
bool udp_fetch_server_key(struct udp_way *way, const uint8_t client_pub[X25519_KEY_LEN],
			  uint8_t pub[X25519_KEY_LEN], int timeout_ms, const char *silence_note);

/* Sends the request in a handshake (again every SSPSH_HANDSHAKE_RETRY_MS)
 * until the server answers or timeout_ms pass, with silence_note as for
 * udp_fetch_server_key. On success keys hold the session's keys and reply
 * the server's answer (which may be a refusal). False (logged) on silence
 * or a malformed answer. */
bool udp_handshake(struct udp_way *way, struct noise_client *nc,
		   const struct session_request *req, int timeout_ms,
		   const char *silence_note, struct transport_keys *keys, struct session_reply *reply);

/* A session opened: the handshake for req (a new session's command goes
 * later, inside it: client_sync_command), then the session's transport on
 * way's fd, and on its relay if there is one. Takes fd and relay (freed
 * unless the transport has them; way's are cleared). NULL, logged, on
 * silence or a refusal; *answered says whether the server answered at all
 * (which proves it holds its key). */
struct transport *udp_open_session(struct udp_way *way, struct noise_client *nc,
				   const struct session_request *req, const char *silence_note,
				   struct session_reply *reply, bool *answered);

/* Fresh keys for session `id` every SSPSH_REKEY_AFTER_MS or
 * SSPSH_REKEY_AFTER_DATAGRAMS, through t's control hooks. */
struct rekeyer {
	struct noise_client *nc;
	struct transport *t;
	uint64_t session_id;
	uint64_t keys_since_ms;
	uint64_t datagrams_at_keys;	/* sent + received when the keys were made */
	bool in_progress;
	uint64_t sent_ms;
	uint64_t rekeys;		/* completed, for tests and -v */
	struct buf out;
};

/* Hooks r into t (r must outlive t's use). */
void rekeyer_start(struct rekeyer *r, struct noise_client *nc, struct transport *t, uint64_t session_id);
void rekeyer_stop(struct rekeyer *r);

#endif
