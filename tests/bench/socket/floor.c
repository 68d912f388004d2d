/* floor: the physical floor of a line request/reply protocol over a Unix stream socket.
 *
 * One thread, one level-triggered epoll loop, non-blocking sockets. Every LF received is
 * answered with the same fixed line; the request is not parsed. All the replies a read
 * calls for go out in one write. Nothing a real server could skip is left to skip.
 *
 *   floor SOCKET_PATH [REPLY]     (REPLY default "1", the line sent without its LF)
 *
 * Runs until killed (SIGTERM).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#define REPLIES_PER_CHUNK 4096

static char *s_chunk;       /* the reply repeated REPLIES_PER_CHUNK times */
static size_t s_reply_len;
static uint64_t *s_pending; /* per fd: replies owed but not yet written (peer slow to read) */
static size_t *s_partial;   /* per fd: bytes of the first owed reply already written */
static int s_max_fd;

/* Writes the replies owed to fd; returns 0 when all went, 1 when the socket is full, -1 on
 * error. A short write may split a reply: s_partial[fd] bytes of it are already sent. */
static int flush(int fd)
{
    while (s_pending[fd] > 0) {
        uint64_t count = s_pending[fd] < REPLIES_PER_CHUNK ? s_pending[fd] : REPLIES_PER_CHUNK;
        size_t off = s_partial[fd];
        ssize_t w = send(fd, s_chunk + off, count * s_reply_len - off, MSG_NOSIGNAL | MSG_DONTWAIT);
        if (w < 0) {
            if (errno == EINTR)
                continue;
            return errno == EAGAIN ? 1 : -1;
        }
        size_t sent = off + (size_t)w;
        s_pending[fd] -= sent / s_reply_len;
        s_partial[fd] = sent % s_reply_len;
    }
    return 0;
}

int main(int argc, char **argv)
{
    if (argc < 2 || argc > 3) {
        fprintf(stderr, "usage: floor SOCKET_PATH [REPLY]\n");
        return 64;
    }
    const char *reply = argc == 3 ? argv[2] : "1";
    s_reply_len = strlen(reply) + 1;
    s_chunk = malloc(s_reply_len * REPLIES_PER_CHUNK);
    for (int i = 0; i < REPLIES_PER_CHUNK; i++) {
        memcpy(s_chunk + (size_t)i * s_reply_len, reply, s_reply_len - 1);
        s_chunk[(size_t)i * s_reply_len + s_reply_len - 1] = '\n';
    }
    struct rlimit rl;
    getrlimit(RLIMIT_NOFILE, &rl);
    s_max_fd = rl.rlim_cur > 65536 ? 65536 : (int)rl.rlim_cur;
    s_pending = calloc((size_t)s_max_fd, sizeof *s_pending);
    s_partial = calloc((size_t)s_max_fd, sizeof *s_partial);

    struct sockaddr_un a = {.sun_family = AF_UNIX};
    if (strlen(argv[1]) >= sizeof a.sun_path) {
        fprintf(stderr, "floor: socket path too long\n");
        return 64;
    }
    strcpy(a.sun_path, argv[1]);
    unlink(argv[1]);
    int lfd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (lfd < 0 || bind(lfd, (struct sockaddr *)&a, sizeof a) < 0 || listen(lfd, 511) < 0) {
        perror("floor: listen");
        return 1;
    }
    int ep = epoll_create1(EPOLL_CLOEXEC);
    struct epoll_event ev = {.events = EPOLLIN, .data.fd = lfd};
    epoll_ctl(ep, EPOLL_CTL_ADD, lfd, &ev);

    static char buf[65536];
    struct epoll_event events[256];
    for (;;) {
        int n = epoll_wait(ep, events, 256, -1);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            perror("floor: epoll_wait");
            return 1;
        }
        for (int i = 0; i < n; i++) {
            int fd = events[i].data.fd;
            if (fd == lfd) {
                int c;
                while ((c = accept4(lfd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC)) >= 0) {
                    if (c >= s_max_fd) {
                        close(c);
                        continue;
                    }
                    s_pending[c] = 0;
                    s_partial[c] = 0;
                    struct epoll_event cev = {.events = EPOLLIN, .data.fd = c};
                    epoll_ctl(ep, EPOLL_CTL_ADD, c, &cev);
                }
                continue;
            }
            int closing = 0;
            if (events[i].events & EPOLLIN) {
                ssize_t r = recv(fd, buf, sizeof buf, MSG_DONTWAIT);
                if (r == 0 || (r < 0 && errno != EAGAIN && errno != EINTR)) {
                    closing = 1;
                } else if (r > 0) {
                    char *p = buf, *end = buf + r;
                    while ((p = memchr(p, '\n', (size_t)(end - p))) != NULL) {
                        s_pending[fd]++;
                        p++;
                    }
                }
            } else if (events[i].events & (EPOLLHUP | EPOLLERR)) {
                closing = 1;
            }
            if (!closing && s_pending[fd] > 0) {
                int f = flush(fd);
                if (f < 0) {
                    closing = 1;
                } else {
                    /* Wait for room only while replies are owed. */
                    struct epoll_event cev = {.events = f ? EPOLLIN | EPOLLOUT : EPOLLIN, .data.fd = fd};
                    if (f || (events[i].events & EPOLLOUT))
                        epoll_ctl(ep, EPOLL_CTL_MOD, fd, &cev);
                }
            } else if (!closing && (events[i].events & EPOLLOUT)) {
                struct epoll_event cev = {.events = EPOLLIN, .data.fd = fd};
                epoll_ctl(ep, EPOLL_CTL_MOD, fd, &cev);
            }
            if (closing) {
                epoll_ctl(ep, EPOLL_CTL_DEL, fd, NULL);
                close(fd);
                s_pending[fd] = 0;
            }
        }
    }
}
