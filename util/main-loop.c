/*
 * The main event loop: big lock, fd handlers, bottom halves, the wake-up
 * notifier (see util/main-loop.h).
 *
 * Locking: the fd handler list is guarded by the BQL. Records are never
 * freed while the loop walks them: removal marks a record deleted and the
 * loop sweeps deleted records when it is not dispatching. The BH list has
 * its own mutex for insertion (any thread); BHs are likewise only marked
 * deleted and freed by the main thread when no bh_poll is running, so a
 * walk may follow ->next without the lock (a new BH goes in at the head,
 * before any walk's starting point).
 *
 * Wake-ups go through one eventfd: every write makes the poll return, and
 * the loop drains it before dispatching.
 */
#include "util/main-loop.h"

#include <assert.h>
#include <errno.h>
#include <poll.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <time.h>
#include <unistd.h>

#include "util/log.h"
#include "util/timer.h"

/* ---- The big lock ---- */

static pthread_mutex_t bql = PTHREAD_MUTEX_INITIALIZER;
static __thread bool bql_held;

void bql_lock(void)
{
    assert(!bql_held && "bql_lock: already held by this thread");
    pthread_mutex_lock(&bql);
    bql_held = true;
}

void bql_unlock(void)
{
    assert(bql_held && "bql_unlock: not held by this thread");
    bql_held = false;
    pthread_mutex_unlock(&bql);
}

bool bql_locked(void)
{
    return bql_held;
}

void bql_cond_wait(pthread_cond_t *cond)
{
    assert(bql_held);
    bql_held = false;
    pthread_cond_wait(cond, &bql);
    bql_held = true;
}

bool bql_cond_timedwait(pthread_cond_t *cond, int64_t timeout_ms)
{
    struct timespec ts;
    int ret;

    assert(bql_held);
    /* Relative to the monotonic clock: a wall-clock jump must not turn a
     * short wait into a long one. */
    clock_gettime(CLOCK_MONOTONIC, &ts);
    ts.tv_sec += timeout_ms / 1000;
    ts.tv_nsec += (timeout_ms % 1000) * 1000000;
    if (ts.tv_nsec >= 1000000000) {
        ts.tv_sec++;
        ts.tv_nsec -= 1000000000;
    }
    bql_held = false;
    ret = pthread_cond_clockwait(cond, &bql, CLOCK_MONOTONIC, &ts);
    bql_held = true;
    return ret != ETIMEDOUT;
}

/* ---- Set-up and the notifier ---- */

static atomic_int notify_fd = -1;
static pthread_mutex_t init_lock = PTHREAD_MUTEX_INITIALIZER;
static __thread bool is_main_thread;
static atomic_bool exit_requested;

bool qemu_init_main_loop(Error **errp)
{
    bool ok = true;

    pthread_mutex_lock(&init_lock);
    if (atomic_load(&notify_fd) < 0) {
        int fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);

        if (fd < 0) {
            error_setg_errno(errp, errno, "main loop: cannot create an eventfd");
            ok = false;
        } else {
            atomic_store(&notify_fd, fd);
            is_main_thread = true;
        }
    }
    pthread_mutex_unlock(&init_lock);
    return ok;
}

bool qemu_in_main_thread(void)
{
    return is_main_thread;
}

void qemu_notify_event(void)
{
    int fd = atomic_load(&notify_fd);
    uint64_t one = 1;

    if (fd >= 0) {
        /* EAGAIN means the counter is already non-zero: already woken. */
        ssize_t r = write(fd, &one, sizeof(one));
        (void)r;
    }
}

static void notifier_drain(int fd)
{
    uint64_t count;
    ssize_t r = read(fd, &count, sizeof(count));

    (void)r;
}

void main_loop_exit_request(void)
{
    atomic_store(&exit_requested, true);
    qemu_notify_event();
}

bool main_loop_should_exit(void)
{
    return atomic_exchange(&exit_requested, false);
}

/* ---- File descriptor handlers ---- */

typedef struct IOHandlerRecord {
    int fd;
    IOReadPoll *read_poll;
    IOHandler *fd_read;
    IOHandler *fd_write;
    void *opaque;
    bool deleted;
    int pollfds_idx; /* index in this iteration's pollfd array, or -1 */
    struct IOHandlerRecord *next;
} IOHandlerRecord;

static IOHandlerRecord *io_handlers;
static int io_handlers_walking;

