/*
 * Raw image backends: open/close, synchronous and asynchronous reads,
 * writes and flushes, drain, and the -snapshot overlay.
 *
 * Asynchronous requests go to the worker pool (block/thread-pool.c); the
 * completion decrements the backend's in_flight counter and calls the
 * device's callback in the main loop. Every backend is on a list so
 * blk_drain_all() can reach them.
 *
 * Snapshot overlay: writes land in an unlinked temporary file of the
 * image's size, at the same offsets; `dirty` has a bit per 4 KiB cluster
 * that has been copied up there. A write first copies the clusters it
 * only partly covers from the image, so the overlay always holds whole
 * clusters. `overlay_lock` serialises overlay requests (workers run them
 * concurrently otherwise).
 */
#include "block/block.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "block/thread-pool.h"

#define OVERLAY_CLUSTER 4096

struct BlockBackend {
    char *filename;
    int fd;
    int64_t length;
    bool read_only;
    int in_flight; /* BQL */
    /* snapshot mode */
    int overlay_fd; /* -1 if not in snapshot mode */
    uint8_t *dirty; /* bit per OVERLAY_CLUSTER */
    pthread_mutex_t overlay_lock;
    BlockBackend *next;
};

static BlockBackend *blk_list;

typedef enum BlkReqType { BLK_REQ_READ, BLK_REQ_WRITE, BLK_REQ_FLUSH } BlkReqType;

typedef struct BlkRequest {
    BlockBackend *blk;
    BlkReqType type;
    int64_t offset;
    struct iovec *iov;
    int niov;
    BlockCompletionFunc *cb;
    void *opaque;
} BlkRequest;

/* ---- plain file I/O (any thread) ---- */

static int raw_pread_fd(int fd, int64_t offset, void *buf, size_t bytes)
{
    uint8_t *p = buf;

    while (bytes) {
        ssize_t n = pread(fd, p, bytes, offset);

        if (n < 0) {
            if (errno == EINTR) {
                continue;
            }
            return -errno;
        }
        if (n == 0) {
            /* past EOF of a short (sparse) file: zeros */
            memset(p, 0, bytes);
            return 0;
        }
        p += n;
        offset += n;
        bytes -= (size_t)n;
    }
    return 0;
}

static int raw_pwrite_fd(int fd, int64_t offset, const void *buf, size_t bytes)
{
    const uint8_t *p = buf;

    while (bytes) {
        ssize_t n = pwrite(fd, p, bytes, offset);

        if (n < 0) {
            if (errno == EINTR) {
                continue;
            }
            return -errno;
        }
        if (n == 0) {
            return -EIO;
        }
        p += n;
        offset += n;
        bytes -= (size_t)n;
    }
    return 0;
}

static bool overlay_test(BlockBackend *blk, int64_t cluster)
{
    return blk->dirty[cluster >> 3] & (1u << (cluster & 7));
}

/* Snapshot mode read: cluster by cluster from the overlay or the image. */
static int overlay_pread(BlockBackend *blk, int64_t offset, uint8_t *buf, size_t bytes)
{
    int ret = 0;

    pthread_mutex_lock(&blk->overlay_lock);
    while (bytes && ret == 0) {
        int64_t cluster = offset / OVERLAY_CLUSTER;
        size_t in = OVERLAY_CLUSTER - (size_t)(offset % OVERLAY_CLUSTER);
        size_t n = bytes < in ? bytes : in;

        ret = raw_pread_fd(overlay_test(blk, cluster) ? blk->overlay_fd : blk->fd, offset, buf, n);
        offset += n;
        buf += n;
        bytes -= n;
    }
    pthread_mutex_unlock(&blk->overlay_lock);
    return ret;
}

static int overlay_pwrite(BlockBackend *blk, int64_t offset, const uint8_t *buf, size_t bytes)
{
    uint8_t *tmp = malloc(OVERLAY_CLUSTER);
    int ret = 0;

    if (!tmp) {
        return -ENOMEM;
    }
    pthread_mutex_lock(&blk->overlay_lock);
    while (bytes && ret == 0) {
        int64_t cluster = offset / OVERLAY_CLUSTER;
        size_t in = OVERLAY_CLUSTER - (size_t)(offset % OVERLAY_CLUSTER);
        size_t n = bytes < in ? bytes : in;

        if (!overlay_test(blk, cluster) && n < OVERLAY_CLUSTER) {
            /* copy the cluster up before writing part of it */
            ret = raw_pread_fd(blk->fd, cluster * OVERLAY_CLUSTER, tmp, OVERLAY_CLUSTER);
            if (ret == 0) {
                ret =
                    raw_pwrite_fd(blk->overlay_fd, cluster * OVERLAY_CLUSTER, tmp, OVERLAY_CLUSTER);
            }
        }
        if (ret == 0) {
            ret = raw_pwrite_fd(blk->overlay_fd, offset, buf, n);
        }
        if (ret == 0) {
            blk->dirty[cluster >> 3] |= (uint8_t)(1u << (cluster & 7));
        }
        offset += n;
        buf += n;
        bytes -= n;
    }
    pthread_mutex_unlock(&blk->overlay_lock);
    free(tmp);
    return ret;
}

