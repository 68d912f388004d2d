/* linegen: load generator for line protocols over a Unix stream socket.
 *
 * The same generator drives every server of the socket bench (tests/bench/socket_bench.py),
 * so its own cost is the same whichever server it measures. One thread: with one client it
 * does blocking send/recv (two system calls per round trip), with several it runs one epoll
 * loop over all connections (no thread switches inside the generator).
 *
 * Each connection sends a batch of P requests in one write, waits for the P replies (one line
 * each), then sends the next batch, as redis-benchmark -P does (P=1 is ping-pong). Keys are
 * K distinct IPv4 addresses in 10.0.0.0/8, picked uniformly by a per-connection xorshift
 * seeded from -S SEED and the connection number: the same sequence for every server.
 *
 * Templates: tinyfence `HIT spam <ip>\n`, redis `INCR <ip>\r\n` (inline), resp `INCR <ip>` in
 * RESP framing (redis's native form; the reply is `:N\r\n` either way), ping `PING\n`.
 *
 *   linegen -s SOCK [-t tinyfence|redis|resp|ping] [-c CLIENTS] [-P DEPTH] [-d SECONDS]
 *           [-w WARMUP_SECONDS] [-k KEYS] [-S SEED]
 *
 * Prints one line of key=value pairs: replies (all), rps (over the measured window after the
 * warm-up), errors (reply lines starting with "ERR" or "-"), p50_us/p99_us (round trip of a
 * batch, measured window only), gen_cpu_us_per_req (this process's user+system CPU / replies).
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
#include <time.h>
#include <unistd.h>

#include "../genclock.h"

#define MAX_REQUEST 64
#define RECV_BUF 65536

struct conn {
    int fd;
    int outstanding;  /* replies still expected for the batch in flight */
    int line_start;   /* next byte received starts a reply line */
    uint64_t sent_ns;
    uint64_t rng;
};

static const char *s_template = "tinyfence";
static int s_depth = 1;
static char *s_requests;     /* K preformatted requests, MAX_REQUEST bytes apart */
static uint8_t *s_lengths;
static uint32_t s_keys = 100000;
static char *s_batch;

static uint64_t s_replies, s_window_replies, s_errors, s_extra;
static uint64_t s_t_warm, s_t_end;
static char s_first_error[128];

/* Latency histogram in ns: exact below 1024, then 512 sub-buckets per power of two (<0.2 %). */
#define HIST_BUCKETS (1024 + 54 * 512)
static uint64_t s_hist[HIST_BUCKETS];

static int bucket_of(uint64_t v)
{
    if (v < 1024)
        return (int)v;
    int msb = 63 - __builtin_clzll(v);
    if (msb > 63 - 1)
        msb = 62;
    int shift = msb - 9;
    int b = 1024 + (msb - 10) * 512 + (int)((v >> shift) - 512);
    return b < HIST_BUCKETS ? b : HIST_BUCKETS - 1;
}

static double bucket_value(int b)
{
    if (b < 1024)
        return b;
    int k = b - 1024, msb = k / 512 + 10, shift = msb - 9;
    uint64_t m = (uint64_t)(k % 512 + 512);
    return (double)(m << shift) + (double)(1ULL << shift) / 2;
}

static double percentile_us(double q)
{
    uint64_t total = 0;
    for (int i = 0; i < HIST_BUCKETS; i++)
        total += s_hist[i];
    if (total == 0)
        return 0;
    uint64_t rank = (uint64_t)(q * (double)total);
    if (rank >= total)
        rank = total - 1;
    uint64_t seen = 0;
    for (int i = 0; i < HIST_BUCKETS; i++) {
        seen += s_hist[i];
        if (seen > rank)
            return bucket_value(i) / 1000.0;
    }
    return 0;
}

/* A bijection on 24 bits: index i -> distinct host part of 10.0.0.0/8, scattered. */
static uint32_t scatter24(uint32_t i)
{
    uint32_t x = i & 0xFFFFFF;
    x = (x * 0x9E3779u) & 0xFFFFFF; /* odd multiplier: bijective mod 2^24 */
    x ^= x >> 12;
    x = (x * 0x5BD1E5u) & 0xFFFFFF;
    x ^= x >> 11;
    return x;
}

