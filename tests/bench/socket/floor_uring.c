/* floor_uring: floor.c's line server on io_uring instead of epoll.
 *
 * Same contract as floor.c (every LF received is answered with the same fixed line, nothing
 * parsed), but the system calls are batched: one io_uring_enter per loop turn submits every
 * connection's send and next recv and reaps every completion, where the epoll floor makes an
 * epoll_wait per turn plus a recv and a send per request. Raw system calls on
 * <linux/io_uring.h>, no liburing; Linux 5.19 or later (IORING_RECVSEND_POLL_FIRST), with
 * IORING_SETUP_DEFER_TASKRUN where the kernel has it (6.1).
 *
 * Tried and left out, no difference beyond the noise on the 2-core VM: multishot recv into a
 * provided buffer ring, a registered ring fd with fixed files, recv without POLL_FIRST.
 *
 *   floor_uring SOCKET_PATH [REPLY]     (REPLY default "1", the line sent without its LF)
 *
 * Runs until killed (SIGTERM). Exits 69 when the kernel refuses io_uring.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <linux/io_uring.h>
#include <stdint.h>
#include <sys/mman.h>
#include <sys/syscall.h>

#include "floor_common.h"

#define RECV_BYTES 16384
#define RING_ENTRIES 4096

enum { OP_ACCEPT, OP_RECV, OP_SEND };

struct conn {
    char *buf;
    uint64_t pending;   /* replies owed but not yet sent */
    size_t partial;     /* bytes of the first owed reply already sent */
    size_t in_send;     /* bytes of the send in flight, 0 when none */
    int recv_in_flight;
    int closing;
};

static struct conn *s_conns;
static struct floor_setup s_floor;

static int s_ring;
static unsigned *s_sq_tail, *s_sq_mask, *s_sq_array, *s_cq_head, *s_cq_tail, *s_cq_mask;
static struct io_uring_sqe *s_sqes;
static struct io_uring_cqe *s_cqes;
static unsigned s_sq_local_tail, s_to_submit;

static int enter(unsigned submit, unsigned wait, unsigned flags)
{
    return (int)syscall(__NR_io_uring_enter, s_ring, submit, wait, flags, NULL, 0);
}

static struct io_uring_sqe *next_sqe(void)
{
    if (s_to_submit == RING_ENTRIES) {
        __atomic_store_n(s_sq_tail, s_sq_local_tail, __ATOMIC_RELEASE);
        int r = enter(s_to_submit, 0, 0);
        s_to_submit -= r > 0 ? (unsigned)r : 0;
    }
    unsigned index = s_sq_local_tail & *s_sq_mask;
    struct io_uring_sqe *sqe = &s_sqes[index];
    memset(sqe, 0, sizeof *sqe);
    s_sq_array[index] = index;
    s_sq_local_tail++;
    s_to_submit++;
    return sqe;
}

static void queue(int op, int fd, void *addr, size_t len, int msg_flags, uint16_t ioprio)
{
    struct io_uring_sqe *sqe = next_sqe();
    sqe->opcode = op == OP_ACCEPT ? IORING_OP_ACCEPT : op == OP_RECV ? IORING_OP_RECV : IORING_OP_SEND;
    sqe->fd = fd;
    sqe->addr = (uint64_t)(uintptr_t)addr;
    sqe->len = (uint32_t)len;
    sqe->msg_flags = (uint32_t)msg_flags;
    sqe->ioprio = ioprio;
    sqe->user_data = ((uint64_t)fd << 2) | (uint64_t)op;
}

static void queue_send(int fd)
{
    struct conn *c = &s_conns[fd];
    uint64_t count = c->pending < REPLIES_PER_CHUNK ? c->pending : REPLIES_PER_CHUNK;
    c->in_send = count * s_floor.reply_len - c->partial;
    queue(OP_SEND, fd, s_floor.chunk + c->partial, c->in_send, MSG_NOSIGNAL, 0);
}

/* Right after a reply the next request is rarely there yet: poll first, skip a failed try. */
static void queue_recv(int fd)
{
    s_conns[fd].recv_in_flight = 1;
    queue(OP_RECV, fd, s_conns[fd].buf, RECV_BYTES, 0, IORING_RECVSEND_POLL_FIRST);
}

static void close_when_idle(int fd)
{
    struct conn *c = &s_conns[fd];
    c->closing = 1;
    if (!c->recv_in_flight && !c->in_send) {
        close(fd);
        c->closing = 0;
        c->pending = 0;
        c->partial = 0;
    }
}

