/*
 * The block layer as devices see it: a BlockBackend is one open disk
 * image.
 *
 * Only raw images for now (the bytes of the file are the bytes of the
 * disk); the qcow2 driver will sit behind the same API. Offsets and
 * lengths are in bytes; the backend does not impose a sector size, the
 * device does (512 for ATA disks, 2048 for CD-ROMs).
 *
 * Synchronous calls (blk_pread/pwrite/flush) block the caller: for tools,
 * loaders and tests. Device models use the asynchronous calls: the request
 * runs in a worker thread and its completion cb(opaque, ret) is called in
 * the main loop with the BQL held (ret 0 or a negative errno), so the
 * vCPU thread that issued it never waits for the disk. Requests of one
 * backend may complete in any order.
 *
 * Before the device state is saved (migration, snapshots) or a backend is
 * closed, blk_drain()/blk_drain_all() wait for the requests in flight and
 * run their completions.
 *
 * Snapshot mode (BLK_OPEN_SNAPSHOT, the -snapshot option): the image is
 * opened read-only and writes go to a private anonymous overlay kept in
 * memory, discarded at close.
 */
#ifndef BLOCK_BLOCK_H
#define BLOCK_BLOCK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/uio.h>

#include "util/error.h"

typedef struct BlockBackend BlockBackend;

/* blk_open flags */
#define BLK_OPEN_READONLY 0x1 /* refuse writes (CD-ROMs, readonly=on) */
#define BLK_OPEN_SNAPSHOT 0x2 /* writes kept in memory, discarded at close */

typedef void BlockCompletionFunc(void *opaque, int ret);

/* Open filename; NULL with an error naming the file on failure. */
BlockBackend *blk_open(const char *filename, int flags, Error **errp);
/* Drain and close; NULL is a no-op. */
void blk_close(BlockBackend *blk);

const char *blk_filename(const BlockBackend *blk);
int64_t blk_getlength(const BlockBackend *blk);
bool blk_is_read_only(const BlockBackend *blk);

/* Synchronous: 0 or a negative errno (-EIO past the end, -EPERM when
 * read-only). Short reads never happen: bytes past EOF of a sparse raw
 * file read as zeros. */
int blk_pread(BlockBackend *blk, int64_t offset, void *buf, size_t bytes);
int blk_pwrite(BlockBackend *blk, int64_t offset, const void *buf, size_t bytes);
int blk_flush(BlockBackend *blk);

/*
 * Asynchronous: the iovec array is copied, the buffers it points to must
 * stay valid until cb runs. BQL held.
 */
void blk_aio_preadv(BlockBackend *blk, int64_t offset, const struct iovec *iov, int niov,
                    BlockCompletionFunc *cb, void *opaque);
void blk_aio_pwritev(BlockBackend *blk, int64_t offset, const struct iovec *iov, int niov,
                     BlockCompletionFunc *cb, void *opaque);
void blk_aio_pread(BlockBackend *blk, int64_t offset, void *buf, size_t bytes,
                   BlockCompletionFunc *cb, void *opaque);
void blk_aio_pwrite(BlockBackend *blk, int64_t offset, const void *buf, size_t bytes,
                    BlockCompletionFunc *cb, void *opaque);
void blk_aio_flush(BlockBackend *blk, BlockCompletionFunc *cb, void *opaque);

/* Requests of blk whose completion has not run yet. */
int blk_in_flight(const BlockBackend *blk);
/* Wait for blk's requests (running their completions, which may issue
 * more: waits for those too). BQL held. */
void blk_drain(BlockBackend *blk);
/* The same for every backend. */
void blk_drain_all(void);

#endif
