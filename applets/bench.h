/* Benchmarks run by `sspsh bench NAME`; each lives in applets/bench_NAME.c. */
#ifndef SSPSH_BENCH_H
#define SSPSH_BENCH_H

int bench_channels_main(int argc, char **argv);
int bench_display_main(int argc, char **argv);
int bench_emu_main(int argc, char **argv);
int bench_handshake_main(int argc, char **argv);
int bench_history_main(int argc, char **argv);
int bench_net_main(int argc, char **argv);
int bench_predict_main(int argc, char **argv);
int bench_sessions_main(int argc, char **argv);

#endif
