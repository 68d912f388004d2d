/* What the benches' C load generators (socket/linegen.c, firewall/httpgen.c) share: the clock
 * their windows are timed with and the generator their keys are picked with. */
#ifndef GENCLOCK_H
#define GENCLOCK_H
#include <stdint.h>
#include <time.h>

static inline uint64_t now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

/* xorshift64: fast, and the same sequence for every server a bench compares. Never seed with 0. */
static inline uint64_t xorshift(uint64_t *s)
{
    uint64_t x = *s;
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    return *s = x;
}
#endif
