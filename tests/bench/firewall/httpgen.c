/* httpgen: HTTP/1.1 load from many source addresses, for the firewall bench.
 *
 * The kernel firewall judges a connection by its source address, so the load cannot carry its
 * client in X-Forwarded-For (as wrk does for tests/bench/apache_bench.py): each connection
 * binds a real source address before connect. Run in a network namespace of its own
 * (tests/bench/firewall_bench.py does), where all of 127.0.0.0/8 is local.
 *
 * C threads, one connection each, blocking sockets. A connection takes a source address out of
 * K (127.1.0.0 + i, i from 0 to K-1; the bench blocks i < its blocklist), picked uniformly by a
 * per-thread xorshift seeded from -S SEED, connects to 127.0.0.1:PORT, sends N keep-alive GETs
 * of PATH one after the other (each waits for its whole reply), closes, and starts again with
 * another address. A connect the kernel answers with a reset counts as refused.
 *
 *   httpgen -p PORT [-c CONNECTIONS] [-d SECONDS] [-k KEYS] [-n REQUESTS_PER_CONNECTION]
 *           [-u PATH] [-S SEED]
 *
 * Prints one line of key=value pairs: requests (complete 2xx replies), rps, refused (connects
 * reset), refused_per_s, errors (other statuses, timeouts, broken connections).
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "../genclock.h"

#define RECV_BUF 16384
#define MAX_THREADS 1024

static int s_port, s_keys = 100000, s_per_connection = 10;
static const char *s_path = "/f.html";
static char s_request[256];
static size_t s_request_len;
static atomic_int s_stop;
static atomic_uint_fast64_t s_requests, s_refused, s_errors;

/* Connects from 127.1.0.0 + index; the socket, -1 when refused (reset), -2 on another error. */
static int connect_from(uint32_t index)
{
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0)
        return -2;
    int one = 1;
    /* The port is picked at connect: many source addresses never run out of ports. */
    setsockopt(fd, IPPROTO_IP, IP_BIND_ADDRESS_NO_PORT, &one, sizeof one);
    struct timeval timeout = {.tv_sec = 5};
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
    setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &timeout, sizeof timeout);
    struct sockaddr_in from = {.sin_family = AF_INET, .sin_addr.s_addr = htonl((127u << 24 | 1u << 16) + index)};
    struct sockaddr_in to = {.sin_family = AF_INET, .sin_port = htons((uint16_t)s_port),
                             .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    if (bind(fd, (struct sockaddr *)&from, sizeof from) < 0) {
        close(fd);
        return -2;
    }
    if (connect(fd, (struct sockaddr *)&to, sizeof to) < 0) {
        int refused = errno == ECONNREFUSED || errno == ECONNRESET;
        close(fd);
        return refused ? -1 : -2;
    }
    return fd;
}

/* Sends one GET and reads its whole reply; 1 for a 2xx, 0 for another status, -1 when broken. */
static int get(int fd, char *buf)
{
    if (send(fd, s_request, s_request_len, MSG_NOSIGNAL) != (ssize_t)s_request_len)
        return -1;
    size_t have = 0;
    char *end = NULL;
    while (end == NULL) {
        if (have == RECV_BUF - 1)
            return -1;
        ssize_t r = recv(fd, buf + have, RECV_BUF - 1 - have, 0);
        if (r <= 0)
            return -1;
        have += (size_t)r;
        buf[have] = '\0';
        end = strstr(buf, "\r\n\r\n");
    }
    size_t header = (size_t)(end - buf) + 4;
    const char *length = strcasestr(buf, "\r\nContent-Length:");
    if (length == NULL || length > end)
        return -1;
    size_t body = strtoul(length + 17, NULL, 10);
    for (size_t left = header + body > have ? header + body - have : 0; left > 0;) {
        ssize_t r = recv(fd, buf, left < RECV_BUF ? left : RECV_BUF, 0);
        if (r <= 0)
            return -1;
        left -= (size_t)r;
    }
    return strncmp(buf, "HTTP/1.1 2", 10) == 0 ? 1 : 0;
}

static void *client(void *arg)
{
    uint64_t state = (uint64_t)(uintptr_t)arg;
    char *buf = malloc(RECV_BUF);
    while (!atomic_load(&s_stop)) {
        int fd = connect_from((uint32_t)(xorshift(&state) % (uint64_t)s_keys));
        if (fd == -1) {
            atomic_fetch_add(&s_refused, 1);
            continue;
        }
        if (fd < 0) {
            atomic_fetch_add(&s_errors, 1);
            continue;
        }
        for (int i = 0; i < s_per_connection && !atomic_load(&s_stop); i++) {
            int got = get(fd, buf);
            if (got == 1) {
                atomic_fetch_add(&s_requests, 1);
            } else {
                atomic_fetch_add(&s_errors, 1);
                if (got < 0)
                    break;
            }
        }
        close(fd);
    }
    free(buf);
    return NULL;
}

int main(int argc, char **argv)
{
    int connections = 20;
    double seconds = 10;
    uint64_t seed = 1;
    int opt;
    while ((opt = getopt(argc, argv, "p:c:d:k:n:u:S:")) != -1) {
        switch (opt) {
        case 'p': s_port = atoi(optarg); break;
        case 'c': connections = atoi(optarg); break;
        case 'd': seconds = atof(optarg); break;
        case 'k': s_keys = atoi(optarg); break;
        case 'n': s_per_connection = atoi(optarg); break;
        case 'u': s_path = optarg; break;
        case 'S': seed = strtoull(optarg, NULL, 10); break;
        default: goto usage;
        }
    }
    if (s_port <= 0 || s_port > 65535 || connections < 1 || connections > MAX_THREADS || seconds <= 0 ||
        s_keys < 1 || s_keys > 1 << 24 || s_per_connection < 1 || strlen(s_path) > 128)
        goto usage;
    s_request_len = (size_t)snprintf(s_request, sizeof s_request,
                                     "GET %s HTTP/1.1\r\nHost: 127.0.0.1\r\nUser-Agent: httpgen\r\n\r\n", s_path);

    pthread_t threads[MAX_THREADS];
    uint64_t started = now_ns();
    for (int i = 0; i < connections; i++)
        pthread_create(&threads[i], NULL, client, (void *)(uintptr_t)(seed * 7919 + (uint64_t)i + 1) );
    struct timespec wait = {.tv_sec = (time_t)seconds, .tv_nsec = (long)((seconds - (double)(time_t)seconds) * 1e9)};
    nanosleep(&wait, NULL);
    atomic_store(&s_stop, 1);
    double elapsed = (double)(now_ns() - started) / 1e9;
    for (int i = 0; i < connections; i++)
        pthread_join(threads[i], NULL);
    uint64_t requests = atomic_load(&s_requests), refused = atomic_load(&s_refused);
    printf("requests=%llu rps=%.1f refused=%llu refused_per_s=%.1f errors=%llu\n", (unsigned long long)requests,
           (double)requests / elapsed, (unsigned long long)refused, (double)refused / elapsed,
           (unsigned long long)atomic_load(&s_errors));
    return 0;

usage:
    fprintf(stderr, "usage: httpgen -p PORT [-c CONNECTIONS] [-d SECONDS] [-k KEYS] [-n REQUESTS_PER_CONNECTION] "
                    "[-u PATH] [-S SEED]\n");
    return 64;
}