static int blk_check_request(BlockBackend *blk, int64_t offset, size_t bytes, bool write)
{
    if (write && blk->read_only) {
        return -EPERM;
    }
    if (offset < 0 || (uint64_t)offset > (uint64_t)blk->length ||
        bytes > (uint64_t)(blk->length - offset)) {
        return -EIO;
    }
    return 0;
}

static int blk_do_pread(BlockBackend *blk, int64_t offset, void *buf, size_t bytes)
{
    int ret = blk_check_request(blk, offset, bytes, false);

    if (ret < 0) {
        return ret;
    }
    if (blk->overlay_fd >= 0) {
        return overlay_pread(blk, offset, buf, bytes);
    }
    return raw_pread_fd(blk->fd, offset, buf, bytes);
}

static int blk_do_pwrite(BlockBackend *blk, int64_t offset, const void *buf, size_t bytes)
{
    int ret = blk_check_request(blk, offset, bytes, true);

    if (ret < 0) {
        return ret;
    }
    if (blk->overlay_fd >= 0) {
        return overlay_pwrite(blk, offset, buf, bytes);
    }
    return raw_pwrite_fd(blk->fd, offset, buf, bytes);
}

static int blk_do_flush(BlockBackend *blk)
{
    if (blk->overlay_fd >= 0 || blk->read_only) {
        return 0; /* nothing of ours to make durable */
    }
    return fdatasync(blk->fd) < 0 ? -errno : 0;
}

/* ---- open/close ---- */

BlockBackend *blk_open(const char *filename, int flags, Error **errp)
{
    BlockBackend *blk;
    bool ro = (flags & (BLK_OPEN_READONLY | BLK_OPEN_SNAPSHOT)) != 0;
    struct stat st;
    off_t end;
    int fd;

    fd = open(filename, (ro ? O_RDONLY : O_RDWR) | O_CLOEXEC);
    if (fd < 0) {
        error_setg_errno(errp, errno, "could not open disk image '%s'", filename);
        return NULL;
    }
    if (fstat(fd, &st) < 0 || S_ISDIR(st.st_mode)) {
        error_setg(errp, "could not open disk image '%s': %s", filename,
                   S_ISDIR(st.st_mode) ? "is a directory" : strerror(errno));
        close(fd);
        return NULL;
    }
    end = lseek(fd, 0, SEEK_END);
    if (end < 0) {
        error_setg_errno(errp, errno, "could not get the size of disk image '%s'", filename);
        close(fd);
        return NULL;
    }
    blk = calloc(1, sizeof(*blk));
    if (!blk) {
        abort();
    }
    blk->filename = strdup(filename);
    blk->fd = fd;
    blk->length = end;
    blk->read_only = (flags & BLK_OPEN_READONLY) != 0;
    blk->overlay_fd = -1;
    pthread_mutex_init(&blk->overlay_lock, NULL);
    if (flags & BLK_OPEN_SNAPSHOT) {
        const char *dir = getenv("TMPDIR");
        char path[PATH_MAX];
        size_t nclusters = (size_t)((end + OVERLAY_CLUSTER - 1) / OVERLAY_CLUSTER);

        snprintf(path, sizeof(path), "%s/tern-snapshot-XXXXXX", dir && *dir ? dir : "/tmp");
        blk->overlay_fd = mkostemp(path, O_CLOEXEC);
        if (blk->overlay_fd < 0) {
            error_setg_errno(errp, errno, "could not create the snapshot overlay for '%s'",
                             filename);
            blk_close(blk);
            return NULL;
        }
        unlink(path);
        blk->dirty = calloc(nclusters / 8 + 1, 1);
        if (!blk->dirty) {
            abort();
        }
    }
    blk->next = blk_list;
    blk_list = blk;
    return blk;
}

void blk_close(BlockBackend *blk)
{
    BlockBackend **p;

    if (!blk) {
        return;
    }
    blk_drain(blk);
    for (p = &blk_list; *p; p = &(*p)->next) {
        if (*p == blk) {
            *p = blk->next;
            break;
        }
    }
    if (blk->overlay_fd >= 0) {
        close(blk->overlay_fd);
    }
    close(blk->fd);
    pthread_mutex_destroy(&blk->overlay_lock);
    free(blk->dirty);
    free(blk->filename);
    free(blk);
}