void qemu_set_fd_handler_poll(int fd, IOReadPoll *read_poll, IOHandler *fd_read,
                              IOHandler *fd_write, void *opaque)
{
    IOHandlerRecord *ioh;

    for (ioh = io_handlers; ioh; ioh = ioh->next) {
        if (ioh->fd == fd && !ioh->deleted) {
            break;
        }
    }
    if (!fd_read && !fd_write) {
        if (ioh) {
            ioh->deleted = true;
        }
        return;
    }
    if (!ioh) {
        ioh = calloc(1, sizeof(*ioh));
        if (!ioh) {
            abort();
        }
        ioh->fd = fd;
        ioh->pollfds_idx = -1;
        ioh->next = io_handlers;
        io_handlers = ioh;
    }
    ioh->read_poll = read_poll;
    ioh->fd_read = fd_read;
    ioh->fd_write = fd_write;
    ioh->opaque = opaque;
    /* A poll in progress in the main thread does not watch this fd yet. */
    if (!qemu_in_main_thread()) {
        qemu_notify_event();
    }
}

void qemu_set_fd_handler(int fd, IOHandler *fd_read, IOHandler *fd_write, void *opaque)
{
    qemu_set_fd_handler_poll(fd, NULL, fd_read, fd_write, opaque);
}

static void io_handlers_sweep(void)
{
    IOHandlerRecord **pp = &io_handlers;

    if (io_handlers_walking) {
        return;
    }
    while (*pp) {
        IOHandlerRecord *ioh = *pp;

        if (ioh->deleted) {
            *pp = ioh->next;
            free(ioh);
        } else {
            pp = &ioh->next;
        }
    }
}

/* Fill pollfds[start..] with the handlers' interests; returns the count. */
static int io_handlers_fill(struct pollfd **pollfds, int *cap, int n)
{
    for (IOHandlerRecord *ioh = io_handlers; ioh; ioh = ioh->next) {
        short events = 0;

        ioh->pollfds_idx = -1;
        if (ioh->deleted) {
            continue;
        }
        if (ioh->fd_read && (!ioh->read_poll || ioh->read_poll(ioh->opaque))) {
            events |= POLLIN;
        }
        if (ioh->fd_write) {
            events |= POLLOUT;
        }
        if (!events) {
            /* Not even POLLHUP: a throttled reader must not spin the loop. */
            continue;
        }
        if (n == *cap) {
            *cap = *cap ? *cap * 2 : 16;
            *pollfds = realloc(*pollfds, *cap * sizeof(**pollfds));
            if (!*pollfds) {
                abort();
            }
        }
        (*pollfds)[n].fd = ioh->fd;
        (*pollfds)[n].events = events;
        (*pollfds)[n].revents = 0;
        ioh->pollfds_idx = n++;
    }
    return n;
}

static int io_handlers_dispatch(struct pollfd *pollfds)
{
    int ran = 0;

    io_handlers_walking++;
    for (IOHandlerRecord *ioh = io_handlers; ioh; ioh = ioh->next) {
        short rev;

        if (ioh->pollfds_idx < 0) {
            continue;
        }
        rev = pollfds[ioh->pollfds_idx].revents;
        ioh->pollfds_idx = -1;
        if (rev & POLLNVAL) {
            log_mask_printf(LOG_UNIMP, "main loop: fd %d is closed but has a handler\n", ioh->fd);
            continue;
        }
        if (!ioh->deleted && ioh->fd_read && (rev & (POLLIN | POLLHUP | POLLERR))) {
            ioh->fd_read(ioh->opaque);
            ran++;
        }
        if (!ioh->deleted && ioh->fd_write && (rev & (POLLOUT | POLLERR))) {
            ioh->fd_write(ioh->opaque);
            ran++;
        }
    }
    io_handlers_walking--;
    io_handlers_sweep();
    return ran;
}

/* ---- Bottom halves ---- */

struct QEMUBH {
    QEMUBHFunc *cb;
    void *opaque;
    atomic_bool scheduled;
    atomic_bool deleted;
    QEMUBH *next;
};

static pthread_mutex_t bh_lock = PTHREAD_MUTEX_INITIALIZER;
static QEMUBH *bh_list;
static int bh_walking; /* main thread only */

QEMUBH *qemu_bh_new(QEMUBHFunc *cb, void *opaque)
{
    QEMUBH *bh = calloc(1, sizeof(*bh));

    if (!bh) {
        abort();
    }
    bh->cb = cb;
    bh->opaque = opaque;
    pthread_mutex_lock(&bh_lock);
    bh->next = bh_list;
    bh_list = bh;
    pthread_mutex_unlock(&bh_lock);
    return bh;
}

