/* The applets of the multi-call binary. Each lives in applets/<name>.c
 * with its usage text at the top of the file. An applet's main receives
 * argv[0] as its own name. */
#ifndef SSPSH_APPLETS_H
#define SSPSH_APPLETS_H

#include <stdbool.h>

#include "core/exit_status.h"

int server_main(int argc, char **argv);
int connect_main(int argc, char **argv);
int keygen_main(int argc, char **argv);
int bench_main(int argc, char **argv);
int relay_main(int argc, char **argv);
/* ssh's askpass helper (applets/askpass.c): `sspsh PROMPT` run by the
 * relay's ssh, which askpass_wanted recognizes. */
bool askpass_wanted(int argc);
int askpass_main(int argc, char **argv);

extern const char server_usage[];
extern const char connect_usage[];
extern const char keygen_usage[];
extern const char bench_usage[];
extern const char relay_usage[];


#endif
