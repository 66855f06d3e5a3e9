#include "applets/session/client_sync.h"

#include <stdlib.h>

#include "applets/session/ssp_frame.h"
#include "applets/session/ssp_input.h"
#include "core/log.h"
#include "core/options.h"
#include "net/pump.h"

struct client_sync {
	struct pump *pump;
	struct ssp_input *input;	/* the stream as typed so far */
};

static void *snapshot_input(void *app)
{
	struct client_sync *cs = app;

	return input_snapshot(cs->input);
}

struct client_sync *client_sync_new(struct transport *t)
{
	struct client_sync *cs = calloc(1, sizeof *cs);
	struct pump_config config = {
		.local_ops = &ssp_input_ops,
		.remote_ops = &ssp_frame_ops,
		.pacing = { .ack_delay_ms = SSPSH_ACK_DELAY_MS, .heartbeat_ms = SSPSH_HEARTBEAT_MS,
			    .answer_ack_delay_ms = SSPSH_ANSWER_ACK_DELAY_MS },
		.snapshot = snapshot_input,
		.app = cs,
		.channels = true,
		.role = CHAN_ROLE_CLIENT,
	};

	if (!cs || !(cs->input = input_new())) {
		log_error("out of memory for the client");
		transport_free(t);
		free(cs);
		return NULL;
	}
	cs->pump = pump_new(t, &config, input_new(), ssp_frame_new(NULL, 0, NULL));
	if (!cs->pump) {
		client_sync_free(cs);
		return NULL;
	}
	return cs;
}

void client_sync_free(struct client_sync *cs)
{
	if (!cs)
		return;
	pump_free(cs->pump);
	input_free(cs->input);
	free(cs);
}

struct transport *client_sync_transport(const struct client_sync *cs)
{
	return pump_transport(cs->pump);
}

bool client_sync_type(struct client_sync *cs, const void *keys, size_t len, uint64_t now)
{
	if (!len)
		return true;
	if (!input_add_keys(cs->input, keys, len))
		return false;
	ssp_local_changed(pump_ssp(cs->pump), now, true);
	return true;
}

bool client_sync_resize(struct client_sync *cs, int cols, int rows, uint64_t now)
{
	if (cols > SSPSH_MAX_COLS)
		cols = SSPSH_MAX_COLS;
	if (rows > SSPSH_MAX_ROWS)
		rows = SSPSH_MAX_ROWS;
	if (!input_add_resize(cs->input, cols, rows))
		return false;
	ssp_local_changed(pump_ssp(cs->pump), now, true);
	return true;
}

bool client_sync_setenv(struct client_sync *cs, const char *entry)
{
	return input_add_env(cs->input, entry);
}

bool client_sync_command(struct client_sync *cs, char *const *argv, uint64_t now)
{
	if (!input_add_command(cs->input, argv))
		return false;
	ssp_local_changed(pump_ssp(cs->pump), now, true);
	return true;
}

uint64_t client_sync_input_pos(const struct client_sync *cs)
{
	return input_pos(cs->input);
}

bool client_sync_input_room(const struct client_sync *cs)
{
	return input_log_bytes(cs->input) < SSPSH_MAX_UNACKED_INPUT;
}

bool client_sync_all_acked(const struct client_sync *cs)
{
	return input_pos(ssp_acked_local(pump_ssp(cs->pump))) == input_pos(cs->input);
}

unsigned client_sync_receive(struct client_sync *cs, uint64_t now)
{
	return pump_receive(cs->pump, now);
}

void client_sync_tick(struct client_sync *cs, uint64_t now)
{
	input_trim(cs->input, input_pos(ssp_acked_local(pump_ssp(cs->pump))));
	pump_tick(cs->pump, now);
}

uint64_t client_sync_deadline(const struct client_sync *cs, uint64_t now)
{
	return pump_deadline(cs->pump, now);
}

void client_sync_send_now(struct client_sync *cs, uint64_t now)
{
	ssp_send_now(pump_ssp(cs->pump), now);
}

const struct fb *client_sync_screen(const struct client_sync *cs)
{
	return ssp_frame_fb(ssp_remote(pump_ssp(cs->pump)));
}

uint64_t client_sync_echo_ack(const struct client_sync *cs)
{
	return ssp_frame_echo_ack(ssp_remote(pump_ssp(cs->pump)));
}

bool client_sync_ended(const struct client_sync *cs)
{
	return ssp_frame_ended(ssp_remote(pump_ssp(cs->pump)));
}

struct session_end client_sync_end(const struct client_sync *cs)
{
	return ssp_frame_end(ssp_remote(pump_ssp(cs->pump)));
}

struct chan_mux *client_sync_channels(const struct client_sync *cs)
{
	return pump_channels(cs->pump);
}