static void build_requests(void)
{
    s_requests = malloc((size_t)s_keys * MAX_REQUEST);
    s_lengths = malloc(s_keys);
    if (!s_requests || !s_lengths) {
        perror("linegen: malloc");
        exit(1);
    }
    for (uint32_t i = 0; i < s_keys; i++) {
        uint32_t h = scatter24(i);
        char *r = s_requests + (size_t)i * MAX_REQUEST;
        int n;
        if (strcmp(s_template, "tinyfence") == 0)
            n = snprintf(r, MAX_REQUEST, "HIT spam 10.%u.%u.%u\n", h >> 16, (h >> 8) & 255, h & 255);
        else if (strcmp(s_template, "redis") == 0)
            n = snprintf(r, MAX_REQUEST, "INCR 10.%u.%u.%u\r\n", h >> 16, (h >> 8) & 255, h & 255);
        else if (strcmp(s_template, "resp") == 0) {
            char ip[16];
            int l = snprintf(ip, sizeof ip, "10.%u.%u.%u", h >> 16, (h >> 8) & 255, h & 255);
            n = snprintf(r, MAX_REQUEST, "*2\r\n$4\r\nINCR\r\n$%d\r\n%s\r\n", l, ip);
        }
        else
            n = snprintf(r, MAX_REQUEST, "PING\n");
        s_lengths[i] = (uint8_t)n;
    }
}

static void send_batch(struct conn *c, uint64_t now)
{
    size_t len = 0;
    for (int i = 0; i < s_depth; i++) {
        uint32_t k = (uint32_t)(xorshift(&c->rng) % s_keys);
        memcpy(s_batch + len, s_requests + (size_t)k * MAX_REQUEST, s_lengths[k]);
        len += s_lengths[k];
    }
    /* Blocking send: the socket's buffer is empty here (every earlier reply came back). */
    size_t off = 0;
    while (off < len) {
        ssize_t w = send(c->fd, s_batch + off, len - off, MSG_NOSIGNAL);
        if (w < 0) {
            if (errno == EINTR)
                continue;
            perror("linegen: send");
            exit(2);
        }
        off += (size_t)w;
    }
    c->outstanding = s_depth;
    c->sent_ns = now;
}

/* Reads what is there (one recv; blocking or not), counts reply lines; returns 1 when the
 * batch in flight is complete. */
static int on_readable(struct conn *c, int flags)
{
    static char buf[RECV_BUF];
    ssize_t n = recv(c->fd, buf, sizeof buf, flags);
    if (n < 0) {
        if (errno == EAGAIN || errno == EINTR)
            return 0;
        perror("linegen: recv");
        exit(2);
    }
    if (n == 0) {
        fprintf(stderr, "linegen: the server closed a connection\n");
        exit(2);
    }
    int lines = 0;
    char *p = buf, *end = buf + n;
    while (p < end) {
        if (c->line_start && (*p == 'E' || *p == '-')) {
            if (s_errors++ == 0) {
                char *nl = memchr(p, '\n', (size_t)(end - p));
                size_t l = (size_t)((nl ? nl : end) - p);
                if (l >= sizeof s_first_error)
                    l = sizeof s_first_error - 1;
                memcpy(s_first_error, p, l);
                s_first_error[l] = 0;
                if (l && s_first_error[l - 1] == '\r')
                    s_first_error[l - 1] = 0;
            }
        }
        char *nl = memchr(p, '\n', (size_t)(end - p));
        if (!nl) {
            c->line_start = 0;
            break;
        }
        lines++;
        c->line_start = 1;
        p = nl + 1;
    }
    if (lines > c->outstanding) {
        s_extra += (uint64_t)(lines - c->outstanding);
        lines = c->outstanding;
    }
    c->outstanding -= lines;
    s_replies += (uint64_t)lines;
    if (c->outstanding > 0)
        return 0;
    uint64_t now = now_ns();
    if (c->sent_ns >= s_t_warm && now <= s_t_end) {
        s_window_replies += (uint64_t)s_depth;
        s_hist[bucket_of(now - c->sent_ns)]++;
    }
    return 1;
}

static int connect_unix(const char *path)
{
    struct sockaddr_un a = {.sun_family = AF_UNIX};
    if (strlen(path) >= sizeof a.sun_path) {
        fprintf(stderr, "linegen: socket path too long: %s\n", path);
        exit(64);
    }
    strcpy(a.sun_path, path);
    for (int attempt = 0;; attempt++) {
        int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
        if (fd < 0) {
            perror("linegen: socket");
            exit(2);
        }
        if (connect(fd, (struct sockaddr *)&a, sizeof a) == 0)
            return fd;
        int e = errno;
        close(fd);
        if ((e != ECONNREFUSED && e != ENOENT && e != EAGAIN) || attempt >= 50) {
            fprintf(stderr, "linegen: connect %s: %s\n", path, strerror(e));
            exit(2);
        }
        usleep(100000);
    }
}

static void usage(void)
{
    fprintf(stderr, "usage: linegen -s SOCK [-t tinyfence|redis|resp|ping] [-c CLIENTS] [-P DEPTH] "
                    "[-d SECONDS] [-w WARMUP] [-k KEYS] [-S SEED]\n");
    exit(64);
}