const char *blk_filename(const BlockBackend *blk)
{
    return blk->filename;
}

int64_t blk_getlength(const BlockBackend *blk)
{
    return blk->length;
}

bool blk_is_read_only(const BlockBackend *blk)
{
    return blk->read_only;
}

int blk_pread(BlockBackend *blk, int64_t offset, void *buf, size_t bytes)
{
    return blk_do_pread(blk, offset, buf, bytes);
}

int blk_pwrite(BlockBackend *blk, int64_t offset, const void *buf, size_t bytes)
{
    return blk_do_pwrite(blk, offset, buf, bytes);
}

int blk_flush(BlockBackend *blk)
{
    return blk_do_flush(blk);
}

/* ---- asynchronous requests ---- */

/* Worker side: run the request with the iovec as one or more pieces. */
static int blk_req_run(void *arg)
{
    BlkRequest *req = arg;
    int64_t off = req->offset;
    int ret = 0;

    if (req->type == BLK_REQ_FLUSH) {
        return blk_do_flush(req->blk);
    }
    for (int i = 0; i < req->niov && ret == 0; i++) {
        if (req->type == BLK_REQ_READ) {
            ret = blk_do_pread(req->blk, off, req->iov[i].iov_base, req->iov[i].iov_len);
        } else {
            ret = blk_do_pwrite(req->blk, off, req->iov[i].iov_base, req->iov[i].iov_len);
        }
        off += (int64_t)req->iov[i].iov_len;
    }
    return ret;
}

static void blk_req_complete(void *opaque, int ret)
{
    BlkRequest *req = opaque;

    req->blk->in_flight--;
    req->cb(req->opaque, ret);
    free(req->iov);
    free(req);
}

static void blk_submit(BlockBackend *blk, BlkReqType type, int64_t offset, const struct iovec *iov,
                       int niov, BlockCompletionFunc *cb, void *opaque)
{
    BlkRequest *req = calloc(1, sizeof(*req));

    if (!req) {
        abort();
    }
    req->blk = blk;
    req->type = type;
    req->offset = offset;
    req->cb = cb;
    req->opaque = opaque;
    if (niov > 0) {
        req->iov = malloc(sizeof(*iov) * (size_t)niov);
        if (!req->iov) {
            abort();
        }
        memcpy(req->iov, iov, sizeof(*iov) * (size_t)niov);
        req->niov = niov;
    }
    blk->in_flight++;
    thread_pool_submit(blk_req_run, req, blk_req_complete, req);
}

void blk_aio_preadv(BlockBackend *blk, int64_t offset, const struct iovec *iov, int niov,
                    BlockCompletionFunc *cb, void *opaque)
{
    blk_submit(blk, BLK_REQ_READ, offset, iov, niov, cb, opaque);
}

void blk_aio_pwritev(BlockBackend *blk, int64_t offset, const struct iovec *iov, int niov,
                     BlockCompletionFunc *cb, void *opaque)
{
    blk_submit(blk, BLK_REQ_WRITE, offset, iov, niov, cb, opaque);
}

void blk_aio_pread(BlockBackend *blk, int64_t offset, void *buf, size_t bytes,
                   BlockCompletionFunc *cb, void *opaque)
{
    struct iovec iov = { .iov_base = buf, .iov_len = bytes };

    blk_submit(blk, BLK_REQ_READ, offset, &iov, 1, cb, opaque);
}

void blk_aio_pwrite(BlockBackend *blk, int64_t offset, const void *buf, size_t bytes,
                    BlockCompletionFunc *cb, void *opaque)
{
    struct iovec iov = { .iov_base = (void *)buf, .iov_len = bytes };

    blk_submit(blk, BLK_REQ_WRITE, offset, &iov, 1, cb, opaque);
}

void blk_aio_flush(BlockBackend *blk, BlockCompletionFunc *cb, void *opaque)
{
    blk_submit(blk, BLK_REQ_FLUSH, 0, NULL, 0, cb, opaque);
}

int blk_in_flight(const BlockBackend *blk)
{
    return blk->in_flight;
}

void blk_drain(BlockBackend *blk)
{
    while (blk->in_flight > 0) {
        thread_pool_wait_any();
    }
}

void blk_drain_all(void)
{
    for (;;) {
        bool busy = false;

        for (BlockBackend *b = blk_list; b; b = b->next) {
            busy |= b->in_flight > 0;
        }
        if (!busy) {
            return;
        }
        thread_pool_wait_any();
    }
}
