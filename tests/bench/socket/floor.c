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
#include <sys/epoll.h>

#include "floor_common.h"

static uint64_t *s_pending; /* per fd: replies owed but not yet written (peer slow to read) */
static size_t *s_partial;   /* per fd: bytes of the first owed reply already written */
static struct floor_setup s_floor;

/* Writes the replies owed to fd; returns 0 when all went, 1 when the socket is full, -1 on
 * error. A short write may split a reply: s_partial[fd] bytes of it are already sent. */
static int flush(int fd)
{
    while (s_pending[fd] > 0) {
        uint64_t count = s_pending[fd] < REPLIES_PER_CHUNK ? s_pending[fd] : REPLIES_PER_CHUNK;
        size_t off = s_partial[fd];
        ssize_t w = send(fd, s_floor.chunk + off, count * s_floor.reply_len - off, MSG_NOSIGNAL | MSG_DONTWAIT);
        if (w < 0) {
            if (errno == EINTR)
                continue;
            return errno == EAGAIN ? 1 : -1;
        }
        size_t sent = off + (size_t)w;
        s_pending[fd] -= sent / s_floor.reply_len;
        s_partial[fd] = sent % s_floor.reply_len;
    }
    return 0;
}

int main(int argc, char **argv)
{
    int status = floor_start(argc, argv, "floor", SOCK_NONBLOCK, &s_floor);
    if (status != 0)
        return status;
    s_pending = calloc((size_t)s_floor.max_fd, sizeof *s_pending);
    s_partial = calloc((size_t)s_floor.max_fd, sizeof *s_partial);
    int lfd = s_floor.listener;
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
                    if (c >= s_floor.max_fd) {
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
