/* The exit statuses sspsh gives back, as ssh does: the remote program's
 * own status when a session ends normally, 2 for a usage error, 255 when
 * the connection could not be made or was lost. */
#ifndef SSPSH_EXIT_STATUS_H
#define SSPSH_EXIT_STATUS_H

#define EXIT_USAGE 2
#define EXIT_CONNECTION 255

#endif