void qemu_bh_schedule(QEMUBH *bh)
{
    if (atomic_load(&bh->deleted)) {
        return;
    }
    if (!atomic_exchange(&bh->scheduled, true)) {
        qemu_notify_event();
    }
}

void qemu_bh_cancel(QEMUBH *bh)
{
    atomic_store(&bh->scheduled, false);
}

void qemu_bh_delete(QEMUBH *bh)
{
    if (bh) {
        atomic_store(&bh->scheduled, false);
        atomic_store(&bh->deleted, true);
    }
}

static QEMUBH *bh_list_head(void)
{
    QEMUBH *head;

    pthread_mutex_lock(&bh_lock);
    head = bh_list;
    pthread_mutex_unlock(&bh_lock);
    return head;
}

static bool bh_any_scheduled(void)
{
    for (QEMUBH *bh = bh_list_head(); bh; bh = bh->next) {
        if (atomic_load(&bh->scheduled) && !atomic_load(&bh->deleted)) {
            return true;
        }
    }
    return false;
}

static void bh_sweep(void)
{
    QEMUBH **pp;

    pthread_mutex_lock(&bh_lock);
    pp = &bh_list;
    while (*pp) {
        QEMUBH *bh = *pp;

        if (atomic_load(&bh->deleted)) {
            *pp = bh->next;
            free(bh);
        } else {
            pp = &bh->next;
        }
    }
    pthread_mutex_unlock(&bh_lock);
}

int qemu_bh_poll(void)
{
    int ran = 0;

    bh_walking++;
    for (QEMUBH *bh = bh_list_head(); bh; bh = bh->next) {
        if (!atomic_load(&bh->deleted) && atomic_exchange(&bh->scheduled, false)) {
            bh->cb(bh->opaque);
            ran++;
        }
    }
    if (--bh_walking == 0) {
        bh_sweep();
    }
    return ran;
}

/* ---- The loop ---- */

int main_loop_wait(bool nonblocking)
{
    static struct pollfd *pollfds;
    static int pollfds_cap;
    struct timespec ts, *tsp = NULL;
    int64_t timeout_ns;
    int nfds, ret, ran = 0;
    int nfd;

    static bool in_wait;

    assert(bql_locked());
    assert(!in_wait && "main_loop_wait: called from one of its own callbacks");
    in_wait = true;
    if (atomic_load(&notify_fd) < 0 && !qemu_init_main_loop(NULL)) {
        abort();
    }
    nfd = atomic_load(&notify_fd);

    io_handlers_sweep();
    if (pollfds_cap == 0) {
        pollfds_cap = 16;
        pollfds = malloc(pollfds_cap * sizeof(*pollfds));
        if (!pollfds) {
            abort();
        }
    }
    pollfds[0].fd = nfd;
    pollfds[0].events = POLLIN;
    pollfds[0].revents = 0;
    nfds = io_handlers_fill(&pollfds, &pollfds_cap, 1);

    timeout_ns = nonblocking ? 0 : qemu_clock_deadline_ns_all();
    if (timeout_ns != 0 && bh_any_scheduled()) {
        timeout_ns = 0;
    }
    if (timeout_ns >= 0) {
        ts.tv_sec = timeout_ns / NANOSECONDS_PER_SECOND;
        ts.tv_nsec = timeout_ns % NANOSECONDS_PER_SECOND;
        tsp = &ts;
    }

    bql_unlock();
    ret = ppoll(pollfds, nfds, tsp, NULL);
    bql_lock();

    if (ret < 0) {
        if (errno != EINTR) {
            log_mask_printf(LOG_UNIMP, "main loop: poll failed: %s\n", strerror(errno));
        }
        /* No revents are valid; forget this iteration's indices. */
        for (IOHandlerRecord *ioh = io_handlers; ioh; ioh = ioh->next) {
            ioh->pollfds_idx = -1;
        }
    } else {
        if (pollfds[0].revents & POLLIN) {
            notifier_drain(nfd);
        }
        ran += io_handlers_dispatch(pollfds);
    }
    ran += qemu_clock_run_all_timers();
    ran += qemu_bh_poll();
    in_wait = false;
    return ran;
}

void qemu_main_loop(void)
{
    while (!main_loop_should_exit()) {
        main_loop_wait(false);
    }
}
