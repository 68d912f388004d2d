/* floor_common.h: what the two floor servers (floor.c on epoll, floor_uring.c on io_uring) share:
 * the command line, the chunk of replies they send from, the descriptor cap and the listener. */
#ifndef FLOOR_COMMON_H
#define FLOOR_COMMON_H

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#define REPLIES_PER_CHUNK 4096

struct floor_setup {
    char *chunk;      /* the reply line repeated REPLIES_PER_CHUNK times */
    size_t reply_len; /* one reply with its LF */
    int max_fd;       /* descriptors at or above it are closed on accept */
    int listener;
};

/* Reads `NAME SOCKET_PATH [REPLY]` and listens on SOCKET_PATH with socket_flags (SOCK_NONBLOCK or
 * 0) besides SOCK_CLOEXEC. Returns 0, or the exit status after saying why on stderr. */
static int floor_start(int argc, char **argv, const char *name, int socket_flags, struct floor_setup *out)
{
    if (argc < 2 || argc > 3) {
        fprintf(stderr, "usage: %s SOCKET_PATH [REPLY]\n", name);
        return 64;
    }
    const char *reply = argc == 3 ? argv[2] : "1";
    out->reply_len = strlen(reply) + 1;
    out->chunk = malloc(out->reply_len * REPLIES_PER_CHUNK);
    for (int i = 0; i < REPLIES_PER_CHUNK; i++) {
        memcpy(out->chunk + (size_t)i * out->reply_len, reply, out->reply_len - 1);
        out->chunk[(size_t)i * out->reply_len + out->reply_len - 1] = '\n';
    }
    struct rlimit rl;
    getrlimit(RLIMIT_NOFILE, &rl);
    out->max_fd = rl.rlim_cur > 65536 ? 65536 : (int)rl.rlim_cur;

    struct sockaddr_un a = {.sun_family = AF_UNIX};
    if (strlen(argv[1]) >= sizeof a.sun_path) {
        fprintf(stderr, "%s: socket path too long\n", name);
        return 64;
    }
    strcpy(a.sun_path, argv[1]);
    unlink(argv[1]);
    out->listener = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | socket_flags, 0);
    if (out->listener < 0 || bind(out->listener, (struct sockaddr *)&a, sizeof a) < 0 || listen(out->listener, 511) < 0) {
        fprintf(stderr, "%s: listen: %s\n", name, strerror(errno));
        return 1;
    }
    return 0;
}

#endif