int main(int argc, char **argv)
{
    const char *path = NULL;
    int clients = 1;
    double duration = 5, warmup = 0.5;
    uint64_t seed = 1;
    int opt;
    while ((opt = getopt(argc, argv, "s:t:c:P:d:w:k:S:")) != -1) {
        switch (opt) {
        case 's': path = optarg; break;
        case 't': s_template = optarg; break;
        case 'c': clients = atoi(optarg); break;
        case 'P': s_depth = atoi(optarg); break;
        case 'd': duration = atof(optarg); break;
        case 'w': warmup = atof(optarg); break;
        case 'k': s_keys = (uint32_t)strtoul(optarg, NULL, 10); break;
        case 'S': seed = strtoull(optarg, NULL, 10); break;
        default: usage();
        }
    }
    if (!path || clients < 1 || s_depth < 1 || s_depth > 4096 || duration <= 0 || warmup < 0 ||
        s_keys < 1 || s_keys > (1u << 24) ||
        (strcmp(s_template, "tinyfence") && strcmp(s_template, "redis") && strcmp(s_template, "resp") &&
         strcmp(s_template, "ping")))
        usage();

    build_requests();
    s_batch = malloc((size_t)s_depth * MAX_REQUEST);
    struct conn *conns = calloc((size_t)clients, sizeof *conns);
    if (!s_batch || !conns) {
        perror("linegen: malloc");
        return 1;
    }
    for (int i = 0; i < clients; i++) {
        conns[i].fd = connect_unix(path);
        conns[i].line_start = 1;
        conns[i].rng = (seed * 0x9E3779B97F4A7C15ULL) ^ ((uint64_t)(i + 1) * 0xBF58476D1CE4E5B9ULL);
        if (conns[i].rng == 0)
            conns[i].rng = 1;
    }

    uint64_t t0 = now_ns();
    s_t_warm = t0 + (uint64_t)(warmup * 1e9);
    s_t_end = s_t_warm + (uint64_t)(duration * 1e9);
    uint64_t t_give_up = s_t_end + 5000000000ULL;

    if (clients == 1) {
        /* Ping-pong on one blocking socket: send, recv until the batch is back. */
        struct conn *c = &conns[0];
        struct timeval tv = {.tv_sec = 5};
        setsockopt(c->fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
        uint64_t now = t0;
        while (now < s_t_end) {
            send_batch(c, now);
            while (!on_readable(c, 0)) {
                if (now_ns() > t_give_up) {
                    fprintf(stderr, "linegen: no reply for 5 s\n");
                    return 2;
                }
            }
            now = now_ns();
        }
    } else {
        int ep = epoll_create1(EPOLL_CLOEXEC);
        for (int i = 0; i < clients; i++) {
            struct epoll_event ev = {.events = EPOLLIN, .data.ptr = &conns[i]};
            if (epoll_ctl(ep, EPOLL_CTL_ADD, conns[i].fd, &ev) < 0) {
                perror("linegen: epoll_ctl");
                return 2;
            }
            send_batch(&conns[i], t0);
        }
        int in_flight = clients;
        struct epoll_event events[256];
        while (in_flight > 0) {
            int n = epoll_wait(ep, events, 256, 1000);
            if (n < 0 && errno != EINTR) {
                perror("linegen: epoll_wait");
                return 2;
            }
            for (int i = 0; i < n; i++) {
                struct conn *c = events[i].data.ptr;
                if (c->outstanding == 0 || !on_readable(c, MSG_DONTWAIT))
                    continue;
                uint64_t now = now_ns();
                if (now < s_t_end)
                    send_batch(c, now);
                else
                    in_flight--;
            }
            if (now_ns() > t_give_up) {
                fprintf(stderr, "linegen: %d connections without their replies 5 s after the end\n", in_flight);
                return 2;
            }
        }
    }
    double elapsed = (double)(now_ns() - t0) / 1e9;

    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    double cpu_us = (double)ru.ru_utime.tv_sec * 1e6 + (double)ru.ru_utime.tv_usec +
                    (double)ru.ru_stime.tv_sec * 1e6 + (double)ru.ru_stime.tv_usec;
    printf("template=%s clients=%d depth=%d keys=%u seconds=%.3f replies=%llu window_replies=%llu "
           "rps=%.1f errors=%llu extra=%llu p50_us=%.2f p99_us=%.2f gen_cpu_us_per_req=%.3f\n",
           s_template, clients, s_depth, s_keys, elapsed, (unsigned long long)s_replies,
           (unsigned long long)s_window_replies, (double)s_window_replies / duration,
           (unsigned long long)s_errors, (unsigned long long)s_extra, percentile_us(0.50),
           percentile_us(0.99), s_replies ? cpu_us / (double)s_replies : 0.0);
    if (s_errors)
        fprintf(stderr, "linegen: %llu error replies, the first: %s\n", (unsigned long long)s_errors, s_first_error);
    return 0;
}