static int setup_ring(void)
{
    struct io_uring_params p;
    unsigned flag_sets[] = {IORING_SETUP_SINGLE_ISSUER | IORING_SETUP_DEFER_TASKRUN, IORING_SETUP_COOP_TASKRUN, 0};
    for (unsigned i = 0; i < sizeof flag_sets / sizeof flag_sets[0]; i++) {
        memset(&p, 0, sizeof p);
        p.flags = flag_sets[i];
        s_ring = (int)syscall(__NR_io_uring_setup, RING_ENTRIES, &p);
        if (s_ring >= 0)
            break;
    }
    if (s_ring < 0) {
        perror("floor_uring: io_uring_setup");
        return -1;
    }
    size_t sq_bytes = p.sq_off.array + p.sq_entries * sizeof(unsigned);
    size_t cq_bytes = p.cq_off.cqes + p.cq_entries * sizeof(struct io_uring_cqe);
    if (p.features & IORING_FEAT_SINGLE_MMAP)
        sq_bytes = cq_bytes = sq_bytes > cq_bytes ? sq_bytes : cq_bytes;
    char *sq = mmap(NULL, sq_bytes, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_POPULATE, s_ring, IORING_OFF_SQ_RING);
    char *cq = (p.features & IORING_FEAT_SINGLE_MMAP)
                   ? sq
                   : mmap(NULL, cq_bytes, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_POPULATE, s_ring, IORING_OFF_CQ_RING);
    s_sqes = mmap(NULL, p.sq_entries * sizeof(struct io_uring_sqe), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_POPULATE,
                  s_ring, IORING_OFF_SQES);
    if (sq == MAP_FAILED || cq == MAP_FAILED || s_sqes == MAP_FAILED) {
        perror("floor_uring: mmap");
        return -1;
    }
    s_sq_tail = (unsigned *)(sq + p.sq_off.tail);
    s_sq_mask = (unsigned *)(sq + p.sq_off.ring_mask);
    s_sq_array = (unsigned *)(sq + p.sq_off.array);
    s_cq_head = (unsigned *)(cq + p.cq_off.head);
    s_cq_tail = (unsigned *)(cq + p.cq_off.tail);
    s_cq_mask = (unsigned *)(cq + p.cq_off.ring_mask);
    s_cqes = (struct io_uring_cqe *)(cq + p.cq_off.cqes);
    s_sq_local_tail = *s_sq_tail;
    return 0;
}

static void complete(uint64_t user_data, int res, int lfd)
{
    int fd = (int)(user_data >> 2);
    struct conn *c = &s_conns[fd];
    switch ((int)(user_data & 3)) {
    case OP_ACCEPT:
        if (res >= 0) {
            if (res >= s_floor.max_fd) {
                close(res);
            } else {
                memset(&s_conns[res], 0, sizeof s_conns[res]);
                s_conns[res].buf = s_conns[res].buf ? s_conns[res].buf : malloc(RECV_BYTES);
                queue_recv(res);
            }
        }
        queue(OP_ACCEPT, lfd, NULL, 0, 0, 0);
        break;
    case OP_RECV:
        c->recv_in_flight = 0;
        if (res <= 0 && res != -EINTR) {
            close_when_idle(fd);
            break;
        }
        if (c->closing) {
            close_when_idle(fd);
            break;
        }
        for (char *p = c->buf, *end = c->buf + (res > 0 ? res : 0); (p = memchr(p, '\n', (size_t)(end - p))) != NULL; p++)
            c->pending++;
        if (c->pending > 0 && !c->in_send)
            queue_send(fd);
        queue_recv(fd);
        break;
    case OP_SEND: {
        size_t sent = res > 0 ? (size_t)res : 0;
        c->in_send = 0;
        if (res < 0 || c->closing) {
            close_when_idle(fd);
            break;
        }
        sent += c->partial;
        c->pending -= sent / s_floor.reply_len;
        c->partial = sent % s_floor.reply_len;
        if (c->pending > 0)
            queue_send(fd);
        break;
    }
    }
}

int main(int argc, char **argv)
{
    if (setup_ring() < 0)
        return 69;
    int status = floor_start(argc, argv, "floor_uring", 0, &s_floor);
    if (status != 0)
        return status;
    s_conns = calloc((size_t)s_floor.max_fd, sizeof *s_conns);
    int lfd = s_floor.listener;
    queue(OP_ACCEPT, lfd, NULL, 0, 0, 0);
    for (;;) {
        __atomic_store_n(s_sq_tail, s_sq_local_tail, __ATOMIC_RELEASE);
        int r = enter(s_to_submit, 1, IORING_ENTER_GETEVENTS);
        if (r < 0) {
            if (errno == EINTR || errno == EAGAIN || errno == EBUSY)
                continue;
            perror("floor_uring: io_uring_enter");
            return 1;
        }
        s_to_submit -= (unsigned)r;
        unsigned head = *s_cq_head;
        unsigned tail = __atomic_load_n(s_cq_tail, __ATOMIC_ACQUIRE);
        for (; head != tail; head++) {
            struct io_uring_cqe *cqe = &s_cqes[head & *s_cq_mask];
            complete(cqe->user_data, cqe->res, lfd);
        }
        __atomic_store_n(s_cq_head, head, __ATOMIC_RELEASE);
    }
}
